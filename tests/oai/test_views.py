"""The six verbs and every error condition of OAI-PMH 2.0, through Django's test client.

Each response is parsed with lxml and checked against the structure of the
protocol's schema (tests/oai/oaixml.py) before its content is asserted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db.models import Min
from django.test import Client

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.exports.registry import all_exporters
from fonds.findingaids.models import Collection
from fonds.oai import tokens
from fonds.timeline.models import Event
from tests.oai.oaixml import DC, NS, check_response, q
from tests.schemas import assert_valid_oai_pmh

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "soviet-jewry-movement.example.org"
BASE = "https://archive.example.org/oai"


def oai_id(kind: str, identifier: str) -> str:
    return f"oai:{REPO}:{kind}/{identifier}"


def error_of(root) -> tuple[str, dict[str, str]]:
    errors = root.findall(q("error"))
    assert len(errors) == 1, [e.get("code") for e in errors]
    return errors[0].get("code"), dict(root.find(q("request")).attrib)


def harvest(oai, verb: str, **arguments: str) -> Iterator:
    """Every element of a list, following resumption tokens; checks the token's
    cursor, completeListSize and the empty token that ends a list sent in parts."""
    root = oai(verb=verb, **arguments)
    cursor = 0
    while True:
        body = root.find(q(verb))
        assert body is not None, root.find(q("error")).get("code")
        items = [c for c in body if c.tag != q("resumptionToken")]
        yield from items
        token = body.find(q("resumptionToken"))
        if token is None:
            assert cursor == 0, "a list sent in parts ends with an empty resumptionToken"
            return
        assert int(token.get("cursor")) == cursor
        cursor += len(items)
        assert int(token.get("completeListSize")) >= cursor
        if not token.text:
            assert int(token.get("completeListSize")) == cursor
            assert token.get("expirationDate") is None
            return
        expires = datetime.datetime.strptime(token.get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ")
        assert expires.replace(tzinfo=datetime.UTC) > datetime.datetime.now(datetime.UTC)
        root = oai(verb=verb, resumptionToken=token.text)
        assert root.find(q("request")).attrib == {"verb": verb, "resumptionToken": token.text}


def _header(element):
    return element if element.tag == q("header") else element.find(q("header"))


def identifiers(elements, deleted: bool = False) -> list[str]:
    """The identifiers of the records listed (or of the deleted ones alone)."""
    return [
        _header(e).findtext(q("identifier"))
        for e in elements
        if (_header(e).get("status") == "deleted") == deleted
    ]


def public_identifiers(*kinds: str) -> set[str]:
    found: set[str] = set()
    if "collection" in kinds:
        found |= {
            oai_id("collection", i) for i in Collection.objects.values_list("identifier", flat=True)
        }
    for kind, model in (("agent", Agent), ("event", Event), ("work", Work)):
        if kind in kinds:
            found |= {
                oai_id(kind, i)
                for i in model.objects.filter(published=True).values_list("identifier", flat=True)
            }
    return found


# -- Identify ------------------------------------------------------------------------------


def test_identify(demo, oai, settings):
    root = oai(verb="Identify")
    assert root.find(q("request")).text == BASE
    assert root.find(q("request")).attrib == {"verb": "Identify"}
    identify = root.find(q("Identify"))
    value = {c.tag.split("}")[1]: c.text for c in identify if c.tag != q("description")}
    assert value["repositoryName"] == settings.ARCHIVE_NAME
    assert value["baseURL"] == BASE
    assert value["protocolVersion"] == "2.0"
    assert value["adminEmail"] == settings.ADMIN_EMAIL
    assert value["deletedRecord"] == "transient"
    assert value["granularity"] == "YYYY-MM-DDThh:mm:ssZ"
    first = min(
        Collection.all_objects.aggregate(m=Min("updated_at"))["m"],
        Agent.objects.aggregate(m=Min("updated_at"))["m"],
    )
    assert value["earliestDatestamp"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")
    description = identify.find("o:description/{*}oai-identifier", namespaces=NS)
    assert description.findtext("{*}repositoryIdentifier") == REPO
    sample = description.findtext("{*}sampleIdentifier")
    assert (
        oai(verb="GetRecord", identifier=sample, metadataPrefix="oai_dc").find(q("GetRecord"))
        is not None
    )


def test_identify_on_an_empty_repository(oai):
    value = oai(verb="Identify").find(q("Identify"))
    assert value.findtext(q("earliestDatestamp")) == "1970-01-01T00:00:00Z"
    # Sets exist even with nothing in them: never noSetHierarchy
    assert [s.findtext(q("setSpec")) for s in oai(verb="ListSets").iter(q("set"))] == [
        "collection",
        "agent",
        "event",
        "work",
    ]
    code, _ = error_of(oai(verb="ListRecords", metadataPrefix="oai_dc"))
    assert code == "noRecordsMatch"


def test_post_answers_as_get(demo, oai):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/oai", {"verb": "Identify"})
    assert response.status_code == 200
    assert_valid_oai_pmh(response.content)
    assert check_response(response.content).find(q("Identify")) is not None
    got = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="event")
    posted = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="event", method="post")
    assert identifiers(got.iter(q("header"))) == identifiers(posted.iter(q("header")))
    assert error_of(oai(("verb", "Identify"), ("verb", "Identify"), method="post"))[0] == "badVerb"


def test_other_methods_are_refused(client):
    assert client.put("/oai").status_code == 405
    assert client.delete("/oai").status_code == 405


# -- ListMetadataFormats -------------------------------------------------------------------


def prefixes(root) -> list[str]:
    return [m.findtext(q("metadataPrefix")) for m in root.iter(q("metadataFormat"))]


def test_list_metadata_formats(demo, oai):
    assert prefixes(oai(verb="ListMetadataFormats")) == ["oai_dc", "ead", "ead3", "eac-cpf"]
    exporters = all_exporters()
    ead2002 = oai(verb="ListMetadataFormats", identifier=oai_id("collection", "DEMO-001"))
    assert prefixes(ead2002) == ["oai_dc", "ead"] + (["ead3"] if "ead3" in exporters else [])
    ead3 = oai(verb="ListMetadataFormats", identifier=oai_id("collection", "DEMO-003"))
    assert prefixes(ead3) == ["oai_dc"] + (["ead"] if "ead2002" in exporters else []) + ["ead3"]
    agent = oai(verb="ListMetadataFormats", identifier=oai_id("agent", "natan-sharansky"))
    assert prefixes(agent) == ["oai_dc", "eac-cpf"]
    for kind, identifier in (
        ("event", "1963-cleveland-council-founded"),
        ("work", "beckerman-2010"),
    ):
        assert prefixes(oai(verb="ListMetadataFormats", identifier=oai_id(kind, identifier))) == [
            "oai_dc"
        ]
    root = oai(verb="ListMetadataFormats", identifier=oai_id("agent", "nobody"))
    assert error_of(root) == (
        "idDoesNotExist",
        {"verb": "ListMetadataFormats", "identifier": oai_id("agent", "nobody")},
    )


def test_metadata_formats_follow_the_registered_exporters(demo, oai, monkeypatch):
    from fonds.exports.registry import EXPORTERS, Exporter

    all_exporters()  # register what exists before changing the table
    monkeypatch.delitem(EXPORTERS, "ead2002", raising=False)
    monkeypatch.delitem(EXPORTERS, "ead3", raising=False)
    assert prefixes(
        oai(verb="ListMetadataFormats", identifier=oai_id("collection", "DEMO-003"))
    ) == [
        "oai_dc",
        "ead3",
    ]

    def fake(collection) -> bytes:
        return (
            f'<?xml version="1.0"?><ead xmlns="urn:isbn:1-931666-22-9"><eadheader>'
            f"<eadid>{collection.identifier}</eadid></eadheader></ead>"
        ).encode()

    monkeypatch.setitem(
        EXPORTERS,
        "ead2002",
        Exporter("ead2002", "EAD 2002", "application/xml", "xml", "collection", fake),
    )
    assert prefixes(
        oai(verb="ListMetadataFormats", identifier=oai_id("collection", "DEMO-003"))
    ) == [
        "oai_dc",
        "ead",
        "ead3",
    ]
    record = oai(
        verb="GetRecord", identifier=oai_id("collection", "DEMO-003"), metadataPrefix="ead"
    )
    ead = record.find(".//o:metadata/*", namespaces=NS)
    assert ead.tag == "{urn:isbn:1-931666-22-9}ead"
    assert ead.findtext(".//{*}eadid") == "DEMO-003"


# -- ListSets ------------------------------------------------------------------------------


def test_list_sets(demo, oai, settings):
    specs = [s.findtext(q("setSpec")) for s in harvest(oai, "ListSets")]
    assert specs == [
        "collection",
        "collection:DEMO-001",
        "collection:DEMO-003",
        "agent",
        "event",
        "work",
    ]
    root = oai(verb="ListSets")
    demo1 = root.find("o:ListSets/o:set[o:setSpec='collection:DEMO-001']", namespaces=NS)
    assert "Cleveland" in demo1.findtext(q("setName"))
    dc = demo1.find("o:setDescription/{*}dc", namespaces=NS)
    assert dc.findtext(f"{{{DC}}}identifier") == "https://archive.example.org/collections/DEMO-001/"
    settings.FONDS_OAI_PAGE_SIZE = 2
    assert [s.findtext(q("setSpec")) for s in harvest(oai, "ListSets")] == specs
    first = oai(verb="ListSets").find("o:ListSets/o:resumptionToken", namespaces=NS)
    assert first.get("completeListSize") == "6" and first.get("cursor") == "0"


# -- ListIdentifiers and ListRecords -------------------------------------------------------


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_lists_in_small_pages_hold_every_public_record_once(demo, oai, settings, verb):
    settings.FONDS_OAI_PAGE_SIZE = 7
    everything = public_identifiers("collection", "agent", "event", "work")
    listed = list(harvest(oai, verb, metadataPrefix="oai_dc"))
    got = identifiers(listed)
    assert len(got) == len(set(got)) == len(everything)
    assert set(got) == everything
    assert oai_id("agent", "secret-agent") not in got
    # unpublished records are deleted records; an internal collection is not an item
    assert identifiers(listed, deleted=True) == [
        oai_id("agent", "secret-agent"),
        oai_id("event", "secret-event"),
        oai_id("work", "secret-work"),
    ]
    assert oai_id("collection", "HIDDEN-1") not in identifiers(listed, deleted=True)
    eac = identifiers(harvest(oai, verb, metadataPrefix="eac-cpf"))
    assert set(eac) == public_identifiers("agent") and len(eac) == len(set(eac))


def test_list_records_by_set(demo, oai, settings):
    settings.FONDS_OAI_PAGE_SIZE = 5
    for kind in ("collection", "agent", "event", "work"):
        got = identifiers(harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc", set=kind))
        assert set(got) == public_identifiers(kind), kind
    one = identifiers(
        harvest(oai, "ListRecords", metadataPrefix="oai_dc", set="collection:DEMO-001")
    )
    assert one == [oai_id("collection", "DEMO-001")]
    record = oai(verb="GetRecord", identifier=one[0], metadataPrefix="oai_dc")
    assert [s.text for s in record.iter(q("setSpec"))] == ["collection", "collection:DEMO-001"]
    for set_spec, prefix in (
        ("collection:HIDDEN-1", "oai_dc"),
        ("collection:NOPE", "oai_dc"),
        ("nothing", "oai_dc"),
        ("agent", "ead"),
        ("collection", "eac-cpf"),
    ):
        root = oai(verb="ListRecords", metadataPrefix=prefix, set=set_spec)
        assert error_of(root) == (
            "noRecordsMatch",
            {"verb": "ListRecords", "metadataPrefix": prefix, "set": set_spec},
        )


def test_selective_harvesting_by_datestamp(demo, oai):
    old = datetime.datetime(2001, 5, 4, 10, 30, 15, 250000, tzinfo=datetime.UTC)
    Agent.objects.filter(identifier="natan-sharansky").update(updated_at=old)
    sharansky = oai_id("agent", "natan-sharansky")

    def listed(**dates: str) -> list[str]:
        root = oai(verb="ListIdentifiers", metadataPrefix="eac-cpf", **dates)
        if root.find(q("error")) is not None:
            assert error_of(root)[0] == "noRecordsMatch"
            return []
        return identifiers(harvest(oai, "ListIdentifiers", metadataPrefix="eac-cpf", **dates))

    header = oai(verb="GetRecord", identifier=sharansky, metadataPrefix="eac-cpf").find(
        ".//o:header", namespaces=NS
    )
    assert header.findtext(q("datestamp")) == "2001-05-04T10:30:15Z"
    assert listed(until="2001-05-04") == [sharansky]
    assert listed(until="2001-05-04T10:30:15Z") == [sharansky]
    assert listed(until="2001-05-04T10:30:14Z") == []
    assert listed(until="2001-05-03") == []
    assert listed(**{"from": "2001-05-04", "until": "2001-05-04"}) == [sharansky]
    assert listed(**{"from": "2001-05-04T10:30:15Z", "until": "2001-05-04T10:30:15Z"}) == [
        sharansky
    ]
    assert listed(**{"from": "2001-05-04T10:30:16Z", "until": "2001-05-05T00:00:00Z"}) == []
    recent = listed(**{"from": "2001-05-05"})
    assert (
        sharansky not in recent and len(recent) == Agent.objects.filter(published=True).count() - 1
    )
    # Events and works share the earliest datestamp of the repository
    earliest = oai(verb="Identify").findtext(".//o:earliestDatestamp", namespaces=NS)
    assert earliest == "2001-05-04T10:30:15Z"
    events = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="event", until=earliest)
    assert {h.findtext(q("datestamp")) for h in events.iter(q("header"))} == {earliest}
    code, _ = error_of(
        oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="work", **{"from": "2001-05-05"})
    )
    assert code == "noRecordsMatch"


def test_tokens_carry_the_query_and_survive_changes_between_pages(demo, oai, settings):
    settings.FONDS_OAI_PAGE_SIZE = 10
    first = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="agent")
    token = first.find(".//o:resumptionToken", namespaces=NS)
    seen = identifiers(first.iter(q("header")))
    # every roster record: the unpublished one is listed too, as a deleted record
    assert token.get("completeListSize") == str(Agent.objects.count())
    # A record added before the cursor and one removed after it: nothing repeats
    Agent.objects.create(identifier="aaa-new", kind="person", authorized_name="New")
    Agent.objects.filter(
        identifier=sorted(
            Agent.objects.filter(published=True).values_list("identifier", flat=True)
        )[-1]
    ).delete()
    root = Client().get("/oai", {"verb": "ListIdentifiers", "resumptionToken": token.text})
    assert_valid_oai_pmh(root.content)
    rest = check_response(root.content)
    more = identifiers(rest.iter(q("header")))
    assert not set(seen) & set(more)
    assert all(i.startswith(oai_id("agent", "")) for i in more)
    assert rest.find(".//o:resumptionToken", namespaces=NS).get("cursor") == "10"


def test_get_record_for_every_kind_and_format(demo, oai):
    models = {"collection": Collection, "agent": Agent, "event": Event, "work": Work}
    cases = [(p, k) for k in models for p in ("oai_dc", "eac-cpf") if p == "oai_dc" or k == "agent"]
    for prefix, kind in cases:
        first = models[kind].objects.order_by("identifier").first()
        identifier = oai_id(kind, first.identifier)
        root = oai(verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
        assert root.find(q("request")).attrib == {
            "verb": "GetRecord",
            "identifier": identifier,
            "metadataPrefix": prefix,
        }
        header = root.find(".//o:header", namespaces=NS)
        assert header.findtext(q("identifier")) == identifier
        assert header.findtext(q("setSpec")) == kind
        stamp = getattr(first, "updated_at", None)
        if stamp is not None:
            assert header.findtext(q("datestamp")) == stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_get_record_ead_and_ead3(demo, oai):
    ead = oai(verb="GetRecord", identifier=oai_id("collection", "DEMO-001"), metadataPrefix="ead")
    root = ead.find(".//o:metadata/*", namespaces=NS)
    assert root.tag == "{urn:isbn:1-931666-22-9}ead"
    ead3 = oai(verb="GetRecord", identifier=oai_id("collection", "DEMO-003"), metadataPrefix="ead3")
    assert (
        ead3.find(".//o:metadata/*", namespaces=NS).tag == "{http://ead3.archivists.org/schema/}ead"
    )
    if "ead3" not in all_exporters():
        code, _ = error_of(
            oai(
                verb="GetRecord", identifier=oai_id("collection", "DEMO-001"), metadataPrefix="ead3"
            )
        )
        assert code == "cannotDisseminateFormat"


# -- errors --------------------------------------------------------------------------------

AGENT = oai_id("agent", "natan-sharansky")
BAD_VERB = [
    [],
    [("verb", "Nope")],
    [("verb", "Identify"), ("verb", "Identify")],
    [("verb", "")],
    [("verb", "identify")],
]
BAD_ARGUMENT = [
    [("verb", "Identify"), ("foo", "bar")],
    [("verb", "ListRecords")],
    [("verb", "ListIdentifiers"), ("set", "agent")],
    [("verb", "GetRecord"), ("identifier", AGENT)],
    [("verb", "GetRecord"), ("metadataPrefix", "oai_dc")],
    [("verb", "GetRecord"), ("identifier", ""), ("metadataPrefix", "oai_dc")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "agent"), ("set", "work")],
    [("verb", "ListRecords"), ("resumptionToken", "x"), ("metadataPrefix", "oai_dc")],
    [("verb", "ListSets"), ("resumptionToken", "x"), ("set", "agent")],
    [("verb", "ListSets"), ("set", "agent")],
    [("verb", "ListMetadataFormats"), ("metadataPrefix", "oai_dc")],
    [
        ("verb", "ListRecords"),
        ("metadataPrefix", "oai_dc"),
        ("from", "2020-01-01"),
        ("until", "2020-01-02T00:00:00Z"),
    ],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2020-13-01")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2020-01-01T00:00:00.5Z")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2020-01-01T00:00:00")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("until", "yesterday")],
    [
        ("verb", "ListRecords"),
        ("metadataPrefix", "oai_dc"),
        ("from", "2020-02-01"),
        ("until", "2020-01-01"),
    ],
    [("verb", "ListRecords"), ("metadataPrefix", "oai dc")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "collection:")],
]


@pytest.mark.parametrize("pairs", BAD_VERB)
def test_bad_verb(oai, pairs):
    code, echoed = error_of(oai(*pairs))
    assert (code, echoed) == ("badVerb", {})


@pytest.mark.parametrize("pairs", BAD_ARGUMENT)
def test_bad_argument(oai, pairs):
    code, echoed = error_of(oai(*pairs))
    assert (code, echoed) == ("badArgument", {})


def test_errors_that_echo_the_request(demo, oai):
    checks = [
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "identifier": AGENT, "metadataPrefix": "ead"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "identifier": AGENT, "metadataPrefix": "marc21"},
            "cannotDisseminateFormat",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:elsewhere.org:agent/natan-sharansky",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": oai_id("person", "natan-sharansky"),
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": oai_id("collection", "HIDDEN-1"),
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "identifier": "not an identifier", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1900-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01T00:00:00Z"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "garbage"}, "badResumptionToken"),
    ]
    for arguments, expected in checks:
        assert error_of(oai(**arguments)) == (expected, arguments), arguments


def test_bad_resumption_tokens(demo, oai, settings, monkeypatch):
    settings.FONDS_OAI_PAGE_SIZE = 3
    token = oai(verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
        ".//o:resumptionToken", namespaces=NS
    )
    assert token
    # a token of another verb
    assert error_of(oai(verb="ListRecords", resumptionToken=token))[0] == "badResumptionToken"
    # a changed token
    changed = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert error_of(oai(verb="ListIdentifiers", resumptionToken=changed))[0] == "badResumptionToken"
    # an expired token
    monkeypatch.setattr(tokens, "LIFETIME", datetime.timedelta(seconds=-1))
    assert error_of(oai(verb="ListIdentifiers", resumptionToken=token))[0] == "badResumptionToken"
    monkeypatch.undo()
    # signed with another secret
    settings.SECRET_KEY = "another secret key, another site"
    assert error_of(oai(verb="ListIdentifiers", resumptionToken=token))[0] == "badResumptionToken"


def test_the_official_schema_refuses_what_is_not_oai_pmh():
    envelope = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2026-01-01T00:00:00Z</responseDate>"
        "<request>https://archive.example.org/oai</request>{}</OAI-PMH>"
    )
    assert_valid_oai_pmh(envelope.format('<error code="badVerb">no verb</error>').encode())
    for wrong in ('<error code="tooBad">x</error>', "<Identify/>", ""):
        with pytest.raises(pytest.fail.Exception, match="not valid OAI-PMH"):
            assert_valid_oai_pmh(envelope.format(wrong).encode())

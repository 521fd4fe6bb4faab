"""A real OAI-PMH harvester (Sickle, from PyPI) harvests everything from a real server.

The module starts ``fonds demo`` and ``fonds serve`` in subprocesses over a fresh
FONDS_HOME, as a user runs them, after marking one roster record, one event and one
work unpublished. Sickle then harvests every metadata format and every set,
following resumption tokens (the demo has more records than a page holds), asks for
every record of every identifier in every format it has, and lists sets and formats.
The counts must equal what the database holds in public, read by a separate process.

Without Sickle the test skips, saying why; under CI=true that is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from tests.conftest import IN_CI
from tests.oai.oaixml import check_response
from tests.schemas import assert_valid_oai_pmh
from tests.servers import fonds_env, free_port, run_fonds, serving

pytestmark = pytest.mark.slow
MARKER = "UNPUBLISHED-HARVEST-MARKER"
DEMO_TIMEOUT = 600
REPO = "soviet-jewry-movement.example.org"

# Run in the server's database before it starts: hide one of each kind, then say
# what is public, as plain ORM queries independent of fonds.oai.
PREPARE = f"""
from fonds.authorities.models import Agent
from fonds.timeline.models import Event
from fonds.bibliography.models import Work
agent = Agent.objects.filter(relations_in__isnull=True).order_by("identifier").first()
Agent.objects.filter(pk=agent.pk).update(authorized_name="{MARKER} agent", published=False)
event = Event.objects.order_by("identifier").first()
Event.objects.filter(pk=event.pk).update(title="{MARKER} event", published=False)
work = Work.objects.order_by("identifier").first()
Work.objects.filter(pk=work.pk).update(title="{MARKER} work", published=False)
"""
REPORT = """
import json
from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.exports.registry import all_exporters
from fonds.findingaids.models import Collection
from fonds.timeline.models import Event
exporters = all_exporters()
collections = Collection.objects.all()
public = {
    "collection": sorted(collections.values_list("identifier", flat=True)),
    "agent": sorted(Agent.objects.filter(published=True).values_list("identifier", flat=True)),
    "event": sorted(Event.objects.filter(published=True).values_list("identifier", flat=True)),
    "work": sorted(Work.objects.filter(published=True).values_list("identifier", flat=True)),
    "ead": sorted(
        (collections if "ead2002" in exporters else collections.filter(ead_version="2002"))
        .values_list("identifier", flat=True)
    ),
    "ead3": sorted(
        (collections if "ead3" in exporters else collections.filter(ead_version="3"))
        .values_list("identifier", flat=True)
    ),
    "hidden": {
        "agent": list(Agent.objects.filter(published=False).values_list("identifier", flat=True)),
        "event": list(Event.objects.filter(published=False).values_list("identifier", flat=True)),
        "work": list(Work.objects.filter(published=False).values_list("identifier", flat=True)),
    },
}
print("PUBLIC=" + json.dumps(public))
"""


def _sickle() -> Any:
    try:
        import sickle
    except ImportError:
        message = "the sickle OAI-PMH harvester is not installed (pip install sickle)"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: a missing dependency is a failure)")
        pytest.skip(message)
    return sickle


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict[str, Any]]]:
    """(base URL of a running `fonds serve` on the demo, what its database holds)."""
    _sickle()
    home = tmp_path_factory.mktemp("fonds-oai-home")
    port = free_port()
    env = fonds_env(home, FONDS_BASE_URL=f"http://127.0.0.1:{port}")
    run_fonds(env, "demo", "--quiet", timeout=DEMO_TIMEOUT)
    run_fonds(env, "manage", "shell", "-c", PREPARE)
    report = run_fonds(env, "manage", "shell", "-c", REPORT)
    public = json.loads(report.split("PUBLIC=", 1)[1])
    with serving(home, env, port, probe="/oai?verb=Identify") as url:
        yield url, public


def oai_id(kind: str, identifier: str) -> str:
    return f"oai:{REPO}:{kind}/{identifier}"


def expected(public: dict[str, Any], prefix: str, set_spec: str | None = None) -> set[str]:
    kinds = {
        "oai_dc": ("collection", "agent", "event", "work"),
        "ead": ("collection",),
        "ead3": ("collection",),
        "eac-cpf": ("agent",),
    }[prefix]
    found = set()
    for kind in kinds:
        names = public[prefix] if prefix in ("ead", "ead3") else public[kind]
        found |= {(kind, name) for name in names}
    if set_spec and ":" in set_spec:
        found = {(k, n) for k, n in found if k == "collection" and n == set_spec.split(":", 1)[1]}
    elif set_spec:
        found = {(k, n) for k, n in found if k == set_spec}
    return {oai_id(k, n) for k, n in found}


def expected_hidden(public: dict[str, Any], prefix: str) -> set[str]:
    """The unpublished records: deleted records in the formats of their kind."""
    kinds = {"oai_dc": ("agent", "event", "work"), "eac-cpf": ("agent",)}.get(prefix, ())
    return {oai_id(kind, name) for kind in kinds for name in public["hidden"][kind]}


def harvest_all(client: Any, verb: str, **arguments: str) -> list[Any]:
    from sickle.oaiexceptions import NoRecordsMatch

    try:
        return list(getattr(client, verb)(**arguments))
    except NoRecordsMatch:
        return []


NAMESPACES = {
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "ead": "urn:isbn:1-931666-22-9",
    "ead3": "http://ead3.archivists.org/schema/",
    "eac-cpf": "urn:isbn:1-931666-33-4",
}


def test_sickle_harvests_everything(server):
    sickle = _sickle()
    url, public = server
    client = sickle.Sickle(f"{url}/oai", timeout=120)

    identify = client.Identify()
    assert identify.repositoryName == "Archive of the American Soviet Jewry Movement"
    assert identify.baseURL == f"{url}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "transient"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"

    formats = [f.metadataPrefix for f in client.ListMetadataFormats()]
    assert formats == ["oai_dc", "ead", "ead3", "eac-cpf"]

    sets = [s.setSpec for s in client.ListSets()]
    assert sets == [
        "collection",
        *(f"collection:{c}" for c in public["collection"]),
        "agent",
        "event",
        "work",
    ]

    everything = expected(public, "oai_dc")
    assert len(everything) > 100, "the demo must outgrow a page to exercise resumption tokens"
    for prefix in formats:
        records = harvest_all(client, "ListRecords", metadataPrefix=prefix)
        # unpublished records come as deleted records, their headers alone
        hidden = {r.header.identifier for r in records if r.header.deleted}
        records = [r for r in records if not r.header.deleted]
        assert hidden == expected_hidden(public, prefix), prefix
        got = [r.header.identifier for r in records]
        assert len(got) == len(set(got)), f"{prefix}: a record came twice"
        assert set(got) == expected(public, prefix), prefix
        for record in records:
            metadata = record.xml.find(".//{http://www.openarchives.org/OAI/2.0/}metadata")
            assert etree.QName(metadata[0]).namespace == NAMESPACES[prefix]
            if prefix == "oai_dc":
                assert record.metadata["title"] and record.metadata["identifier"]
        for spec in sets:
            in_set = harvest_all(client, "ListIdentifiers", metadataPrefix=prefix, set=spec)
            in_set = [h for h in in_set if not h.deleted]
            assert {h.identifier for h in in_set} == expected(public, prefix, spec), (prefix, spec)

    headers = [
        h for h in harvest_all(client, "ListIdentifiers", metadataPrefix="oai_dc") if not h.deleted
    ]
    assert sorted(h.identifier for h in headers) == sorted(everything)
    posted = sickle.Sickle(f"{url}/oai", http_method="POST", timeout=120)
    assert [
        h.identifier
        for h in harvest_all(posted, "ListIdentifiers", metadataPrefix="oai_dc")
        if not h.deleted
    ] == [h.identifier for h in headers]
    gets = 0
    for header in headers:
        for fmt in client.ListMetadataFormats(identifier=header.identifier):
            record = client.GetRecord(
                identifier=header.identifier, metadataPrefix=fmt.metadataPrefix
            )
            assert record.header.identifier == header.identifier
            assert record.header.datestamp == header.datestamp
            gets += 1
    assert gets >= len(everything) + len(public["agent"])


def test_pages_parse_strictly_and_hold_nothing_private(server):
    sickle = _sickle()
    from sickle.iterator import OAIResponseIterator

    url, public = server
    client = sickle.Sickle(f"{url}/oai", iterator=OAIResponseIterator, timeout=120)
    texts: list[str] = []
    pages: dict[str, int] = {}
    for prefix in NAMESPACES:
        responses = list(client.ListRecords(metadataPrefix=prefix))
        pages[prefix] = len(responses)
        for response in responses:
            assert_valid_oai_pmh(response.http_response.content)
            check_response(response.http_response.content)  # strict parse and structure
            texts.append(response.raw)
    assert pages["oai_dc"] >= 2, "oai_dc came in one page: resumption tokens untested"
    for response in client.ListSets():
        texts.append(response.raw)
    harvested = "\n".join(texts)
    assert "INTERNAL-MARKER-001" not in harvested
    assert "INTERNAL-MARKER-002" not in harvested
    assert MARKER not in harvested
    for kind, path in (("agent", "roster"), ("event", "timeline"), ("work", "bibliography")):
        for identifier in public["hidden"][kind]:
            # named only in a deleted record's header, never linked
            assert harvested.count(oai_id(kind, identifier)) == harvested.count(
                f'<header status="deleted"><identifier>{oai_id(kind, identifier)}<'
            )
            assert f"/{path}/{identifier}/" not in harvested
    assert "DEMO-001" in harvested

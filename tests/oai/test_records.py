"""What the records say: the Dublin Core mapping of each kind, EAD, EAD3 and EAC-CPF
inside OAI-PMH, escaping, and nothing internal or unpublished in a whole harvest."""

from __future__ import annotations

import pytest
from lxml import etree

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.exports.registry import EXPORTERS, all_exporters
from fonds.oai.metadata import FORMATS
from tests.oai.conftest import SECRET
from tests.oai.oaixml import NS, XML, q
from tests.oai.test_views import harvest, oai_id
from tests.schemas import assert_valid

pytestmark = pytest.mark.django_db(transaction=True)


def dublin_core(oai, kind: str, identifier: str) -> list[tuple[str, str, str | None]]:
    root = oai(verb="GetRecord", identifier=oai_id(kind, identifier), metadataPrefix="oai_dc")
    dc = root.find(".//o:metadata/oai_dc:dc", namespaces=NS)
    return [(e.tag.split("}")[1], e.text, e.get(f"{{{XML}}}lang")) for e in dc]


def values(record, element: str) -> list[str]:
    return [text for name, text, _ in record if name == element]


def test_collection_as_dublin_core(demo, oai):
    dc = dublin_core(oai, "collection", "DEMO-001")
    assert values(dc, "title") == ["Cleveland Council on Soviet Anti-Semitism records"]
    assert values(dc, "creator") == ["Cleveland Council on Soviet Anti-Semitism"]
    subjects = values(dc, "subject")
    assert {"Refuseniks", "Sharansky, Natan, 1948-", "Щаранский, Анатолий, 1948-"} <= set(subjects)
    assert "Correspondence" not in subjects and "Correspondence" in values(dc, "type")
    assert values(dc, "type")[-1] == "Collection"
    assert "Cleveland (Ohio)" in values(dc, "coverage")
    assert values(dc, "description")[0].startswith("Sample records of a local Soviet Jewry council")
    assert values(dc, "date") == ["1963-1989", "bulk 1970-1987", "1963/1989"]
    assert values(dc, "format") == ["14 boxes; 5.9 linear feet"]
    assert values(dc, "identifier") == [
        "https://archive.example.org/collections/DEMO-001/",
        "DEMO-001",
    ]
    assert values(dc, "language") == ["eng", "rus"]
    assert values(dc, "publisher") == ["Archive of the American Soviet Jewry Movement (demo)"]
    assert any(r.startswith("Open to researchers") for r in values(dc, "rights"))
    # elements in the order of the oai_dc schema's sequence
    order = (
        "title creator subject description publisher contributor date type format "
        "identifier source language relation coverage rights"
    ).split()
    positions = [order.index(name) for name, _, _ in dc]
    assert positions == sorted(positions)


def test_roster_record_event_and_work_as_dublin_core(demo, oai):
    agent = dublin_core(oai, "agent", "natan-sharansky")
    assert agent[0] == ("title", "Natan Sharansky", None)
    assert ("title", "Анатолий Щаранский", "ru") in agent
    assert ("title", "נתן שרנסקי", "he") in agent
    assert values(agent, "type") == ["person"]
    assert values(agent, "date") == ["1948-01-20"]
    assert values(agent, "coverage") == ["Donetsk"]
    assert "*" not in " ".join(values(agent, "description"))  # Markdown made plain text
    assert values(agent, "identifier") == ["https://archive.example.org/roster/natan-sharansky/"]

    event = dublin_core(oai, "event", "1963-cleveland-council-founded")
    assert values(event, "date") == ["1963"]
    assert values(event, "type") == ["Event"]
    assert values(event, "coverage") == ["Cleveland, Ohio"]
    assert "Louis Rosenblum" in values(event, "subject")
    assert "https://archive.example.org/collections/DEMO-001/" in values(event, "relation")

    work = dublin_core(oai, "work", "beckerman-2010")
    assert values(work, "creator") == ["Beckerman, Gal"]
    assert values(work, "date") == ["2010"]
    assert values(work, "publisher") == ["Houghton Mifflin Harcourt"]
    assert values(work, "type") == ["Text", "book"]
    edited = dublin_core(oai, "work", "morozov-1999")
    assert values(edited, "contributor") == ["Morozov, Boris"] and not values(edited, "creator")


def test_text_is_escaped_never_concatenated(demo, oai):
    hostile = 'Fish & <chips> "quoted" ]]> \x01\x0b control'
    Work.objects.create(
        identifier="hostile",
        csl={
            "id": "hostile",
            "type": "article-journal",
            "title": hostile,
            "container-title": "<J>",
            "volume": "3",
        },
        title=hostile,
    )
    dc = dublin_core(oai, "work", "hostile")
    assert values(dc, "title") == ['Fish & <chips> "quoted" ]]> control']
    assert values(dc, "source") == ["<J>, vol. 3"]


def test_eac_cpf_records_are_valid_eac_cpf_2010(demo, oai, settings, schemas):
    settings.FONDS_OAI_PAGE_SIZE = 25
    records = list(harvest(oai, "ListRecords", metadataPrefix="eac-cpf"))
    deleted = [r for r in records if r.find(q("header")).get("status") == "deleted"]
    records = [r for r in records if r not in deleted]
    assert len(records) == Agent.objects.filter(published=True).count()
    assert len(deleted) == Agent.objects.filter(published=False).count()
    for record in records:
        eac = record.find("o:metadata/*", namespaces=NS)
        assert eac.tag == "{urn:isbn:1-931666-33-4}eac-cpf"
        assert_valid(etree.tostring(eac), "2010")


def test_ead_served_as_loaded_while_no_exporter_writes_it(demo, oai, monkeypatch, tmp_path):
    """Without the ead2002 exporter, a finding aid loaded without a namespace still
    comes out in the EAD 2002 namespace, and without its internal content."""
    from fonds.loader import load_file
    from tests.factories import write

    all_exporters()
    monkeypatch.delitem(EXPORTERS, "ead2002", raising=False)
    bare = write(
        tmp_path / "bare.xml",
        '<?xml version="1.0"?>'
        '<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd (EAD)//EN" "ead.dtd">'
        "<ead><eadheader><eadid>BARE-1</eadid><filedesc><titlestmt><titleproper>Bare"
        "</titleproper></titlestmt></filedesc></eadheader><archdesc level='collection'>"
        "<did><unittitle>Bare</unittitle>"
        '<unitid>BARE-1</unitid></did><dsc><c level="file" audience="internal"><did><unittitle>'
        f"{SECRET}</unittitle></did></c></dsc></archdesc></ead>",
    )
    assert load_file(bare).status == "loaded"
    root = oai(verb="GetRecord", identifier=oai_id("collection", "BARE-1"), metadataPrefix="ead")
    ead = root.find(".//o:metadata/*", namespaces=NS)
    assert {etree.QName(e).namespace for e in ead.iter() if isinstance(e.tag, str)} == {
        "urn:isbn:1-931666-22-9"
    }
    assert ead.findtext(".//{urn:isbn:1-931666-22-9}eadid") == "BARE-1"
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_nothing_internal_or_unpublished_in_a_whole_harvest(demo, oai, settings):
    settings.FONDS_OAI_PAGE_SIZE = 9
    pages: list[str] = []
    for prefix in FORMATS:
        for verb in ("ListRecords", "ListIdentifiers"):
            for element in harvest(oai, verb, metadataPrefix=prefix):
                pages.append(etree.tostring(element, encoding="unicode"))
    for spec in [s.findtext(q("setSpec")) for s in harvest(oai, "ListSets")]:
        pages.append(spec)
    for element in [e for e in harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc")]:
        identifier = element.findtext(q("identifier"))
        formats = oai(verb="ListMetadataFormats", identifier=identifier)
        for prefix in [p.text for p in formats.iter(q("metadataPrefix"))]:
            record = oai(verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
            pages.append(etree.tostring(record, encoding="unicode"))
    text = "\n".join(pages)
    assert "INTERNAL-MARKER-001" not in text
    assert "INTERNAL-MARKER-002" not in text
    assert SECRET not in text
    assert "HIDDEN-1" not in text
    assert "DEMO-001" in text and "natan-sharansky" in text  # the harvest did read records


def test_unpublished_relations_stay_out_of_dublin_core(demo, oai):
    avital = "https://archive.example.org/roster/avital-sharansky/"
    assert avital in values(dublin_core(oai, "agent", "natan-sharansky"), "relation")
    Agent.objects.filter(identifier="avital-sharansky").update(published=False)
    agent = dublin_core(oai, "agent", "natan-sharansky")
    assert avital not in values(agent, "relation")
    work = dublin_core(oai, "work", "beckerman-2010")
    Agent.objects.filter(identifier="sssj").update(published=False)
    assert "https://archive.example.org/roster/sssj/" in values(work, "relation")
    assert "https://archive.example.org/roster/sssj/" not in values(
        dublin_core(oai, "work", "beckerman-2010"), "relation"
    )


@pytest.mark.parametrize(
    ("prefix", "exporter", "xsd"), [("ead", "ead2002", "ead2002"), ("ead3", "ead3", "ead3")]
)
def test_ead_records_are_valid_against_the_official_schemas(
    demo, oai, schemas, prefix, exporter, xsd
):
    if exporter not in all_exporters():
        pytest.skip(
            f"the {exporter} exporter is not registered: {prefix} serves finding aids as loaded"
        )
    records = list(harvest(oai, "ListRecords", metadataPrefix=prefix))
    assert len(records) == 2  # DEMO-001 and DEMO-003, whatever they were loaded from
    for record in records:
        ead = record.find("o:metadata/*", namespaces=NS)
        assert_valid(etree.tostring(ead), "", kind=xsd)
        assert "INTERNAL-MARKER" not in etree.tostring(ead, encoding="unicode")

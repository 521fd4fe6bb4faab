"""schema.org JSON-LD in the pages: present once in <head>, valid JSON that rdflib
reads as JSON-LD, the expected types, absolute addresses, escaped text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component
from fonds.linked.jsonld import dumps
from fonds.timeline.models import Event
from tests.linked.conftest import BASE_URL

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
SCHEMA = Namespace("https://schema.org/")
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ADDRESS_KEYS = {"@id", "url", "item", "urlTemplate"}


def jsonld_of(client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    head = html.split("</head>", 1)[0]
    scripts = SCRIPT.findall(head)
    assert len(scripts) == 1, f"{path}: {len(scripts)} JSON-LD scripts in <head>"
    assert len(SCRIPT.findall(html)) == 1, path
    data = json.loads(scripts[0])
    assert data["@context"] == "https://schema.org"
    return data


def things(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The top-level nodes of the @graph by @type."""
    return {node["@type"]: node for node in data["@graph"]}


def addresses(value: Any) -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ADDRESS_KEYS and isinstance(item, str):
                found.append(item)
            else:
                found += addresses(item)
    elif isinstance(value, list):
        for item in value:
            found += addresses(item)
    return found


def assert_absolute(data: dict[str, Any]) -> None:
    found = addresses(data)
    assert found
    for address in found:
        assert address.startswith(BASE_URL + "/"), address


def as_rdf(data: dict[str, Any]) -> Graph:
    """Parse with rdflib, the schema.org context given inline (no network here)."""
    local = dict(data, **{"@context": {"@vocab": str(SCHEMA)}})
    graph = Graph().parse(data=json.dumps(local), format="json-ld")
    assert len(graph) > 0
    return graph


def test_home_page_describes_the_site_and_its_search(client, demo):
    data = jsonld_of(client, "/")
    found = things(data)
    assert set(found) == {"WebSite", "ArchiveOrganization"}
    action = found["WebSite"]["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{BASE_URL}/search?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    assert found["ArchiveOrganization"]["@id"] == f"{BASE_URL}/#archive"
    assert found["WebSite"]["publisher"] == {"@id": f"{BASE_URL}/#archive"}
    assert_absolute(data)
    graph = as_rdf(data)
    assert (URIRef(f"{BASE_URL}/#website"), RDF.type, SCHEMA.WebSite) in graph


def test_collections_page_lists_the_collections(client, demo):
    data = jsonld_of(client, "/collections/")
    page = things(data)["CollectionPage"]
    listing = page["mainEntity"]
    assert listing["@type"] == "ItemList"
    assert listing["numberOfItems"] == Collection.objects.count()
    items = listing["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert {i["url"] for i in items} == {
        f"{BASE_URL}/collections/{c.identifier}/" for c in Collection.objects.all()
    }
    assert_absolute(data)
    as_rdf(data)


def test_collection_page(client, demo):
    data = jsonld_of(client, "/collections/DEMO-001/")
    found = things(data)
    record = found["ArchiveComponent"]
    assert record["@id"] == f"{BASE_URL}/collections/DEMO-001/"
    assert record["name"] == "Cleveland Council on Soviet Anti-Semitism records"
    assert record["holdingArchive"]["@type"] == "ArchiveOrganization"
    assert record["creator"] == [
        {
            "@type": "Organization",
            "@id": f"{BASE_URL}/roster/cleveland-council/",
            "name": "Cleveland Council on Soviet Anti-Semitism",
        }
    ]
    assert record["temporalCoverage"] == "1963/1989"
    about = {a.get("@id") or a["name"] for a in record["about"]}
    assert f"{BASE_URL}/roster/natan-sharansky/" in about  # matched across spellings
    assert len(about) == len(record["about"])  # Sharansky and Щаранский: one person
    assert "Refuseniks" in record["keywords"]
    assert "Petitions" in record["genre"]
    assert record["isPartOf"]["@type"] == "WebSite"
    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [
        f"{BASE_URL}/collections/",
        f"{BASE_URL}/collections/DEMO-001/",
    ]
    assert "INTERNAL-MARKER" not in json.dumps(data)
    assert_absolute(data)
    graph = as_rdf(data)
    assert (URIRef(record["@id"]), RDF.type, SCHEMA.ArchiveComponent) in graph


def test_component_page_is_part_of_its_series_and_collection(client, demo):
    deepest = Component.objects.filter(collection__identifier="DEMO-001").order_by("-depth")[0]
    assert deepest.depth >= 3
    data = jsonld_of(client, deepest.get_absolute_url())
    found = things(data)
    record = found["ArchiveComponent"]
    assert record["@id"] == BASE_URL + deepest.get_absolute_url()
    chain, parent = [], record["isPartOf"]
    while parent is not None:
        chain.append(parent["@id"])
        parent = parent.get("isPartOf")
    expected = [BASE_URL + a.get_absolute_url() for a in reversed(list(deepest.ancestors()))]
    assert chain == [*expected, f"{BASE_URL}/collections/DEMO-001/"]
    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert len(crumbs) == deepest.depth + 2
    assert crumbs[-1]["item"] == record["@id"]
    assert_absolute(data)
    as_rdf(data)


def test_folder_with_containers_and_dates(client, demo):
    folder = next(
        c
        for c in Component.objects.filter(collection__identifier="DEMO-001", level="file")
        if c.container_summary and c.begin_year and c.begin_year == c.end_year
    )
    record = things(jsonld_of(client, folder.get_absolute_url()))["ArchiveComponent"]
    assert record["itemLocation"] == folder.container_summary
    assert record["dateCreated"] == str(folder.begin_year)
    assert record["additionalType"] == "file"


def test_agent_pages(client, demo):
    person = things(jsonld_of(client, "/roster/natan-sharansky/"))["Person"]
    assert person["birthDate"] == "1948-01-20"
    assert "deathDate" not in person
    # every other name, in every script
    assert {"Анатолий Щаранский", "נתן שרנסקי", "Anatoly Shcharansky"} <= set(
        person["alternateName"]
    )
    conference = things(jsonld_of(client, "/roster/ajcsj/"))["Organization"]
    assert (conference["foundingDate"], conference["dissolutionDate"]) == ("1964-04", "1971")
    council = things(jsonld_of(client, "/roster/cleveland-council/"))["Organization"]
    assert council["foundingDate"] == "1963"
    assert council["memberOf"] == [
        {
            "@type": "Organization",
            "@id": f"{BASE_URL}/roster/ucsj/",
            "name": "Union of Councils for Soviet Jews",
        }
    ]
    assert f"{BASE_URL}/roster/louis-rosenblum/" in {m["@id"] for m in council["member"]}
    # an uncertain date is not exact: no foundingDate
    assert "foundingDate" not in things(jsonld_of(client, "/roster/gnycsj/"))["Organization"]
    ussr = things(jsonld_of(client, "/roster/soviet-union/"))["Organization"]
    assert ussr["dissolutionDate"] == "1991-12-26" and "foundingDate" not in ussr
    house = things(jsonld_of(client, "/roster/us-house/"))["Organization"]
    assert house["parentOrganization"][0]["@id"] == f"{BASE_URL}/roster/us-congress/"
    sssj = things(jsonld_of(client, "/roster/sssj/"))["Organization"]
    assert sssj["founder"][0]["@id"] == f"{BASE_URL}/roster/jacob-birnbaum/"


def test_every_roster_record_has_its_names(client, demo):
    for agent in Agent.objects.filter(published=True).prefetch_related("names"):
        data = jsonld_of(client, agent.get_absolute_url())
        found = things(data)
        node = found["Person" if agent.kind == "person" else "Organization"]
        assert node["@id"] == BASE_URL + agent.get_absolute_url()
        others = {n.name for n in agent.names.all()} - {agent.authorized_name}
        assert set(node.get("alternateName", [])) == others, agent.identifier
        assert found["BreadcrumbList"]["itemListElement"][-1]["item"] == node["@id"]
        assert_absolute(data)
    as_rdf(data)


def test_same_as_from_sources_and_authority_records(client, demo):
    agent = Agent.objects.get(identifier="louis-rosenblum")
    agent.sources = [*agent.sources, "https://www.wikidata.org/wiki/Q000000"]
    agent.save()
    AccessTerm.objects.filter(text="Rosenblum, Louis").update(identifier="n00000001")
    person = things(jsonld_of(client, agent.get_absolute_url()))["Person"]
    assert person["sameAs"] == [
        "https://www.wikidata.org/wiki/Q000000",
        "http://id.loc.gov/authorities/names/n00000001",
    ]


def test_event_pages(client, demo):
    verdicts = things(jsonld_of(client, "/timeline/1970-12-24-leningrad-verdicts/"))["Event"]
    assert verdicts["startDate"] == "1970-12-24" and "endDate" not in verdicts
    assert verdicts["location"] == {"@type": "Place", "name": "Leningrad"}
    pogroms = things(jsonld_of(client, "/timeline/1881-pogroms/"))["Event"]
    assert (pogroms["startDate"], pogroms["endDate"]) == ("1881", "1884")
    magen = things(jsonld_of(client, "/timeline/1920s-magen/"))["Event"]
    assert "startDate" not in magen  # the 1920s: not an exact date
    assert magen["inLanguage"] == "he"
    assert magen["about"][0]["@id"] == f"{BASE_URL}/roster/magen/"
    for event in Event.objects.filter(published=True):
        data = jsonld_of(client, event.get_absolute_url())
        assert things(data)["Event"]["name"] == event.title
        assert_absolute(data)
        for record in things(data)["Event"].get("recordedIn", []):
            assert client.get(record["@id"].removeprefix(BASE_URL)).status_code == 200
    as_rdf(data)


def test_work_pages(client, demo):
    book = things(jsonld_of(client, "/bibliography/beckerman-2010/"))["Book"]
    assert book["author"][0] == {
        "@type": "Person",
        "name": "Gal Beckerman",
        "givenName": "Gal",
        "familyName": "Beckerman",
    }
    assert book["datePublished"] == "2010"
    assert book["publisher"]["name"] == "Houghton Mifflin Harcourt"
    assert f"{BASE_URL}/roster/sssj/" in {a["@id"] for a in book["about"]}
    article = things(jsonld_of(client, "/bibliography/kochavi-2005/"))["ScholarlyArticle"]
    assert article["isPartOf"]["isPartOf"]["isPartOf"] == {
        "@type": "Periodical",
        "name": "Diplomatic History",
    }
    assert article["pagination"] == "503-530"
    for work in Work.objects.filter(published=True):
        data = jsonld_of(client, work.get_absolute_url())
        assert {"Book", "ScholarlyArticle"} & set(things(data)), work.identifier
        assert_absolute(data)
        as_rdf(data)


def test_text_cannot_close_the_script_element(client, demo):
    title = 'Letters </script><script>alert("x")</script> & <!-- notes -->'
    Collection.objects.filter(identifier="DEMO-003").update(title=title)
    html = client.get("/collections/DEMO-003/").content.decode()
    assert "<script>alert" not in html
    data = jsonld_of(client, "/collections/DEMO-003/")
    assert things(data)["ArchiveComponent"]["name"] == title


@pytest.mark.parametrize("text", ["</script>", "<!--", "a & b", "\u2028\u2029", "<SCRIPT>", "]]>"])
def test_dumps_escapes_what_html_would_read(text):
    written = dumps({"name": text})
    assert not set("<>&\u2028\u2029") & set(written)
    assert json.loads(written) == {"name": text}


def test_pages_keep_their_json_ld_when_the_template_engines_are_rebuilt(client, demo, settings):
    """Changing DEBUG (as override_settings does in the static site export) makes
    Django build new template engines; {% load linked %} must still work."""
    jsonld_of(client, "/")
    settings.DEBUG = not settings.DEBUG
    assert things(jsonld_of(client, "/collections/DEMO-002/"))["ArchiveComponent"]
    settings.TEMPLATES = [dict(settings.TEMPLATES[0])]
    assert things(jsonld_of(client, "/roster/sssj/"))["Organization"]

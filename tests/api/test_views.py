"""Every endpoint of /api/v1/ over the demo archive: what each gives, and its filters.

Each answer is also held to its schema in the OpenAPI description (tests/api/helpers)."""

from __future__ import annotations

import pytest

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.exports.registry import all_exporters, export
from fonds.findingaids.models import AccessTerm, Collection, Component
from fonds.timeline.models import Event
from tests.api.helpers import get, path_of, walk

pytestmark = pytest.mark.django_db


def test_the_index_links_to_every_part(client):
    links = get(client, "/api/v1/", "Index")["data"]["links"]
    for name, url in links.items():
        response = client.get(path_of(url))
        assert response.status_code == 200, name
    assert client.get("/api/").status_code == 302
    assert client.get("/api/v1")["Location"] == "/api/v1/"


# -- collections ---------------------------------------------------------------------


def test_collections_list_the_public_collections_with_their_creators(client):
    collections = walk(client, "/api/v1/collections", "CollectionPage", limit=100)
    assert [c["identifier"] for c in collections] == list(
        Collection.objects.order_by("title", "identifier").values_list("identifier", flat=True)
    )
    demo1 = next(c for c in collections if c["identifier"] == "DEMO-001")
    assert demo1["title"] == "Cleveland Council on Soviet Anti-Semitism records"
    assert (demo1["begin_year"], demo1["end_year"]) == (1963, 1989)
    assert [c["text"] for c in demo1["creators"]] == ["Cleveland Council on Soviet Anti-Semitism"]
    assert demo1["creators"][0]["agent"]["identifier"] == "cleveland-council"
    assert path_of(demo1["links"]["html"]) == "/collections/DEMO-001/"


def test_collections_filter_by_dates_and_creator(client):
    def identifiers(**params):
        body = get(client, "/api/v1/collections", "CollectionPage", limit=100, **params)
        return {c["identifier"] for c in body["data"]}

    everything = identifiers()
    for year_from, year_to in [(1990, None), (None, 1965), (1975, 1976), (1900, 1950)]:
        params = {k: v for k, v in {"from": year_from, "to": year_to}.items() if v is not None}
        expected = {
            c.identifier
            for c in Collection.objects.all()
            if c.begin_year is not None
            and (year_to is None or c.begin_year <= year_to)
            and (year_from is None or c.end_year is None or c.end_year >= year_from)
        }
        assert identifiers(**params) == expected, params
    assert identifiers(**{"from": 1900, "to": 1950}) == set()
    assert identifiers(**{"from": 1960}) == everything
    ncsj = identifiers(creator="National Conference on Soviet Jewry")
    assert ncsj == {"DEMO-004"}
    assert identifiers(creator="Nobody at all") == set()


def test_a_collection_gives_its_whole_record(client):
    data = get(client, "/api/v1/collections/DEMO-001", "CollectionRecord")["data"]
    collection = Collection.objects.get(identifier="DEMO-001")
    assert data["identifier"] == "DEMO-001"
    assert data["repository"] == collection.repository
    assert data["finding_aid"]["eadid"] == collection.finding_aid["eadid"]
    assert {lang["code"] for lang in data["languages"]} == {"eng", "rus"}
    # notes in the finding aid's order, each with type, head, html and text
    assert [n["type"] for n in data["notes"]] == [n["type"] for n in collection.notes]
    bioghist = next(n for n in data["notes"] if n["type"] == "bioghist")
    assert "<p>" in bioghist["html"] and "<p>" not in bioghist["text"]
    assert bioghist["label"] == "Biographical / historical note"
    # terms: every non-creator term of the collection, linked to a search
    expected_terms = AccessTerm.objects.filter(
        collection=collection, component__isnull=True
    ).exclude(relation="creator")
    assert [t["text"] for t in data["terms"]] == [t.text for t in expected_terms]
    person = next(t for t in data["terms"] if t["kind"] == "persname")
    search = get(client, path_of(person["links"]["search"]), "SearchResults")
    assert search["total"] > 0
    assert [c["text"] for c in data["creators"]] == ["Cleveland Council on Soviet Anti-Semitism"]
    assert data["digital_objects"] == []  # DEMO-001's objects belong to its folders
    assert "DEMO-001" in data["citation"] and data["links"]["html"] in data["citation"]
    # links: the portal's page, the EAD and the exports
    for name in ("html", "ead", "print"):
        assert client.get(path_of(data["links"][name])).status_code == 200, name
    exports = {e["name"]: e["url"] for e in data["exports"]}
    scoped = {e.name for e in all_exporters().values() if e.scope == "collection"}
    assert set(exports) == scoped and "ead-source" in scoped
    assert exports["ead-source"].endswith("/api/v1/exports/ead-source?id=DEMO-001")


def test_top_level_components_in_order(client):
    components = walk(client, "/api/v1/collections/DEMO-004/components", "ComponentPage")
    expected = Component.objects.filter(collection__identifier="DEMO-004", depth=1)
    assert [c["ref"] for c in components] == [c.ref for c in expected.order_by("sequence")]
    first = components[0]
    assert first["child_count"] == Component.objects.filter(parent__ref=first["ref"]).count()
    assert first["child_count"] > 0


def test_a_component_with_its_breadcrumb_containers_and_digital_objects(client):
    url = "/api/v1/collections/DEMO-001/components/demo001-s3-ss2-f7"
    data = get(client, url, "ComponentRecord")["data"]
    component = Component.objects.get(collection__identifier="DEMO-001", ref="demo001-s3-ss2-f7")
    assert data["title"] == component.display_title
    assert [a["ref"] for a in data["ancestors"]] == ["demo001-s3", "demo001-s3-ss2"]
    assert data["parent"]["ref"] == "demo001-s3-ss2"
    assert data["depth"] == 3 and data["collection"] == "DEMO-001"
    assert len(data["digital_objects"]) == component.digital_objects.count() > 0
    assert data["digital_objects"][0]["href"].startswith("https://example.org/demo/")
    assert [c["type"] for c in data["containers"]] == [c["type"] for c in component.containers]
    assert [t["text"] for t in data["terms"]] == [t.text for t in component.terms.all()]
    assert data["child_count"] == 0
    assert get(client, path_of(data["links"]["children"]), "ComponentPage")["data"] == []
    assert client.get(path_of(data["links"]["html"])).status_code == 200
    assert data["citation"].startswith(component.display_title)

    folder = get(
        client, "/api/v1/collections/DEMO-001/components/demo001-s1-ss1-f1", "ComponentRecord"
    )["data"]
    assert folder["containers"][0] == {
        "type": "box",
        "indicator": "1",
        "label": None,
        "id": "demo001-s1-ss1-f1-box",
        "parent": None,
    }
    assert folder["container_summary"] == "Box 1, Folder 1"


def test_children_of_a_component(client):
    url = "/api/v1/collections/DEMO-004/components/demo004-s1-y1970/children"
    children = walk(client, url, "ComponentPage", limit=30)
    expected = Component.objects.filter(
        collection__identifier="DEMO-004", parent__ref="demo004-s1-y1970"
    ).order_by("sequence")
    assert [c["ref"] for c in children] == [c.ref for c in expected]
    assert len(children) == 89
    series = get(client, "/api/v1/collections/DEMO-004/components/demo004-s1-y1970")["data"]
    assert series["child_count"] == 89


# -- the roster ----------------------------------------------------------------------


def test_agents_list_and_filters(client):
    agents = walk(client, "/api/v1/agents", "AgentPage", limit=100)
    assert len(agents) == Agent.objects.filter(published=True).count()
    people = walk(client, "/api/v1/agents", "AgentPage", kind="person", limit=100)
    assert people and {a["kind"] for a in people} == {"person"}
    assert len(people) == Agent.objects.filter(kind="person").count()
    national = walk(client, "/api/v1/agents", "AgentPage", type="national", limit=100)
    assert {a["identifier"] for a in national} == set(
        Agent.objects.filter(organization_type="national").values_list("identifier", flat=True)
    )
    assert "ncsj" in {a["identifier"] for a in national}
    both = walk(client, "/api/v1/agents", "AgentPage", kind="person", type="national")
    assert both == []


def test_an_agent_with_names_in_every_script_and_relations_both_ways(client):
    sharansky = get(client, "/api/v1/agents/natan-sharansky", "AgentRecord")["data"]
    scripts = {n["script"]: n for n in sharansky["names"]}
    assert {"Latn", "Cyrl", "Hebr"} <= set(scripts)
    assert scripts["Hebr"]["language"] == "he" and scripts["Hebr"]["direction"] == "rtl"
    cyrillic = [n["name"] for n in sharansky["names"] if n["script"] == "Cyrl"]
    assert "Анатолий Щаранский" in cyrillic
    assert sharansky["begin_year"] == 1948
    assert {a["collection"]["identifier"] for a in sharansky["appearances"]} >= {"DEMO-001"}
    assert sharansky["events"] and sharansky["exports"][0]["url"].endswith("?id=natan-sharansky")

    ncsj = get(client, "/api/v1/agents/ncsj", "AgentRecord")["data"]
    ajcsj = get(client, "/api/v1/agents/ajcsj", "AgentRecord")["data"]
    assert any(
        r["type"] == "successor_of" and r["agent"]["identifier"] == "ajcsj"
        for r in ncsj["relations"]
    )
    assert any(
        r["type"] == "predecessor_of" and r["agent"]["identifier"] == "ncsj"
        for r in ajcsj["relations"]
    )
    assert {r["direction"] for r in ncsj["relations"] + ajcsj["relations"]} == {"in", "out"}
    created = [a for a in ncsj["appearances"] if a["role"] == "creator"]
    assert [a["collection"]["identifier"] for a in created] == ["DEMO-004"]
    assert ncsj["history_html"].startswith("<p>")


# -- timeline and bibliography -------------------------------------------------------


def test_events_by_decade_and_agent(client):
    events = walk(client, "/api/v1/events", "EventPage", limit=100)
    assert [e["identifier"] for e in events] == list(
        Event.objects.order_by("sort_date", "identifier").values_list("identifier", flat=True)
    )
    seventies = walk(client, "/api/v1/events", "EventPage", decade=1970)
    assert seventies and all(e["sort_date"].startswith("197") for e in seventies)
    assert len(seventies) == Event.objects.filter(sort_date__year__range=(1970, 1979)).count()
    sharansky = walk(client, "/api/v1/events", "EventPage", agent="natan-sharansky")
    expected = Event.objects.filter(agents__identifier="natan-sharansky")
    assert {e["identifier"] for e in sharansky} == {e.identifier for e in expected}
    assert len(sharansky) >= 3
    both = walk(client, "/api/v1/events", "EventPage", agent="natan-sharansky", decade=1980)
    assert {e["identifier"] for e in both} == {
        e.identifier for e in expected.filter(sort_date__year__range=(1980, 1989))
    }
    assert get(client, "/api/v1/events", "EventPage", agent="no-such-agent")["data"] == []


def test_an_event_with_what_documents_it(client):
    data = get(client, "/api/v1/events/1970-06-15-leningrad-arrests", "EventRecord")["data"]
    assert data["date_label"] == "15 June 1970"
    assert {a["identifier"] for a in data["agents"]} >= {"mark-dymshits", "eduard-kuznetsov"}
    assert data["collections"]
    event = Event.objects.get(identifier="1970-06-15-leningrad-arrests")
    assert len(data["components"]) == event.component_links.count()
    for component in data["components"]:
        get(client, path_of(component["links"]["self"]), "ComponentRecord")


def test_works_as_csl_json_with_citations(client):
    works = walk(client, "/api/v1/works", "WorkPage", limit=5)
    assert len(works) == Work.objects.count()
    data = get(client, "/api/v1/works/beckerman-2010", "WorkRecord")["data"]
    assert data["csl"]["id"] == "beckerman-2010" and data["csl"]["type"] == "book"
    assert "fonds" not in data["csl"]  # our own link key is not CSL
    notes = data["citations"]["chicago-notes-bibliography"]
    assert notes["text"].startswith("Beckerman, Gal.")
    assert "<i>" in notes["html"] and "<i>" not in notes["text"]
    assert data["citations"]["chicago-author-date"]["text"].startswith("Beckerman, Gal. 2010.")
    assert data["note"]["text"].startswith("Gal Beckerman,")
    morozov = get(client, "/api/v1/works/morozov-1999", "WorkRecord")["data"]
    assert {a["identifier"] for a in morozov["agents"]} == {"soviet-union"}
    assert {e["identifier"] for e in morozov["events"]} == {
        "1972-08-03-education-tax",
        "1973-education-tax-suspended",
    }


# -- search --------------------------------------------------------------------------


def test_search_gives_hits_with_their_place_and_the_facets(client):
    body = get(client, "/api/v1/search", "SearchResults", q="Shcharansky", limit=50)
    assert body["total"] > 0
    deep = [h for h in body["data"] if len(h["path"]) >= 2]
    assert deep
    for hit in deep:
        assert hit["collection"]["identifier"].startswith("DEMO-")
        assert all(p["url"].startswith(hit["collection"]["links"]["html"]) for p in hit["path"])
        get(client, path_of(hit["links"]["self"]), "ComponentRecord")
    assert "<mark>" in "".join(h["snippet"] for h in body["data"])
    types = {v["value"]: v for v in body["facets"]["type"]}
    assert sum(v["count"] for v in types.values()) == body["total"]
    assert not any(v["selected"] for v in types.values())
    assert types["component"]["label"] == "Series, folder or item"


def test_search_facets_are_repeatable_filters_and_stay_multi_select(client):
    everything = get(client, "/api/v1/search", "SearchResults", q="Soviet")
    collections = {v["value"]: v["count"] for v in everything["facets"]["collection"]}
    one = get(client, "/api/v1/search", "SearchResults", q="Soviet", collection="DEMO-003")
    assert one["total"] == collections["DEMO-003"]
    assert all(h["collection"]["identifier"] == "DEMO-003" for h in one["data"])
    chosen = {v["value"]: v for v in one["facets"]["collection"]}
    assert chosen["DEMO-003"]["selected"] and not chosen["DEMO-001"]["selected"]
    assert (
        chosen["DEMO-003"]["label"] == "National Interreligious Task Force on Soviet Jewry records"
    )
    # the chosen facet keeps its other values and their counts
    assert {k: v["count"] for k, v in chosen.items()} == collections
    response = client.get("/api/v1/search", {"q": "Soviet", "collection": ["DEMO-003", "DEMO-002"]})
    assert response.json()["total"] == collections["DEMO-003"] + collections["DEMO-002"]
    events = get(client, "/api/v1/search", "SearchResults", type="event", limit=100)
    assert events["total"] == Event.objects.count()
    assert {h["type"] for h in events["data"]} == {"event"}


def test_search_dates_and_sort(client):
    ranged = walk(
        client, "/api/v1/search", "SearchResults", type="event", **{"from": 1970, "to": 1972}
    )
    dated = {
        e.identifier
        for e in Event.objects.all()
        if e.sort_date.year <= 1972 and e.end_date.year >= 1970
    }
    assert {h["key"].removeprefix("event:") for h in ranged} == dated
    by_date = walk(client, "/api/v1/search", "SearchResults", type="event", sort="date", limit=100)
    years = [int(h["key"].split(":")[1][:4]) for h in by_date]
    assert years == sorted(years)
    newest = get(client, "/api/v1/search", "SearchResults", type="event", sort="-date")["data"]
    assert newest[0]["key"] == "event:2012-12-14-jackson-vanik-repealed"


# -- exports -------------------------------------------------------------------------


def test_the_exports_list_is_the_registry(client):
    listed = get(client, "/api/v1/exports", "ExporterList")
    assert listed["next"] is None
    registry = all_exporters()
    assert {e["name"] for e in listed["data"]} == set(registry)
    for entry in listed["data"]:
        assert entry["scope"] == registry[entry["name"]].scope
        assert entry["requires_id"] == (entry["scope"] != "archive")


def test_archive_exports_download_as_the_exporter_writes_them(client):
    """Every archive export downloads in tests/api/test_privacy.py; here, byte for byte."""
    for name in ("csl-json", "ris", "roster-csv", "events-yaml"):
        exporter = all_exporters()[name]
        response = client.get(f"/api/v1/exports/{name}")
        assert response.status_code == 200, name
        assert response.streaming
        assert response["Content-Type"] == exporter.media_type
        assert response["Access-Control-Allow-Origin"] == "*"
        assert f'filename="{name}.{exporter.extension}"' in response["Content-Disposition"]
        content = b"".join(response.streaming_content)
        assert content == export(name)
        assert response["Content-Length"] == str(len(content))


def test_record_exports_take_an_id(client):
    response = client.get("/api/v1/exports/ead-source", {"id": "DEMO-002"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == export("ead-source", Collection.objects.get(identifier="DEMO-002"))
    assert b"<ead" in content
    eac = client.get("/api/v1/exports/eac-cpf-2010", {"id": "ncsj"})
    assert eac.status_code == 200 and eac["Content-Type"] == "application/xml"
    assert b"National Conference on Soviet Jewry" in b"".join(eac.streaming_content)
    missing = get(client, "/api/v1/exports/ead-source", status=400)
    assert missing["error"]["code"] == "missing_parameter"
    get(client, "/api/v1/exports/ead-source", status=404, id="NOPE")
    get(client, "/api/v1/exports/eac-cpf-2.0", status=404, id="DEMO-001")
    assert "no id" in get(client, "/api/v1/exports/ris", status=400, id="x")["error"]["message"]
    get(client, "/api/v1/exports/docx", status=404)

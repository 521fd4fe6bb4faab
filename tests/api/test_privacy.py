"""Nothing internal or unpublished is reachable through the API, by any endpoint.

DEMO-001 holds a folder marked audience="internal" (INTERNAL-MARKER-001) and an
internal processing note (INTERNAL-MARKER-002); the walk below asks for everything
the API offers and looks for either marker in every answer."""

from __future__ import annotations

import pytest

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.exports.registry import all_exporters
from fonds.findingaids.models import Collection, Component
from fonds.timeline.models import Event
from tests.api.helpers import get, path_of, walk

pytestmark = pytest.mark.django_db

MARKERS = (b"INTERNAL-MARKER-001", b"INTERNAL-MARKER-002", b"Donor correspondence (restricted)")
INTERNAL_REF = "demo001-s1-ss3-f5"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class Spy:
    """A client that checks every answer for the markers."""

    def __init__(self, client):
        self.client = client
        self.seen = 0

    def get(self, url, params=None, **extra):
        response = self.client.get(url, params or {}, **extra)
        body = content(response)
        for marker in MARKERS:
            assert marker not in body, f"{marker!r} in {url} {params}"
        self.seen += 1
        response.body = body
        return response


def test_the_internal_folder_and_note_are_in_the_database():
    """The premise: the demo does carry the markers, stored apart."""
    internal = Component.all_objects.get(collection__identifier="DEMO-001", ref=INTERNAL_REF)
    assert internal.internal and "INTERNAL-MARKER-001" in internal.title
    collection = Collection.objects.get(identifier="DEMO-001")
    assert any("INTERNAL-MARKER-002" in n.text for n in collection.internal_notes.all())


def test_no_endpoint_gives_internal_content(client):
    spy = Spy(client)
    # every listing, every page, every record it links to
    for url in (
        "/api/v1/collections",
        "/api/v1/agents",
        "/api/v1/events",
        "/api/v1/works",
        "/api/v1/guides",
    ):
        for record in walk(spy, url, None, limit=100):
            spy.get(path_of(record["links"]["self"]))
    # the whole tree of DEMO-001, through the children links
    pending = [
        r["links"]["self"]
        for r in walk(spy, "/api/v1/collections/DEMO-001/components", None, limit=100)
    ]
    refs = set()
    while pending:
        data = spy.get(path_of(pending.pop())).json()["data"]
        refs.add(data["ref"])
        for child in walk(spy, path_of(data["links"]["children"]), None, limit=100):
            pending.append(child["links"]["self"])
    assert refs == set(
        Component.objects.filter(collection__identifier="DEMO-001").values_list("ref", flat=True)
    )
    assert INTERNAL_REF not in refs
    # search: for the markers, and everything
    for q in ("INTERNAL-MARKER-001", "INTERNAL-MARKER-002", "Donor correspondence restricted"):
        assert spy.get("/api/v1/search", {"q": q}).json()["total"] == 0
    walk(spy, "/api/v1/search", None, collection="DEMO-001", limit=100)
    # every export of the archive (each is rendered once in this suite: some are big)
    for exporter in all_exporters().values():
        if exporter.scope == "archive":
            response = spy.get(f"/api/v1/exports/{exporter.name}")
            assert response.status_code == 200, exporter.name
            assert response["Content-Type"] == exporter.media_type
            assert response.body and response["Content-Length"] == str(len(response.body))
    assert spy.get("/api/v1/exports/ead-source", {"id": "DEMO-001"}).status_code == 200
    assert spy.seen > 300


def test_the_internal_folder_is_not_found_by_its_address(client):
    base = f"/api/v1/collections/DEMO-001/components/{INTERNAL_REF}"
    get(client, base, status=404)
    get(client, f"{base}/children", status=404)
    parent = get(client, "/api/v1/collections/DEMO-001/components/demo001-s1-ss3")["data"]
    children = walk(client, path_of(parent["links"]["children"]), "ComponentPage")
    assert parent["child_count"] == len(children)
    assert INTERNAL_REF not in {c["ref"] for c in children}
    # nor counted: the collection's count is of its public components
    public = Component.objects.filter(collection__identifier="DEMO-001").count()
    assert Collection.objects.get(identifier="DEMO-001").component_count == public + 1
    demo1 = get(client, "/api/v1/collections/DEMO-001", "CollectionRecord")["data"]
    listed = walk(client, "/api/v1/collections", "CollectionPage")
    assert demo1["component_count"] == public
    assert next(c for c in listed if c["identifier"] == "DEMO-001")["component_count"] == public


def test_an_internal_finding_aid_header_is_left_out(client, tmp_path):
    from fonds.loader import load_file
    from tests.factories import ead2002, write

    text = ead2002(
        "HDR-1", '<c level="file" id="f1"><did><unittitle>A folder</unittitle></did></c>'
    )
    text = text.replace("<eadheader>", '<eadheader audience="internal">')
    assert load_file(write(tmp_path / "hdr.xml", text)).status == "loaded"
    data = get(client, "/api/v1/collections/HDR-1", "CollectionRecord")["data"]
    assert data["finding_aid"] == {
        **{key: "" for key in data["finding_aid"] if key != "revisions"},
        "revisions": [],
    }


def test_an_internal_collection_is_not_found(client):
    Collection.all_objects.filter(identifier="DEMO-002").update(internal=True)
    for url in (
        "/api/v1/collections/DEMO-002",
        "/api/v1/collections/DEMO-002/components",
        "/api/v1/collections/DEMO-002/components/demo002-s1",
    ):
        get(client, url, status=404)
    get(client, "/api/v1/exports/ead-source", status=404, id="DEMO-002")
    listed = walk(client, "/api/v1/collections", "CollectionPage")
    assert "DEMO-002" not in {c["identifier"] for c in listed}
    sssj = get(client, "/api/v1/agents/sssj", "AgentRecord")["data"]
    assert "DEMO-002" not in {a["collection"]["identifier"] for a in sssj["appearances"]}


def test_unpublished_records_are_not_found_nor_linked(client):
    Agent.objects.filter(identifier="ajcsj").update(published=False)
    Event.objects.filter(identifier="1970-06-15-leningrad-arrests").update(published=False)
    Work.objects.filter(identifier="beckerman-2010").update(published=False)
    get(client, "/api/v1/agents/ajcsj", status=404)
    get(client, "/api/v1/events/1970-06-15-leningrad-arrests", status=404)
    get(client, "/api/v1/works/beckerman-2010", status=404)
    get(client, "/api/v1/exports/eac-cpf-2010", status=404, id="ajcsj")
    assert "ajcsj" not in {a["identifier"] for a in walk(client, "/api/v1/agents", "AgentPage")}
    events = walk(client, "/api/v1/events", "EventPage", limit=100)
    assert "1970-06-15-leningrad-arrests" not in {e["identifier"] for e in events}
    assert "beckerman-2010" not in {
        w["identifier"] for w in walk(client, "/api/v1/works", "WorkPage")
    }
    # nor named from the records that link to them
    ncsj = get(client, "/api/v1/agents/ncsj", "AgentRecord")["data"]
    assert "ajcsj" not in {r["agent"]["identifier"] for r in ncsj["relations"] if r["agent"]}
    kuznetsov = get(client, "/api/v1/agents/eduard-kuznetsov", "AgentRecord")["data"]
    assert "1970-06-15-leningrad-arrests" not in {e["identifier"] for e in kuznetsov["events"]}
    assert get(client, "/api/v1/events", "EventPage", agent="ajcsj")["data"] == []
    demo4 = get(client, "/api/v1/collections/DEMO-004", "CollectionRecord")["data"]
    linked = {t["agent"]["identifier"] for t in demo4["creators"] + demo4["terms"] if t["agent"]}
    assert "ajcsj" not in linked and "ncsj" in linked

"""/api/v1/guides: the published research guides, each with its public entries."""

from __future__ import annotations

import pytest

from fonds.authorities.models import Agent
from fonds.findingaids.models import Component
from fonds.guides.models import Guide
from tests.api.helpers import get, path_of, walk

pytestmark = pytest.mark.django_db


def test_the_guides_are_listed_in_the_archivists_order_page_by_page(client):
    guides = walk(client, "/api/v1/guides", "GuidePage", limit=1)
    expected = Guide.objects.filter(published=True).order_by("position", "title", "slug")
    assert [g["slug"] for g in guides] == list(expected.values_list("slug", flat=True))
    assert len(guides) == 4
    first = guides[0]
    assert first["summary"] and first["summary_html"].startswith("<p>")
    assert path_of(first["links"]["self"]) == f"/api/v1/guides/{first['slug']}"
    assert path_of(first["links"]["html"]) == f"/guides/{first['slug']}/"


def test_a_guide_gives_its_introduction_and_entries_with_their_records(client):
    guide = Guide.objects.get(slug="immigration-and-resettlement")
    data = get(client, "/api/v1/guides/immigration-and-resettlement", "GuideRecord")["data"]
    assert data["title"] == guide.title
    assert data["introduction"] == guide.introduction
    assert "<p>The campaign for Soviet Jews" in data["introduction_html"]
    entries = data["entries"]
    assert len(entries) == guide.entries.count()
    hias = entries[0]
    assert (hias["kind"], hias["title"]) == (
        "agent",
        Agent.objects.get(identifier="hias").authorized_name,
    )
    assert hias["note"].startswith("The agency that met") and hias["note_html"].startswith("<p>")
    assert path_of(hias["links"]["self"]) == "/api/v1/agents/hias"
    # every entry's address answers, in the API and in the portal
    for entry in entries:
        assert client.get(path_of(entry["links"]["self"])).status_code == 200, entry
        assert client.get(path_of(entry["links"]["html"])).status_code == 200, entry
    kinds = {e["kind"] for e in entries}
    assert {"agent", "event", "component", "work"} <= kinds


def test_an_unpublished_guide_is_not_found_nor_listed(client):
    Guide.objects.filter(slug="interfaith-support").update(published=False)
    get(client, "/api/v1/guides/interfaith-support", status=404)
    slugs = [g["slug"] for g in walk(client, "/api/v1/guides", "GuidePage")]
    assert "interfaith-support" not in slugs and len(slugs) == 3
    get(client, "/api/v1/guides/no-such-guide", status=404)


def test_an_entry_whose_record_is_not_public_is_left_out(client):
    guide = Guide.objects.get(slug="immigration-and-resettlement")
    component_entry = guide.entries.exclude(component_ref="").first()
    assert component_entry is not None
    before = get(client, f"/api/v1/guides/{guide.slug}", "GuideRecord")["data"]["entries"]
    assert any(e["kind"] == "component" for e in before)
    Component.all_objects.filter(
        collection_id=component_entry.collection_id, ref=component_entry.component_ref
    ).update(published=False)
    after = get(client, f"/api/v1/guides/{guide.slug}", "GuideRecord")["data"]["entries"]
    assert len(after) == len(before) - 1
    assert not any(
        e["kind"] == "component"
        and e["links"]["self"].endswith(f"/{component_entry.component_ref}")
        for e in after
    )

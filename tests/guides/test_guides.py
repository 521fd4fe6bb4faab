"""Research guides: the public pages, the demo guides, what is left out."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from fonds.authorities.models import Agent
from fonds.findingaids.models import Collection
from fonds.guides.loading import load_guides
from fonds.guides.models import Guide, GuideEntry
from fonds.loader import after_loading, load_paths
from fonds.timeline.models import Event
from tests.factories import ead2002, folders, write

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"


def test_the_demo_guides_load_and_are_published():
    report = load_paths(
        [
            DEMO / "findingaids",
            DEMO / "roster.yaml",
            DEMO / "timeline.yaml",
            DEMO / "bibliography.json",
        ]
    )
    assert report.ok
    after_loading(report)
    assert load_guides(DEMO / "guides.yaml") == 4
    client = Client()
    listing = client.get("/guides/").content.decode()
    for title in (
        "Immigration and resettlement",
        "Interfaith support for Soviet Jews",
        "Cold War diplomacy and Jackson-Vanik",
        "A nonviolent transnational movement",
    ):
        assert title in listing
    assert 'href="/guides/"' in client.get("/").content.decode()  # in the navigation
    for guide in Guide.objects.all():
        page = client.get(guide.get_absolute_url())
        assert page.status_code == 200
        document = lxml.html.fromstring(page.content)
        entries = document.xpath('//ol[@class="guide-entries"]/li')
        assert len(entries) == guide.entries.count(), guide.slug  # every demo record is public
        shown = [" ".join(li.text_content().replace("\u2019", "'").split()) for li in entries]
        notes = guide.entries.order_by("position", "id").values_list("note", flat=True)
        for note, text in zip(notes, shown, strict=True):
            assert " ".join(note.split()) in text, (guide.slug, note)  # each with its note
        for link in document.xpath('//ol[@class="guide-entries"]//h3/a/@href'):
            assert client.get(link).status_code == 200, link
        (script,) = document.xpath('//script[@type="application/ld+json"]/text()')
        assert guide.title in json.dumps(json.loads(script), ensure_ascii=False)
    sitemap = b"".join(client.get("/sitemaps/pages.xml").streaming_content).decode()
    assert "/guides/</loc>" in sitemap and "/guides/interfaith-support/</loc>" in sitemap
    # loading again replaces, never doubles
    assert load_guides(DEMO / "guides.yaml") == 4
    assert Guide.objects.count() == 4
    assert GuideEntry.objects.filter(guide__slug="interfaith-support").count() == 9
    assert GuideEntry.objects.count() == 53 and not GuideEntry.objects.filter(note="").exists()


def test_every_demo_guide_entry_has_the_archivists_note():
    """A guide is a path an archivist chose: each step says why it is there."""
    import yaml

    guides = yaml.safe_load((DEMO / "guides.yaml").read_text(encoding="utf-8"))["guides"]
    assert len(guides) == 4
    missing = [
        f"{guide['slug']}, entry {number}: {entry}"
        for guide in guides
        for number, entry in enumerate(guide["entries"], start=1)
        if not str(entry.get("note") or "").strip()
    ]
    assert not missing, "entries without a note:\n" + "\n".join(missing)
    notes = [str(e["note"]).strip() for g in guides for e in g["entries"]]
    assert len(set(notes)) == len(notes), "two entries share a note"
    assert all(len(note) >= 30 and note.endswith(".") for note in notes)


@pytest.fixture
def records(tmp_path):
    report = load_paths([write(tmp_path / "c.xml", ead2002("G-1", folders(2), title="Papers"))])
    assert report.ok
    public = Agent.objects.create(identifier="seen", kind="person", authorized_name="Seen Person")
    draft = Agent.objects.create(
        identifier="draft", kind="person", authorized_name="Draft Person", published=False
    )
    event = Event.objects.create(identifier="e", title="Hidden event", date="1970", published=False)
    return {
        "collection": Collection.all_objects.get(identifier="G-1"),
        "public": public,
        "draft": draft,
        "event": event,
    }


def test_unpublished_targets_are_left_out(records):
    guide = Guide.objects.create(
        title="A guide", slug="a-guide", published=True, introduction="Read *this* first."
    )
    collection = records["collection"]
    GuideEntry.objects.create(guide=guide, position=1, agent=records["public"], note="Kept.")
    GuideEntry.objects.create(guide=guide, position=2, agent=records["draft"], note="Secret.")
    GuideEntry.objects.create(guide=guide, position=3, event=records["event"])
    GuideEntry.objects.create(guide=guide, position=4, collection=collection, component_ref="f2")
    GuideEntry.objects.create(guide=guide, position=5, collection=collection, component_ref="gone")
    html = Client().get("/guides/a-guide/").content.decode()
    assert "Seen Person" in html and "Kept." in html and "<em>this</em>" in html
    assert "Folder 2" in html and 'href="/collections/G-1/f2/"' in html
    assert "Draft Person" not in html and "Secret." not in html and "Hidden event" not in html
    collection.published = False
    collection.save()
    html = Client().get("/guides/a-guide/").content.decode()
    assert "Folder 2" not in html and "Seen Person" in html


def test_an_unpublished_guide_is_not_shown(db):
    Guide.objects.create(title="Draft guide", slug="draft-guide", published=False)
    client = Client()
    assert client.get("/guides/draft-guide/").status_code == 404
    assert "Draft guide" not in client.get("/guides/").content.decode()


def test_markdown_is_sanitized(db):
    Guide.objects.create(
        title="Guide", slug="guide", published=True,
        introduction="<script>alert(1)</script> [x](javascript:alert(1))",
    )  # fmt: skip
    html = Client().get("/guides/guide/").content.decode()
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, never run


def test_an_entry_points_at_exactly_one_record(records):
    guide = Guide.objects.create(title="G", slug="g")
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEntry.objects.create(guide=guide, agent=records["public"], event=records["event"])
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEntry.objects.create(guide=guide)
    with pytest.raises(IntegrityError), transaction.atomic():
        GuideEntry.objects.create(guide=guide, agent=records["public"], component_ref="f1")


def test_guides_are_edited_with_their_entries_in_the_admin(records):
    from tests.staff.conftest import make_user

    client = Client()
    client.force_login(make_user("arch", "Archivist"))
    page = client.get("/admin/guides/guide/add/").content.decode()
    assert 'name="entries-TOTAL_FORMS"' in page
    assert "admin-autocomplete" in page  # entries pick their records by searching
    guide = Guide.objects.create(title="G", slug="g")
    GuideEntry.objects.create(guide=guide, agent=records["public"])
    assert client.get(f"/admin/guides/guide/{guide.pk}/change/").status_code == 200
    assert client.get(f"/admin/guides/guide/{guide.pk}/history/").status_code == 200

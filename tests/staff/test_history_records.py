"""The history of events, works, pages and research guides: an edit in the admin is
kept with who made it, when, and which fields changed (old and new values); the
History page shows it; and reverting brings the old values back, as a change of its
own. The rows edited with them (an event's components, a guide's entries) too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection
from fonds.guides.models import Guide, GuideEntry
from fonds.pages.models import Page
from fonds.timeline.models import Event, EventComponent
from tests.staff.admin_forms import form_data, set_value

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(kind: str) -> Any:
    """A record as a loader writes it: in bulk, without history of its own."""
    record = unsaved(kind)
    [saved] = type(record).objects.bulk_create([record])
    return type(record).objects.get(pk=saved.pk)


def unsaved(kind: str) -> Any:
    if kind == "event":
        return Event(
            identifier="leningrad-protest",
            title="Protest after the Leningrad verdicts",
            date="1970-12-26",
            description="Vigils in several cities.",
        )
    if kind == "work":
        return Work(
            identifier="orbach-1979",
            csl={"id": "orbach-1979", "type": "book", "title": "The American Movement"},
            title="The American Movement",
            creators_text="Orbach, William W.",
            issued_year=1978,
        )
    if kind == "page":
        return Page(slug="visiting", title="Visiting", body="Open on weekdays.")
    return Guide(slug="students", title="Students", summary="Campus groups.", published=True)


# kind -> the fields the archivist edits, with their new values
EDITS = {
    "event": {"title": "Protests after the Leningrad verdicts", "place": "New York"},
    "work": {"title": "The American Movement to Aid Soviet Jews", "issued_year": "1979"},
    "page": {"title": "Visiting the reading room", "body": "Open Monday to Thursday."},
    "guide": {"title": "Student activism", "summary": "Campus groups and their vigils."},
}


def change_url(record: Any) -> str:
    opts = record._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/change/"


def save(client: Client, record: Any, changes: dict[str, str]) -> None:
    url = change_url(record)
    data = form_data(client.get(url).content, f"{record._meta.model_name}_form")
    for name, value in changes.items():
        set_value(data, name, value)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_edit_is_kept_with_who_when_and_which_fields_and_can_be_reverted(archivist, kind):
    record = make(kind)
    before = {name: str(getattr(record, name) or "") for name in EDITS[kind]}
    client = signed_in(archivist)
    started = timezone.now()
    save(client, record, EDITS[kind])

    history = type(record).revisions.filter(id=record.pk).order_by("history_date", "history_id")
    loaded, edit = list(history)
    assert loaded.history_user is None and loaded.history_change_reason == "as loaded"
    assert edit.history_user == archivist and edit.history_type == "~"
    assert started <= edit.history_date <= timezone.now()
    changes = {c.field: (str(c.old or ""), str(c.new)) for c in edit.diff_against(loaded).changes}
    assert changes == {name: (before[name], new) for name, new in EDITS[kind].items()}

    opts = record._meta
    history_url = f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/history/"
    html = client.get(history_url).content.decode()
    assert archivist.username in html
    for name, new in EDITS[kind].items():
        label = str(opts.get_field(name).verbose_name).capitalize()
        assert f"{label}:" in html and new in html, name

    # revert to the version as loaded
    version_url = f"{history_url}{loaded.history_id}/"
    page = client.get(version_url)
    assert page.status_code == 200
    data = form_data(page.content, f"historical{opts.model_name}_form")
    response = client.post(version_url, data)
    assert response.status_code == 302
    reverted = type(record).objects.get(pk=record.pk)
    assert {name: str(getattr(reverted, name) or "") for name in EDITS[kind]} == before
    latest = type(record).revisions.filter(id=record.pk).latest()
    assert latest.history_user == archivist and latest.history_id != edit.history_id


def test_a_guide_entry_edited_with_its_guide_is_in_the_history_and_reverted(archivist, tmp_path):
    collection = Collection.all_objects.create(identifier="H-1", title="Papers")
    guide = make("guide")
    entry = GuideEntry.objects.create(
        guide=guide, position=1, collection=collection, note="Start here."
    )
    client = signed_in(archivist)
    save(client, guide, {"entries-0-note": "Start here: the founders' letters."})
    entry.refresh_from_db()
    assert entry.note == "Start here: the founders' letters."
    change = GuideEntry.revisions.filter(id=entry.pk).latest()  # type: ignore[attr-defined]
    assert change.history_user == archivist
    assert [(c.field, c.old, c.new) for c in change.diff_against(change.prev_record).changes] == [
        ("note", "Start here.", "Start here: the founders' letters.")
    ]
    html = client.get(f"/admin/guides/guide/{guide.pk}/history/").content.decode()
    assert "Edited with it" in html and "Start here." in html

    first = GuideEntry.revisions.filter(id=entry.pk).earliest()  # type: ignore[attr-defined]
    url = f"/admin/guides/guideentry/{entry.pk}/history/{first.history_id}/"
    response = client.post(url, form_data(client.get(url).content, "historicalguideentry_form"))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/guides/guide/{guide.pk}/history/"
    entry.refresh_from_db()
    assert entry.note == "Start here."


def test_an_events_component_link_is_in_its_history(archivist):
    collection = Collection.all_objects.create(identifier="H-2", title="Papers")
    event = make("event")
    link = EventComponent.objects.create(event=event, collection=collection, component_ref="f1")
    client = signed_in(archivist)
    save(client, event, {"component_links-0-component_ref": "f2"})
    link.refresh_from_db()
    assert link.component_ref == "f2"
    change = EventComponent.revisions.filter(id=link.pk).latest()  # type: ignore[attr-defined]
    assert change.history_user == archivist
    fields = {c.field: (c.old, c.new) for c in change.diff_against(change.prev_record).changes}
    assert fields == {"component_ref": ("f1", "f2")}
    html = client.get(f"/admin/timeline/event/{event.pk}/history/").content.decode()
    assert "Edited with it" in html and "f2" in html

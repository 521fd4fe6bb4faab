"""Every change made in the admin is kept: who, when, what; and can be undone."""

from __future__ import annotations

import pytest
from django.test import Client

from fonds.authorities.models import Agent, AgentName
from fonds.findingaids.models import Collection
from fonds.staff.models import PublicationChange
from tests.staff.admin_forms import form_data, set_value

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_agent(client: Client, agent: Agent, **changes: str) -> None:
    url = f"/admin/authorities/agent/{agent.pk}/change/"
    data = form_data(client.get(url).content, "agent_form")
    for name, value in changes.items():
        set_value(data, name, value)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_edit_is_recorded_with_who_when_and_what(archivist, published_agent):
    client = signed_in(archivist)
    save_agent(client, published_agent, summary="A council in Ohio.")
    latest = published_agent.revisions.latest()
    assert latest.history_user == archivist
    assert latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("summary", "", "A council in Ohio.")
    ]
    page = client.get(f"/admin/authorities/agent/{published_agent.pk}/history/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "arch" in html and "A council in Ohio." in html and "Summary:" in html


def test_a_variant_name_edited_inline_is_in_the_records_history(archivist, published_agent):
    client = signed_in(archivist)
    name = published_agent.names.get()
    save_agent(client, published_agent, **{"names-0-name": "Комитет", "names-0-script": "Cyrl"})
    name.refresh_from_db()
    assert (name.name, name.script) == ("Комитет", "Cyrl")
    change = AgentName.revisions.filter(id=name.pk).latest()  # type: ignore[attr-defined]
    assert change.history_user == archivist
    fields = {c.field: (c.old, c.new) for c in change.diff_against(change.prev_record).changes}
    assert fields == {
        "name": ("Committee published-council", "Комитет"),
        "script": ("Latn", "Cyrl"),
    }
    html = client.get(f"/admin/authorities/agent/{published_agent.pk}/history/").content.decode()
    assert "Edited with it" in html and "Committee published-council" in html


def test_revert_restores_a_previous_version(archivist, published_agent):
    client = signed_in(archivist)
    save_agent(client, published_agent, summary="First text.")
    first = published_agent.revisions.latest()
    save_agent(client, published_agent, summary="Second text.")
    url = f"/admin/authorities/agent/{published_agent.pk}/history/{first.history_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "First text." in page.content.decode()
    response = client.post(url, form_data(page.content, "historicalagent_form"))
    assert response.status_code == 302
    published_agent.refresh_from_db()
    assert published_agent.summary == "First text."
    assert published_agent.revisions.latest().history_user == archivist


def test_a_variant_name_can_be_reverted(archivist, published_agent):
    client = signed_in(archivist)
    name = published_agent.names.get()
    original = AgentName.revisions.filter(id=name.pk).latest()  # type: ignore[attr-defined]
    save_agent(client, published_agent, **{"names-0-name": "A wrong spelling"})
    url = f"/admin/authorities/agentname/{name.pk}/history/{original.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, form_data(page.content, "historicalagentname_form"))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/authorities/agent/{published_agent.pk}/history/"
    name.refresh_from_db()
    assert name.name == "Committee published-council"


def test_a_contributor_cannot_revert_a_published_record(contributor, archivist, published_agent):
    save_agent(signed_in(archivist), published_agent, summary="Reviewed.")
    first = published_agent.revisions.earliest()
    client = signed_in(contributor)
    url = f"/admin/authorities/agent/{published_agent.pk}/history/{first.history_id}/"
    page = client.get(url)
    assert page.status_code == 200  # may look at the old version
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"identifier": "x", "authorized_name": "x", "kind": "person"})
    assert response.status_code == 403
    published_agent.refresh_from_db()
    assert published_agent.summary == "Reviewed."


def test_collection_changes_are_logged_and_its_ead_fields_are_read_only(archivist):
    collection = Collection.all_objects.create(identifier="C-9", title="Loaded title")
    client = signed_in(archivist)
    url = f"/admin/findingaids/collection/{collection.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content, "collection_form")
    assert "title" not in data and "identifier" not in data  # from the EAD: read-only
    assert "published" in data
    set_value(data, "published", None)
    set_value(data, "archivist_notes-0-text", "Check the donor agreement before publishing.")
    data["archivist_notes-TOTAL_FORMS"] = ["1"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    collection.refresh_from_db()
    assert collection.published is False and collection.title == "Loaded title"
    change = PublicationChange.objects.get(record_id=str(collection.pk))
    assert (change.field, change.old, change.new, change.user) == (
        "published",
        "True",
        "False",
        archivist,
    )
    note = collection.archivist_notes.get()
    assert note.author == archivist

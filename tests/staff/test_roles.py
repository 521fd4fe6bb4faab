"""What each role can see and do in the admin, through the test client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from fonds.authorities.models import Agent
from fonds.findingaids.models import Collection
from fonds.staff.roles import (
    ADMINISTRATOR,
    ARCHIVIST,
    CONTRIBUTOR,
    is_public,
    is_published,
    mark_unpublished,
)
from tests.staff.admin_forms import form_data, set_value

pytestmark = pytest.mark.django_db


def change_url(record: Agent) -> str:
    return f"/admin/authorities/agent/{record.pk}/change/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit(client: Client, record: Agent, **changes: str | None):
    page = client.get(change_url(record))
    assert page.status_code == 200
    data = form_data(page.content, "agent_form")
    for name, value in changes.items():
        set_value(data, name, value)
    return client.post(change_url(record), data)


def test_the_three_roles_exist_with_their_permissions(db):
    assert {g.name for g in Group.objects.all()} >= {ADMINISTRATOR, ARCHIVIST, CONTRIBUTOR}

    def perms(name: str) -> set[str]:
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert "auth.change_user" in perms(ADMINISTRATOR)
    assert "staff.view_signin" in perms(ADMINISTRATOR)
    archivist = perms(ARCHIVIST)
    assert {"authorities.publish_agent", "authorities.delete_agent", "guides.publish_guide"} <= (
        archivist
    )
    assert "findingaids.publish_collection" in archivist
    assert not {"auth.view_user", "staff.view_signin"} & archivist
    contributor = perms(CONTRIBUTOR)
    assert {"authorities.add_agent", "authorities.change_agent", "guides.change_guide"} <= (
        contributor
    )
    assert not {p for p in contributor if p.split(".")[1].startswith(("delete_", "publish_"))}
    assert "pages.view_referencerequest" not in contributor


def test_anonymous_users_are_sent_to_sign_in(published_agent):
    client = Client()
    for url in ("/admin/", "/admin/authorities/agent/", change_url(published_agent)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_contributor_edits_a_draft_but_cannot_publish_it(contributor, draft_agent):
    client = signed_in(contributor)
    response = edit(client, draft_agent, summary="Written by a contributor.", published="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    draft_agent.refresh_from_db()
    assert draft_agent.summary == "Written by a contributor."
    assert draft_agent.published is False
    assert 'name="published"' not in client.get(change_url(draft_agent)).content.decode()


def test_a_contributor_cannot_change_a_published_record(contributor, published_agent):
    client = signed_in(contributor)
    page = client.get(change_url(published_agent))
    assert page.status_code == 200  # a contributor may look at it
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="authorized_name"' not in html
    response = client.post(
        change_url(published_agent),
        {"authorized_name": "Renamed", "identifier": "published-council", "kind": "person"},
    )
    assert response.status_code == 403
    published_agent.refresh_from_db()
    assert published_agent.authorized_name == "Council published-council"


def test_what_a_contributor_adds_is_a_draft(contributor):
    client = signed_in(contributor)
    page = client.get("/admin/authorities/agent/add/")
    data = form_data(page.content, "agent_form")
    for name, value in {
        "identifier": "new-committee",
        "authorized_name": "New Committee",
        "kind": "organization",
        "names-0-name": "Новый комитет",
        "names-0-language": "ru",
        "names-0-script": "Cyrl",
    }.items():
        set_value(data, name, value)
    response = client.post("/admin/authorities/agent/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Agent.objects.get(identifier="new-committee")
    assert added.published is False
    assert list(added.names.values_list("name", "script")) == [("Новый комитет", "Cyrl")]


def test_a_contributor_neither_deletes_nor_publishes(contributor, draft_agent):
    client = signed_in(contributor)
    delete = client.post(f"/admin/authorities/agent/{draft_agent.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Agent.objects.filter(pk=draft_agent.pk).exists()
    listing = client.get("/admin/authorities/agent/").content.decode()
    assert 'value="publish"' not in listing and 'value="delete_selected"' not in listing
    client.post(
        "/admin/authorities/agent/",
        {"action": "publish", "_selected_action": [draft_agent.pk], "index": 0},
    )
    draft_agent.refresh_from_db()
    assert draft_agent.published is False


def test_a_contributor_sees_no_users_no_log_no_reference_requests(contributor):
    client = signed_in(contributor)
    for url in ("/admin/auth/user/", "/admin/staff/signin/", "/admin/pages/referencerequest/"):
        assert client.get(url).status_code == 403, url


def test_an_archivist_changes_and_publishes(archivist, published_agent, draft_agent):
    client = signed_in(archivist)
    response = edit(client, published_agent, summary="Reviewed by an archivist.")
    assert response.status_code == 302
    published_agent.refresh_from_db()
    assert published_agent.summary == "Reviewed by an archivist."
    listing = client.get("/admin/authorities/agent/").content.decode()
    assert 'value="publish"' in listing
    response = client.post(
        "/admin/authorities/agent/",
        {"action": "publish", "_selected_action": [draft_agent.pk], "index": 0},
    )
    assert response.status_code == 302
    draft_agent.refresh_from_db()
    assert draft_agent.published is True


def test_an_archivist_does_not_see_users_or_the_sign_in_log(archivist):
    client = signed_in(archivist)
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/staff/signin/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index and "/admin/staff/signin/" not in index
    assert "/admin/guides/guide/" in index and "/admin/staff/publicationchange/" in index


def test_an_administrator_sees_users_and_the_sign_in_log(administrator):
    client = signed_in(administrator)
    assert client.get("/admin/auth/user/").status_code == 200
    log = client.get("/admin/staff/signin/")
    assert log.status_code == 200
    assert "/admin/staff/signin/add/" not in log.content.decode()  # a log is read-only


def test_every_record_type_has_its_admin(archivist):
    client = signed_in(archivist)
    for url in (
        "/admin/authorities/agent/?q=council",
        "/admin/authorities/namematch/",
        "/admin/timeline/event/",
        "/admin/bibliography/work/",
        "/admin/pages/page/",
        "/admin/findingaids/collection/",
        "/admin/findingaids/component/?q=x",
        "/admin/guides/guide/",
        "/admin/guides/guide/add/",
        "/admin/timeline/event/add/",
        "/admin/bibliography/work/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_is_published_reads_the_field_the_record_has(db):
    agent = Agent(identifier="a", kind="person", authorized_name="A", published=True)
    assert is_published(agent) and is_public(agent)
    mark_unpublished(agent)
    assert agent.published is False and not is_published(agent)
    collection = Collection(identifier="C-1", title="A collection")
    assert is_published(collection)
    collection.internal = True
    assert not is_public(collection)

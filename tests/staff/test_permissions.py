"""The permission matrix: every role × every kind of record in the admin × every
action, through the test client, with the real roles.

Each case does the thing as the role would (a form posted, an action chosen from the
list, a version reverted) and then looks at the database: an allowed action has
happened, a refused one has not, and the admin answered 403 (staff) or sent the
visitor to sign in (anonymous). Forms are read as a superuser and posted as the role,
so a refusal is the server's, not only the page's not offering it. Uploads, dry
runs, loads and finding-aid versions are in tests/workflow/test_permissions.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client

from fonds.authorities.models import Agent, AgentRelation, NameMatch
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component, DigitalObject, InternalNote
from fonds.guides.models import Guide
from fonds.loader import load_paths
from fonds.pages.models import Page
from fonds.publishing.service import set_publication
from fonds.staff.models import ArchivistNote
from fonds.timeline.models import Event
from tests.factories import ead2002, write
from tests.staff.admin_forms import set_value
from tests.staff.permissions import (
    ANONYMOUS,
    EDITORS,
    NOBODY,
    ONLY_ADMINISTRATORS,
    STAFF,
    VISITORS,
    client_for,
    read_form,
    refused,
    rolled_back,
    root_client,
)

pytestmark = pytest.mark.django_db

COMPONENTS = (
    '<c level="series" id="s1"><did><unittitle>Correspondence</unittitle>'
    '<dao xlink:href="https://example.org/letter.jpg" xlink:title="A letter"/></did>'
    "<controlaccess><subject>Emigration</subject></controlaccess>"
    '<processinfo audience="internal"><p>Staff only: boxes to re-house.</p></processinfo>'
    '<c level="file" id="f1"><did><unittitle>Letters, 1971</unittitle>'
    '<container type="box">1</container></did></c>'
    '<c level="file" id="f2"><did><unittitle>Letters, 1972</unittitle>'
    '<container type="box">1</container></did></c></c>'
)
ARCHDESC = "<controlaccess><persname>Rosenblum, Louis</persname></controlaccess>"


@dataclass
class World:
    """The records of the matrix, read afresh each time (a visitor's changes are
    rolled back before the next one comes)."""

    root: Client

    def collection(self) -> Collection:
        return Collection.all_objects.get(identifier="PERM-1")

    def component(self, ref: str) -> Component:
        return Component.all_objects.get(collection__identifier="PERM-1", ref=ref)

    def record(self, kind: str, published: bool = False) -> Any:
        key = "slug" if kind in ("pages", "guides") else "identifier"
        return MODELS[kind].objects.get(
            **{key: f"{'published' if published else 'draft'}-{SUFFIX[kind]}"}
        )

    def relation(self, which: str) -> AgentRelation:
        return AgentRelation.objects.get(source__identifier=f"{which}-council")


SUFFIX = {
    "agents": "council",
    "events": "rally",
    "works": "book",
    "pages": "page",
    "guides": "guide",
}


def make(kind: str, published: bool) -> Any:
    name = "published" if published else "draft"
    if kind == "agents":
        return Agent.objects.create(
            identifier=f"{name}-council",
            kind=Agent.ORGANIZATION,
            authorized_name=f"Council ({name})",
            published=published,
        )
    if kind == "events":
        return Event.objects.create(
            identifier=f"{name}-rally", title=f"Rally ({name})", date="1971", published=published
        )
    if kind == "works":
        return Work.objects.create(
            identifier=f"{name}-book",
            csl={"id": f"{name}-book", "type": "book", "title": f"Book ({name})"},
            title=f"Book ({name})",
            published=published,
        )
    if kind == "pages":
        return Page.objects.create(
            slug=f"{name}-page", title=f"Page ({name})", body="Text.", published=published
        )
    return Guide.objects.create(slug=f"{name}-guide", title=f"Guide ({name})", published=published)


def build(tmp_path) -> World:
    report = load_paths([write(tmp_path / "p.xml", ead2002("PERM-1", COMPONENTS, ARCHDESC))])
    assert report.ok, [r.error for r in report.results]
    records = {kind: (make(kind, False), make(kind, True)) for kind in MODELS}
    other = Agent.objects.create(identifier="other", kind="person", authorized_name="Other")
    for source in records["agents"]:
        AgentRelation.objects.create(source=source, target=other, relation_type="associated_with")
    NameMatch.objects.create(
        text="Rosenblum, Louis",
        kind="persname",
        agent=other,
        score=0.8,
        method="similar",
        matched_name="Other",
        status=NameMatch.UNCERTAIN,
    )
    return World(root=root_client())


# -- doing things, as a role ------------------------------------------------------------


def url(record: Any, view: str = "change") -> str:
    opts = record._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    if view == "changelist":
        return base
    if view == "add":
        return base + "add/"
    return f"{base}{record.pk}/{view}/"


def fresh(record: Any) -> Any:
    return type(record)._base_manager.filter(pk=record.pk).first()


def view_list(client: Client, visitor: str, model: type, **_: Any) -> bool:
    response = client.get(url(model, "changelist"))
    if response.status_code == 200:
        return True
    refused(visitor, response)
    return False


def posted(visitor: str, response: Any, done: bool) -> bool:
    """An allowed post redirects (saved); a refused one is a refusal."""
    if done:
        assert response.status_code == 302, response.content.decode()[:3000]
    else:
        refused(visitor, response)
    return done


def run_action(client: Client, visitor: str, record: Any, action: str) -> Any:
    """Choose ``action`` for ``record`` in its list, as the list's form does."""
    changelist = url(type(record), "changelist")
    page = client.get(changelist)
    offered = page.status_code == 200 and f'value="{action}"' in page.content.decode()
    response = client.post(
        changelist, {"action": action, "_selected_action": [record.pk], "index": 0}
    )
    return offered, response


def action_done(visitor: str, offered: bool, response: Any, done: bool) -> bool:
    if done:
        assert offered, "the action was done without being offered"
        return True
    assert not offered, "a refused action is offered in the list"
    if visitor == ANONYMOUS or response.status_code == 403:
        refused(visitor, response)
    else:  # Django ignores an action it does not offer: the list again, nothing done
        assert response.status_code in (200, 302), response.status_code
    return False


# records staff write: agents, events, works, pages, guides

EDITED_FIELD = {
    "agents": "summary",
    "events": "description",
    "works": "title",
    "pages": "body",
    "guides": "summary",
}
NEW = {
    "agents": {"identifier": "new-one", "authorized_name": "New Council", "kind": "organization"},
    "events": {"identifier": "new-one", "title": "New rally", "date": "1972"},
    "works": {
        "identifier": "new-one",
        "title": "New book",
        "csl": '{"id": "new-one", "type": "book", "title": "New book"}',
    },
    "pages": {"slug": "new-one", "title": "New page", "body": "Text."},
    "guides": {"slug": "new-one", "title": "New guide"},
}
MODELS = {"agents": Agent, "events": Event, "works": Work, "pages": Page, "guides": Guide}
IDENTIFIER = {"agents": "identifier", "events": "identifier", "works": "identifier"}


def form_id(model: type) -> str:
    return f"{model._meta.model_name}_form"


def record_add(client: Client, visitor: str, world: World, kind: str) -> bool:
    model = MODELS[kind]
    data = read_form(world.root, url(model, "add"), form_id(model))
    for name, value in NEW[kind].items():
        set_value(data, name, value)
    set_value(data, "published", "on")  # asked for; a contributor's stays a draft
    response = client.post(url(model, "add"), data)
    key = "slug" if kind in ("pages", "guides") else "identifier"
    added = model.objects.filter(**{key: "new-one"}).first()
    if added is not None and visitor == "contributor":
        assert added.published is False, "a contributor's record must stay a draft"
    return posted(visitor, response, added is not None)


def record_change(client: Client, visitor: str, record: Any, kind: str, root: Client) -> bool:
    field = EDITED_FIELD[kind]
    data = read_form(root, url(record), form_id(type(record)))
    set_value(data, field, "Changed by the role.")
    response = client.post(url(record), data)
    after = fresh(record)
    if getattr(after, field) == "Changed by the role.":
        assert after.published == record.published, "a change must not publish or withdraw"
        return posted(visitor, response, True)
    return posted(visitor, response, False)


def record_form_publish(client: Client, visitor: str, record: Any, root: Client) -> bool:
    """Tick "published" in the draft's own form."""
    data = read_form(root, url(record), form_id(type(record)))
    set_value(data, "published", "on")
    response = client.post(url(record), data)
    if visitor not in (ANONYMOUS,) and response.status_code == 302:
        return bool(fresh(record).published)  # saved: published, or kept a draft
    refused(visitor, response)
    return bool(fresh(record).published)


def record_delete(client: Client, visitor: str, record: Any) -> bool:
    response = client.post(url(record, "delete"), {"post": "yes"})
    return posted(visitor, response, fresh(record) is None)


def record_publish(client: Client, visitor: str, record: Any, publish: bool) -> bool:
    offered, response = run_action(client, visitor, record, "publish" if publish else "unpublish")
    return action_done(visitor, offered, response, fresh(record).published == publish)


def record_revert(client: Client, visitor: str, record: Any, kind: str, root: Client) -> bool:
    """An archivist edits the record; the role then reverts it to how it was."""
    field = EDITED_FIELD[kind]
    before = getattr(record, field)
    data = read_form(root, url(record), form_id(type(record)))
    set_value(data, field, "An edit to undo.")
    assert root.post(url(record), data).status_code == 302
    history = type(record).revisions.filter(id=record.pk).order_by("history_id")
    first = history.first()
    version_url = f"{url(record, 'history')}{first.history_id}/"
    revert = read_form(root, version_url, f"historical{type(record)._meta.model_name}_form")
    response = client.post(version_url, revert)
    return posted(visitor, response, getattr(fresh(record), field) == before)


# collections and components: loaded, read-mostly


def collection_note(client: Client, visitor: str, world: World) -> bool:
    record = world.collection()
    data = read_form(world.root, url(record), "collection_form")
    set_value(data, "archivist_notes-TOTAL_FORMS", "1")
    set_value(data, "archivist_notes-0-text", "Check the donor agreement.")
    response = client.post(url(record), data)
    return posted(visitor, response, ArchivistNote.objects.filter(collection=record).exists())


def component_embargo(client: Client, visitor: str, world: World) -> bool:
    record = world.component("f1")
    data = read_form(world.root, url(record), "component_form")
    later = datetime.date.today() + datetime.timedelta(days=60)
    set_value(data, "embargo_until", later.isoformat())
    response = client.post(url(record), data)
    return posted(visitor, response, fresh(record).embargo_until == later)


def loaded_publish(client: Client, visitor: str, record: Any, publish: bool) -> bool:
    if publish:
        set_publication(record, False)
    offered, response = run_action(client, visitor, record, "publish" if publish else "unpublish")
    return action_done(visitor, offered, response, fresh(record).published == publish)


# what the finding aid holds besides: looked at, never changed here


def part_change(client: Client, visitor: str, record: Any) -> bool:
    before = model_to_dict(record)
    data = {**before, "collection": record.collection_id, "component": record.component_id}
    changed = {name: "changed" for name in ("text", "title", "element") if name in before}
    posted_data = {k: v for k, v in {**data, **changed}.items() if v is not None}
    response = client.post(url(record), posted_data)
    done = model_to_dict(fresh(record)) != before
    return posted(visitor, response, done)


def get_refused_or_ok(client: Client, visitor: str, address: str) -> bool:
    response = client.get(address)
    if response.status_code == 200:
        return True
    refused(visitor, response)
    return False


# relations: edited on their source's page


def relation_add(client: Client, visitor: str, world: World) -> bool:
    agent = world.record("agents")  # a draft
    data = read_form(world.root, url(agent), "agent_form")
    total = int(data["relations_out-TOTAL_FORMS"][0])
    other = Agent.objects.get(identifier="published-council")
    set_value(data, "relations_out-TOTAL_FORMS", str(total + 1))
    set_value(data, f"relations_out-{total}-source", str(agent.pk))
    set_value(data, f"relations_out-{total}-target", str(other.pk))
    set_value(data, f"relations_out-{total}-relation_type", "member_of")
    response = client.post(url(agent), data)
    added = AgentRelation.objects.filter(source=agent, target=other).exists()
    return posted(visitor, response, added)


def relation_change(client: Client, visitor: str, world: World, which: str) -> bool:
    relation = world.relation(which)
    agent = relation.source
    data = read_form(world.root, url(agent), "agent_form")
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("relations_out-") and key.endswith("-id") and value == [str(relation.pk)]
    )
    set_value(data, f"relations_out-{index}-note", "Noted by the role.")
    response = client.post(url(agent), data)
    return posted(visitor, response, fresh(relation).note == "Noted by the role.")


# users


def user_add(client: Client, visitor: str, world: World) -> bool:
    data = read_form(world.root, "/admin/auth/user/add/", "user_form")
    for name, value in {
        "username": "newcomer",
        "password1": "a very long password 99",
        "password2": "a very long password 99",
    }.items():
        set_value(data, name, value)
    response = client.post("/admin/auth/user/add/", data)
    return posted(visitor, response, get_user_model().objects.filter(username="newcomer").exists())


def some_user() -> Any:
    return get_user_model().objects.create_user("someone", password="another password 77")


def user_change(client: Client, visitor: str, world: World) -> bool:
    user = some_user()
    address = f"/admin/auth/user/{user.pk}/change/"
    data = read_form(world.root, address, "user_form")
    set_value(data, "is_staff", "on")
    response = client.post(address, data)
    return posted(visitor, response, get_user_model().objects.get(pk=user.pk).is_staff)


def user_delete(client: Client, visitor: str, world: World) -> bool:
    user = some_user()
    response = client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    return posted(visitor, response, not get_user_model().objects.filter(pk=user.pk).exists())


# -- the matrix ---------------------------------------------------------------------------

Act = Callable[[Client, str, World], bool]
MATRIX: dict[tuple[str, str], tuple[frozenset[str], Act]] = {
    ("collections", "view"): (STAFF, lambda c, v, w: view_list(c, v, Collection)),
    ("collections", "add"): (
        NOBODY,
        lambda c, v, w: get_refused_or_ok(c, v, "/admin/findingaids/collection/add/"),
    ),
    ("collections", "change"): (EDITORS, collection_note),
    ("collections", "delete"): (EDITORS, lambda c, v, w: record_delete(c, v, w.collection())),
    ("collections", "publish"): (
        EDITORS,
        lambda c, v, w: loaded_publish(c, v, w.collection(), True),
    ),
    ("collections", "unpublish"): (
        EDITORS,
        lambda c, v, w: loaded_publish(c, v, w.collection(), False),
    ),
    ("components", "view"): (STAFF, lambda c, v, w: view_list(c, v, Component)),
    ("components", "add"): (
        NOBODY,
        lambda c, v, w: get_refused_or_ok(c, v, "/admin/findingaids/component/add/"),
    ),
    ("components", "change"): (EDITORS, component_embargo),
    ("components", "delete"): (NOBODY, lambda c, v, w: record_delete(c, v, w.component("f2"))),
    ("components", "publish"): (
        EDITORS,
        lambda c, v, w: loaded_publish(c, v, w.component("f1"), True),
    ),
    ("components", "unpublish"): (
        EDITORS,
        lambda c, v, w: loaded_publish(c, v, w.component("f1"), False),
    ),
    ("relations", "view"): (
        STAFF,
        lambda c, v, w: get_refused_or_ok(c, v, url(w.relation("published"))),
    ),
    ("relations", "add"): (STAFF, relation_add),
    ("relations", "change draft"): (STAFF, lambda c, v, w: relation_change(c, v, w, "draft")),
    ("relations", "change published"): (
        EDITORS,
        lambda c, v, w: relation_change(c, v, w, "published"),
    ),
    ("relations", "delete"): (
        EDITORS,
        lambda c, v, w: record_delete(c, v, w.relation("draft")),
    ),
    ("name matches", "view"): (STAFF, lambda c, v, w: view_list(c, v, NameMatch)),
    ("name matches", "confirm"): (
        EDITORS,
        lambda c, v, w: action_done(
            v,
            *run_action(c, v, NameMatch.objects.get(), "confirm"),
            NameMatch.objects.get().status == NameMatch.CONFIRMED,
        ),
    ),
    ("users", "view"): (ONLY_ADMINISTRATORS, lambda c, v, w: view_list(c, v, get_user_model())),
    ("users", "add"): (ONLY_ADMINISTRATORS, user_add),
    ("users", "change"): (ONLY_ADMINISTRATORS, user_change),
    ("users", "delete"): (ONLY_ADMINISTRATORS, user_delete),
    ("sign-in log", "view"): (
        ONLY_ADMINISTRATORS,
        lambda c, v, w: get_refused_or_ok(c, v, "/admin/staff/signin/"),
    ),
    ("publication changes", "view"): (
        EDITORS,
        lambda c, v, w: get_refused_or_ok(c, v, "/admin/staff/publicationchange/"),
    ),
}

for _kind in MODELS:

    def _record(w: World, kind: str = _kind, published: bool = False) -> Any:
        return w.record(kind, published)

    MATRIX.update(
        {
            (_kind, "view"): (STAFF, lambda c, v, w, k=_kind: view_list(c, v, MODELS[k])),
            (_kind, "add"): (STAFF, lambda c, v, w, k=_kind: record_add(c, v, w, k)),
            (_kind, "change draft"): (
                STAFF,
                lambda c, v, w, k=_kind: record_change(c, v, _record(w, k), k, w.root),
            ),
            (_kind, "change published"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_change(c, v, _record(w, k, True), k, w.root),
            ),
            (_kind, "publish in its form"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_form_publish(c, v, _record(w, k), w.root),
            ),
            (_kind, "publish"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_publish(c, v, _record(w, k), True),
            ),
            (_kind, "unpublish"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_publish(c, v, _record(w, k, True), False),
            ),
            (_kind, "delete"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_delete(c, v, _record(w, k)),
            ),
            (_kind, "revert draft"): (
                STAFF,
                lambda c, v, w, k=_kind: record_revert(c, v, _record(w, k), k, w.root),
            ),
            (_kind, "revert published"): (
                EDITORS,
                lambda c, v, w, k=_kind: record_revert(c, v, _record(w, k, True), k, w.root),
            ),
        }
    )

PARTS: dict[str, type] = {
    "access terms": AccessTerm,
    "digital objects": DigitalObject,
    "internal notes": InternalNote,
}
for _name, _model in PARTS.items():
    _viewers = EDITORS if _model is InternalNote else STAFF  # internal: not contributors'

    def _part(m: type = _model) -> Any:
        manager = getattr(m, "all_objects", m._default_manager)
        return manager.first()

    MATRIX.update(
        {
            (_name, "view"): (_viewers, lambda c, v, w, m=_model: view_list(c, v, m)),
            (_name, "add"): (
                NOBODY,
                lambda c, v, w, m=_model: get_refused_or_ok(c, v, url(m, "add")),
            ),
            (_name, "change"): (NOBODY, lambda c, v, w, p=_part: part_change(c, v, p())),
            (_name, "delete"): (NOBODY, lambda c, v, w, p=_part: record_delete(c, v, p())),
        }
    )


@pytest.mark.parametrize("subject", sorted({subject for subject, _ in MATRIX}))
def test_the_permission_matrix(tmp_path, subject):
    """For one kind of record, every action by every visitor, each undone before the
    next; every disagreement with the matrix is reported, not only the first."""
    world = build(tmp_path)
    clients = {visitor: client_for(visitor) for visitor in VISITORS}
    wrong = []
    cases = 0
    for (kind, action), (allowed, act) in sorted(MATRIX.items()):
        if kind != subject:
            continue
        for visitor in VISITORS:
            cases += 1
            expected = visitor in allowed
            try:
                with rolled_back():
                    done = act(clients[visitor], visitor, world)
            except AssertionError as error:
                wrong.append(f"{visitor} / {action}: {error}")
                continue
            if done is not expected:
                verb = "may" if expected else "may not"
                wrong.append(
                    f"{visitor} / {action}: a(n) {visitor} {verb} do this, but "
                    f"{'did not' if expected else 'did'}"
                )
    assert cases >= 4
    assert not wrong, f"{subject}:\n" + "\n".join(wrong)


def test_every_kind_of_record_is_in_the_matrix():
    subjects = {subject for subject, _ in MATRIX}
    assert subjects >= {
        "collections",
        "components",
        "agents",
        "relations",
        "events",
        "works",
        "pages",
        "guides",
        "users",
    }
    for kind in MODELS:
        assert {a for s, a in MATRIX if s == kind} >= {"publish", "unpublish", "revert published"}


@pytest.mark.parametrize("visitor", ["contributor", "archivist"])
def test_the_index_shows_each_role_what_it_may_use(visitor):
    html = client_for(visitor).get("/admin/").content.decode()
    for address in ("/admin/authorities/agent/", "/admin/guides/guide/", "/admin/pages/page/"):
        assert address in html
    assert "/admin/auth/user/" not in html and "/admin/staff/signin/" not in html
    if visitor == "contributor":
        assert "/admin/workflow/uploadjob/" not in html
        assert "/admin/findingaids/internalnote/" not in html
    else:
        assert "/admin/workflow/uploadjob/" in html

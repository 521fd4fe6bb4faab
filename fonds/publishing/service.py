"""Changing what the public sees: the database first, the search index after.

``set_publication()`` is what the admin actions and scripts call; saving a record
whose ``published`` or ``embargo_until`` changed (an admin form, the shell) comes
here too, through :meth:`fonds.publishing.models.Publishable.save`. Either way, in
the transaction of the change, the components a change reaches get their inherited
state (:func:`refresh_tree`) and the search documents it touches are queued
(:func:`fonds.search.service.enqueue`); after the commit the index is brought up to
date (:func:`fonds.search.service.sync`). A crash in between leaves the tasks
queued for the next ``fonds`` command.

Embargoes end by themselves: pages and the index compare dates with today's (see
:mod:`fonds.publishing.models`), so nothing has to run on the day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from .models import Publishable

# Component states that are not the default: kept across a reload of the finding aid.
State = tuple[bool, datetime.date | None]
BATCH = 2000


def set_publication(
    record: Publishable,
    published: bool,
    embargo_until: datetime.date | None = None,
    user: Any = None,
) -> bool:
    """Publish or hide ``record`` (and, for a collection or component, everything in
    it); return whether anything changed. ``user`` is who did it, for the log."""
    with transaction.atomic():
        record.published = published
        record.embargo_until = embargo_until
        record.save()  # Publishable.save: stamps the change and calls publication_changed
        changed = bool(getattr(record, "_publication_was_changed", False))
    if changed and user is not None:
        _log(record, user)
    return changed


def publication_changed(record: Publishable) -> None:
    """What follows a change of ``record``'s state, inside the caller's transaction."""
    from fonds.search.service import enqueue

    enqueue(*owners_of(record))
    kind = type(record).__name__
    if kind == "Component":
        refresh_tree(record.collection_id)  # type: ignore[attr-defined]
        _touch_collection(record.collection_id)  # type: ignore[attr-defined]
    transaction.on_commit(_sync)


def owners_of(record: Publishable) -> list[str]:
    """The search index owners whose documents a change of ``record`` changes."""
    from fonds.authorities.models import Appearance
    from fonds.findingaids.models import Collection

    kind = type(record).__name__
    identifier = str(getattr(record, "identifier", ""))
    if kind == "Collection":
        return [f"collection:{identifier}"]
    if kind == "Component":
        collection = Collection.all_objects.get(pk=record.collection_id)  # type: ignore[attr-defined]
        return [f"collection:{collection.identifier}"]
    if kind == "Agent":
        # its names are indexed with the records that name it, as variants
        named_in = (
            Appearance.objects.filter(agent_id=record.pk)
            .values_list("collection__identifier", flat=True)
            .distinct()
        )
        return [f"agent:{identifier}", *(f"collection:{c}" for c in named_in)]
    if kind in ("Event", "Work"):
        return [f"{kind.lower()}:{identifier}"]
    return []  # pages are not in the search index


def content_changed(record: Any) -> None:
    """A record saved in the admin, or about to be deleted: its search documents are
    queued inside the caller's transaction and the index is brought up to date after
    the commit (a deleted record's documents go). Call it before a delete: the owners
    of an organization's documents are read from the collections it appears in."""
    from fonds.search.service import enqueue

    owners = owners_of(record)
    if owners:
        enqueue(*owners)
        transaction.on_commit(_sync)


def refresh_tree(collection_id: int) -> int:
    """Give each component of a collection the state it inherits (``withdrawn`` when
    it or a component above it is a draft; ``release_date``, the latest embargo of it
    and those above it); return how many rows changed. One pass in document order."""
    from fonds.findingaids.models import Component

    rows = Component.all_objects.filter(collection_id=collection_id)
    special = Q(published=False) | Q(embargo_until__isnull=False)
    if not rows.filter(special | Q(withdrawn=True) | Q(release_date__isnull=False)).exists():
        return 0  # the usual case: nothing is held back, nothing was
    stack: list[tuple[int, bool, datetime.date | None]] = []  # subtree_end, state
    changed: list[Component] = []
    for pk, sequence, end, published, embargo, withdrawn, release in rows.order_by(
        "sequence"
    ).values_list(
        "pk",
        "sequence",
        "subtree_end",
        "published",
        "embargo_until",
        "withdrawn",
        "release_date",
    ):
        while stack and stack[-1][0] < sequence:
            stack.pop()
        above_withdrawn, above_release = (stack[-1][1], stack[-1][2]) if stack else (False, None)
        now_withdrawn = above_withdrawn or not published
        now_release = _later(above_release, embargo)
        if (now_withdrawn, now_release) != (withdrawn, release):
            changed.append(Component(pk=pk, withdrawn=now_withdrawn, release_date=now_release))
        stack.append((end, now_withdrawn, now_release))
    Component.all_objects.bulk_update(changed, ["withdrawn", "release_date"], batch_size=BATCH)
    return len(changed)


def _later(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return max(a, b) if a and b else a or b


def _touch_collection(collection_id: int) -> None:
    """A component's change changes its collection's record (EAD, OAI datestamp)."""
    from django.utils import timezone

    from fonds.findingaids.models import Collection

    Collection.all_objects.filter(pk=collection_id).update(updated_at=timezone.now())


def _sync() -> None:
    from fonds.search.service import sync

    sync()


def _log(record: Publishable, user: Any) -> None:
    """An entry in the admin's history of the record."""
    from django.contrib.admin.models import CHANGE, LogEntry

    if not getattr(user, "pk", None):
        return
    message = f"Publication: {record.publication_status}"
    if record.embargo_until:
        message += f" (embargo until {record.embargo_until:%Y-%m-%d})"
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[record],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


# -- keeping component states across a reload ---------------------------------------------


def remember(collection_id: int) -> dict[str, State]:
    """The components of a collection that are drafts or under embargo, by ref."""
    from fonds.findingaids.models import Component

    rows = Component.all_objects.filter(collection_id=collection_id).filter(
        Q(published=False) | Q(embargo_until__isnull=False)
    )
    return {
        ref: (published, embargo)
        for ref, published, embargo in rows.values_list("ref", "published", "embargo_until")
    }


def restore(collection_id: int, states: dict[str, State]) -> None:
    """Give the components loaded again the states they had, by ref, and refresh the
    tree (a collection loaded again inside a draft collection stays hidden)."""
    from fonds.findingaids.models import Component

    if states:
        found = Component.all_objects.filter(collection_id=collection_id, ref__in=list(states))
        rows = []
        for component in found.only("pk", "ref"):
            component.published, component.embargo_until = states[component.ref]
            rows.append(component)
        Component.all_objects.bulk_update(rows, ["published", "embargo_until"], batch_size=BATCH)
    refresh_tree(collection_id)


def refresh_all(collection_ids: Iterable[int] | None = None) -> int:
    """Refresh the trees of every collection (repairs rows changed by ``update()``)."""
    from fonds.findingaids.models import Collection

    ids = collection_ids or Collection.all_objects.values_list("pk", flat=True)
    return sum(refresh_tree(pk) for pk in ids)

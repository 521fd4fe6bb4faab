"""A guide as the public sees it: only entries whose record is public, in order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from fonds.findingaids.models import Component
from fonds.staff.roles import is_public

from .models import Guide, GuideEntry


@dataclass(frozen=True)
class PublicEntry:
    kind: str  # collection, component, agent, event, work
    label: str  # what the reader is told it is: "Collection", "Person", "Folder"...
    title: str
    url: str
    dates: str
    context: str  # the collection a component belongs to, a work's authors
    note: str  # Markdown
    record: Any


def _component_key(entry: GuideEntry) -> tuple[int, str]:
    return (entry.collection_id or 0, entry.component_ref)


def public_entries(guide: Guide) -> list[PublicEntry]:
    entries = list(guide.entries.select_related("collection", "agent", "event", "work"))
    wanted = [e for e in entries if e.component_ref and e.collection_id]
    components: dict[tuple[int, str], Component] = {}
    if wanted:
        query = reduce(or_, (Q(collection_id=e.collection_id, ref=e.component_ref) for e in wanted))
        for component in Component.objects.filter(query).select_related("collection"):
            components[(component.collection_id, component.ref)] = component
    shown = []
    for entry in entries:
        shown_entry = _present(entry, components)
        if shown_entry is not None:
            shown.append(shown_entry)
    return shown


def _present(entry: GuideEntry, components: dict[tuple[int, str], Component]) -> PublicEntry | None:
    if entry.agent is not None:
        agent = entry.agent
        if not is_public(agent):
            return None
        return PublicEntry(
            "agent", agent.get_kind_display().capitalize(), agent.authorized_name,
            agent.get_absolute_url(), agent.existence, "", entry.note, agent,
        )  # fmt: skip
    if entry.event is not None:
        event = entry.event
        if not is_public(event):
            return None
        return PublicEntry(
            "event", "Event", event.title, event.get_absolute_url(), event.date_label,
            event.place, entry.note, event,
        )  # fmt: skip
    if entry.work is not None:
        work = entry.work
        if not is_public(work):
            return None
        year = str(work.issued_year or "")
        return PublicEntry(
            "work", "Publication", work.title or work.identifier, work.get_absolute_url(),
            year, work.creators_text, entry.note, work,
        )  # fmt: skip
    collection = entry.collection
    if collection is None or not is_public(collection):
        return None
    if not entry.component_ref:
        return PublicEntry(
            "collection", "Collection", collection.display_title,
            collection.get_absolute_url(), collection.date_text, collection.unitid,
            entry.note, collection,
        )  # fmt: skip
    component = components.get(_component_key(entry))
    if component is None or not is_public(component):
        return None
    return PublicEntry(
        "component", (component.level or "component").capitalize(), component.display_title,
        component.get_absolute_url(), component.date_text, collection.display_title,
        entry.note, component,
    )  # fmt: skip

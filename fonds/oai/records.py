"""The items of the repository: what is public, its identifiers, datestamps and sets.

Items are every public collection, every published roster record, every published
event and work, identified as ``oai:{OAI_REPOSITORY_IDENTIFIER}:{type}/{identifier}``.
Lists run through the record types in a fixed order (collections, roster records,
events, works), each ordered by identifier: a page ends at a (type, identifier)
key from which the next page goes on (see :mod:`fonds.oai.tokens`).

Datestamps: a collection's and a roster record's ``updated_at``. Events and works
keep no time of change; they share one stable datestamp, the earliest ``updated_at``
of any collection or roster record (the time the archive was first loaded), or
1970-01-01T00:00:00Z when there is none. It only moves forward (when that record
changes or goes), so a harvester that harvests from a date never misses them.

Sets: ``collection`` (every collection), ``collection:{identifier}`` (that
collection's record), ``agent``, ``event`` and ``work`` (by record type).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.db.models import Min, QuerySet

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection
from fonds.timeline.models import Event

from .metadata import MetadataFormat
from .protocol import Window, to_second

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
KINDS = ("collection", "agent", "event", "work")
SET_NAMES = {
    "collection": "Collections (finding aids)",
    "agent": "Roster: organizations, people and families",
    "event": "Timeline events",
    "work": "Bibliography",
}
_SAFE = "-_.!~*'()"


def repository_identifier() -> str:
    return str(settings.OAI_REPOSITORY_IDENTIFIER)


def oai_identifier(kind: str, identifier: str) -> str:
    return f"oai:{repository_identifier()}:{kind}/{quote(identifier, safe=_SAFE)}"


def parse_identifier(value: str) -> tuple[str, str] | None:
    """(record type, identifier) of an OAI identifier of this repository, or None."""
    prefix = f"oai:{repository_identifier()}:"
    if not value.startswith(prefix):
        return None
    kind, _, local = value[len(prefix) :].partition("/")
    if kind not in KINDS or not local:
        return None
    return kind, unquote(local)


def public_rows(kind: str) -> QuerySet[Any]:
    """Every public row of a record type, in identifier order."""
    rows: QuerySet[Any]
    if kind == "collection":
        rows = Collection.objects.all()
    elif kind == "agent":
        rows = Agent.objects.filter(published=True)
    elif kind == "event":
        rows = Event.objects.filter(published=True)
    else:
        rows = Work.objects.filter(published=True)
    return rows.order_by("identifier")


def with_details(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows with what their full records read, fetched in a few queries."""
    from django.db.models import Prefetch

    if kind == "collection":
        terms = AccessTerm.objects.filter(component__isnull=True).order_by("position")
        return rows.prefetch_related(Prefetch("terms", queryset=terms))
    if kind == "agent":
        return rows.prefetch_related("names", "relations_out__target", "relations_in__source")
    if kind == "event":
        return rows.prefetch_related("agents", "collections")
    return rows.prefetch_related("agents", "events")


class Stamps:
    """Datestamps, with the one events and works share computed once per request."""

    def __init__(self) -> None:
        self._shared: datetime.datetime | None = None

    @property
    def shared(self) -> datetime.datetime:
        if self._shared is None:
            found = [
                value
                for value in (
                    Collection.all_objects.aggregate(first=Min("updated_at"))["first"],
                    Agent.objects.aggregate(first=Min("updated_at"))["first"],
                )
                if value is not None
            ]
            self._shared = to_second(min(found)) if found else EPOCH
        return self._shared

    def of(self, kind: str, record: Any) -> datetime.datetime:
        if kind in ("collection", "agent"):
            return to_second(record.updated_at)
        return self.shared

    @property
    def earliest(self) -> datetime.datetime:
        """A lower limit of every datestamp in the repository."""
        return self.shared


@dataclass(frozen=True)
class Item:
    kind: str
    record: Any
    datestamp: datetime.datetime

    @property
    def identifier(self) -> str:
        return oai_identifier(self.kind, self.record.identifier)

    @property
    def sets(self) -> list[str]:
        if self.kind == "collection":
            return ["collection", f"collection:{self.record.identifier}"]
        return [self.kind]

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, str(self.record.identifier))


def find(value: str, stamps: Stamps) -> Item | None:
    parsed = parse_identifier(value)
    if parsed is None:
        return None
    kind, identifier = parsed
    record = with_details(kind, public_rows(kind)).filter(identifier=identifier).first()
    return Item(kind, record, stamps.of(kind, record)) if record is not None else None


@dataclass(frozen=True)
class Selection:
    """What a ListIdentifiers or ListRecords request asks for."""

    format: MetadataFormat
    window: Window
    set_spec: str | None = None

    def kinds(self) -> list[str]:
        wanted = self.set_spec.split(":")[0] if self.set_spec else None
        return [k for k in KINDS if k in self.format.kinds and wanted in (None, k)]

    def rows(self, kind: str, stamps: Stamps) -> QuerySet[Any]:
        rows = self.format.restrict(kind, public_rows(kind))
        if self.set_spec and ":" in self.set_spec:
            group, _, identifier = self.set_spec.partition(":")
            if kind != "collection" or group != "collection" or ":" in identifier:
                return rows.none()
            rows = rows.filter(identifier=identifier)
        if kind in ("collection", "agent"):
            if self.window.start is not None:
                rows = rows.filter(updated_at__gte=self.window.start)
            if self.window.end is not None:
                rows = rows.filter(updated_at__lt=self.window.end)
        elif not self.window.holds(stamps.shared):
            rows = rows.none()
        return rows

    def count(self, stamps: Stamps) -> int:
        return sum(self.rows(kind, stamps).count() for kind in self.kinds())

    def page(
        self, after: tuple[str, str] | None, size: int, stamps: Stamps, full: bool
    ) -> tuple[list[Item], bool]:
        """Up to ``size`` items after the key ``after``, and whether more follow."""
        items: list[Item] = []
        for kind in self.kinds():
            if after and KINDS.index(kind) < KINDS.index(after[0]):
                continue
            rows = self.rows(kind, stamps)
            if after and kind == after[0]:
                rows = rows.filter(identifier__gt=after[1])
            rows = with_details(kind, rows) if full else rows
            for record in rows[: size + 1 - len(items)]:
                items.append(Item(kind, record, stamps.of(kind, record)))
            if len(items) > size:
                return items[:size], True
        return items, False


# -- sets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetEntry:
    spec: str
    name: str
    key: tuple[str, str]  # (group, identifier) in list order
    collection: Any = None  # the collection of a collection:{identifier} set


GROUPS = ("collection", "collection:", "agent", "event", "work")


def known_set(spec: str) -> bool:
    if spec in SET_NAMES:
        return True
    group, _, identifier = spec.partition(":")
    return group == "collection" and Collection.objects.filter(identifier=identifier).exists()


def sets_after(after: tuple[str, str] | None, limit: int) -> list[SetEntry]:
    """Up to ``limit`` sets in list order, from the one after the key ``after``."""
    found: list[SetEntry] = []
    start = GROUPS.index(after[0]) if after else 0
    for index, group in enumerate(GROUPS):
        if len(found) >= limit:
            break
        if index < start or (after and index == start and group != "collection:"):
            continue
        if group != "collection:":
            found.append(SetEntry(group, SET_NAMES[group], (group, "")))
            continue
        rows = public_rows("collection").only("identifier", "title", "date_text", "abstract")
        if after and index == start:
            rows = rows.filter(identifier__gt=after[1])
        found += [
            SetEntry(
                f"collection:{collection.identifier}",
                f"Collection: {collection.display_title}",
                (group, collection.identifier),
                collection,
            )
            for collection in rows[: limit - len(found)]
        ]
    return found

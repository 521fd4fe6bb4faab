"""The items of the repository: what is public, its identifiers, datestamps and sets.

Items are every public collection, every published roster record, every published
event and work, identified as ``oai:{OAI_REPOSITORY_IDENTIFIER}:{type}/{identifier}``.
A record taken back (a draft again, or under embargo) stays an item, as a deleted
record: its header alone, with ``status="deleted"``, until it is public again
(``deletedRecord`` is "transient": a record deleted from the database, or marked
internal, is not remembered). See docs/publishing.md.
Lists run through the record types in a fixed order (collections, roster records,
events, works), each ordered by identifier: a page ends at a (type, identifier)
key from which the next page goes on (see :mod:`fonds.oai.tokens`).

Datestamps: a collection's and a roster record's ``updated_at``. Events and works
keep no time of change; they share one stable datestamp, the earliest ``updated_at``
of any collection or roster record (the time the archive was first loaded), or
1970-01-01T00:00:00Z when there is none. It only moves forward (when that record
changes or goes), so a harvester that harvests from a date never misses them.
A record published or taken back since has that time (``publication_changed_at``)
when it is later; one whose embargo ended (or, for a collection, one of whose
components' embargo ended) has the start of that day, when it is later: a harvester
that harvests from a date sees it come.

Sets: ``collection`` (every collection), ``collection:{identifier}`` (that
collection's record), ``agent``, ``event`` and ``work`` (by record type).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component
from fonds.publishing.models import today
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
        rows = Agent.objects.public()
    elif kind == "event":
        rows = Event.objects.public()
    else:
        rows = Work.objects.public()
    return rows.order_by("identifier")


def known_rows(kind: str) -> QuerySet[Any]:
    """The items of a record type: the public rows, and those taken back (not internal),
    in identifier order; a collection knows when its components' embargoes ended."""
    rows: QuerySet[Any]
    if kind == "collection":
        released = Component.all_objects.filter(
            collection=OuterRef("pk"),
            internal=False,
            published=True,
            withdrawn=False,
            release_date__lte=today(),
        ).order_by("-release_date")
        rows = Collection.all_objects.filter(internal=False).annotate(
            components_released=Subquery(released.values("release_date")[:1])
        )
    else:
        model: Any = {"agent": Agent, "event": Event, "work": Work}[kind]
        rows = model.objects.all()
    return rows.order_by("identifier")


def with_details(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows with what their full records read, fetched in a few queries."""
    from django.db.models import Prefetch

    if kind == "collection":
        terms = AccessTerm.objects.filter(component__isnull=True).order_by("position")
        return rows.prefetch_related(Prefetch("terms", queryset=terms))
    if kind == "agent":
        return rows.prefetch_related(
            "names",
            "relations_out__target",
            "relations_in__source",
            Prefetch("appearances", queryset=created_appearances(), to_attr="created"),
        )
    if kind == "event":
        return rows.prefetch_related("agents", "collections")
    return rows.prefetch_related("agents", "events")


def created_appearances() -> QuerySet[Any]:
    """The appearances of roster records as the creators of public collections, in
    collection order: the collections a record's Dublin Core relates it to."""
    from fonds.authorities.models import Appearance

    return (
        Appearance.objects.filter(role=Appearance.CREATOR, collection__in=Collection.objects.all())
        .select_related("collection")
        .order_by("collection__identifier")
    )


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
        stamp = to_second(record.updated_at) if kind in ("collection", "agent") else self.shared
        if record.publication_changed_at is not None:
            stamp = max(stamp, to_second(record.publication_changed_at))
        for day in _release_days(record):
            stamp = max(stamp, start_of(day))
        return stamp

    @property
    def earliest(self) -> datetime.datetime:
        """A lower limit of every datestamp in the repository."""
        return self.shared


def start_of(day: datetime.date) -> datetime.datetime:
    """The first second of a day in the archive's time zone, in UTC."""
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start).astimezone(datetime.UTC)


def first_day_from(moment: datetime.datetime) -> datetime.date:
    """The first day whose start is at ``moment`` or later."""
    local = timezone.localtime(moment)
    day = local.date()
    return day if local.time() == datetime.time.min else day + datetime.timedelta(days=1)


def _release_days(record: Any) -> list[datetime.date]:
    """The days (now past) an embargo of the record, or in it, ended."""
    now = today()
    days = [record.embargo_until, getattr(record, "components_released", None)]
    return [d for d in days if d is not None and d <= now]


def _window_q(kind: str, window: Window) -> Q:
    """The rows whose datestamp (:meth:`Stamps.of`) falls in ``window``, but for the
    shared datestamp of events and works (the caller weighs that)."""
    now = today()
    with_base = kind in ("collection", "agent")  # the row's own updated_at counts
    dated = ["embargo_until"] + (["components_released"] if kind == "collection" else [])
    query = Q()
    if window.start is not None:
        first = first_day_from(window.start)
        later = Q(publication_changed_at__gte=window.start)
        if with_base:
            later |= Q(updated_at__gte=window.start)
        for name in dated:
            later |= Q(**{f"{name}__gte": first, f"{name}__lte": now})
        query &= later
    if window.end is not None:
        last = first_day_from(window.end)
        query &= Q(publication_changed_at__isnull=True) | Q(publication_changed_at__lt=window.end)
        if with_base:
            query &= Q(updated_at__lt=window.end)
        for name in dated:
            query &= (
                Q(**{f"{name}__isnull": True})
                | Q(**{f"{name}__gt": now})
                | Q(**{f"{name}__lt": last})
            )
    return query


@dataclass(frozen=True)
class Item:
    kind: str
    record: Any
    datestamp: datetime.datetime

    @property
    def deleted(self) -> bool:
        """Taken back from the public: shown as a deleted record, its header alone."""
        return not self.record.is_public

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
    record = with_details(kind, known_rows(kind)).filter(identifier=identifier).first()
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
        rows = self.format.restrict(kind, known_rows(kind))
        if self.set_spec and ":" in self.set_spec:
            group, _, identifier = self.set_spec.partition(":")
            if kind != "collection" or group != "collection" or ":" in identifier:
                return rows.none()
            rows = rows.filter(identifier=identifier)
        if kind in ("collection", "agent"):
            rows = rows.filter(_window_q(kind, self.window))
        elif self.window.end is not None and stamps.shared >= self.window.end:
            rows = rows.none()
        elif self.window.start is None or stamps.shared < self.window.start:
            # the shared datestamp is before the window: records changed since are in
            rows = rows.filter(_window_q(kind, self.window))
        elif self.window.end is not None:
            rows = rows.filter(_window_q(kind, Window(None, self.window.end)))
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
    # a collection taken back keeps its set: a harvest of it learns it was deleted
    return group == "collection" and known_rows("collection").filter(identifier=identifier).exists()


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

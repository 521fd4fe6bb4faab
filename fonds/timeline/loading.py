"""Loading timeline events (YAML, CSV, TimelineJS JSON) into the database.

Events are identified by their id: loading again updates them in place. Links to
roster records, collections and components are made when those exist; a link to
something not loaded is reported as a warning and left out, so a timeline can be
loaded before or after what it points to (load again to make the links).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from fonds.authorities.models import Agent
from fonds.findingaids.models import Collection
from fonds.fitting import check_fits
from fonds.formats.edtf_dates import parse as parse_edtf
from fonds.formats.timeline import EventRecord

from .models import Event, EventComponent


@dataclass
class EventsOutcome:
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "replaced" if self.updated else "loaded"

    @property
    def count(self) -> int:
        return self.created + self.updated


@transaction.atomic
def save_events(records: Iterable[EventRecord], path: str) -> EventsOutcome:
    outcome = EventsOutcome()
    agents = dict(Agent.objects.values_list("identifier", "id"))
    collections = dict(Collection.objects.values_list("identifier", "id"))
    for record in records:
        date = parse_edtf(record.date)
        defaults = {
            "title": record.title,
            "date": date.edtf,
            "sort_date": date.lower,
            "end_date": date.upper,
            "place": record.place,
            "description": record.description,
            "language": record.language or "",
            "media": record.media or {},
            "sources": record.sources,
        }
        check_fits(
            Event,
            {"identifier": record.identifier, "date": record.date, **defaults},
            what=f"event {record.identifier}",
            path=path,
            line=record.sourceline,
        )
        event, created = Event.objects.update_or_create(
            identifier=record.identifier, defaults=defaults
        )
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
        where = f"{path}:{record.sourceline}" if record.sourceline else path

        def missing(
            what: str, value: str, record: EventRecord = record, where: str = where
        ) -> None:
            outcome.warnings.append(
                f"{where}: warning: event {record.identifier} names {what} {value!r}, "
                "which is not loaded; link left out"
            )

        event.agents.set([agents[a] for a in record.agents if a in agents])
        for value in record.agents:
            if value not in agents:
                missing("roster record", value)
        event.collections.set([collections[c] for c in record.collections if c in collections])
        for value in record.collections:
            if value not in collections:
                missing("collection", value)
        event.component_links.all().delete()
        for value in record.components:
            identifier, _, ref = value.partition("/")
            if identifier in collections and ref:
                check_fits(
                    EventComponent,
                    {"component_ref": ref},
                    what=f"event {record.identifier}, component {value}",
                    path=path,
                    line=record.sourceline,
                )
                EventComponent.objects.create(
                    event=event, collection_id=collections[identifier], component_ref=ref
                )
            else:
                missing("component", value)
    return outcome

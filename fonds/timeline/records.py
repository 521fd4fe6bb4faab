"""Timeline rows as format records, for the exporters."""

from __future__ import annotations

from fonds.formats.timeline import EventRecord

from .models import Event


def event_record(event: Event) -> EventRecord:
    return EventRecord(
        identifier=event.identifier,
        title=event.title,
        date=event.date,
        place=event.place,
        description=event.description,
        language=event.language or None,
        agents=[a.identifier for a in event.agents.all()],
        collections=[c.identifier for c in event.collections.all()],
        components=[
            f"{link.collection.identifier}/{link.component_ref}"
            for link in event.component_links.select_related("collection")
        ],
        sources=list(event.sources),
        media=dict(event.media),
    )

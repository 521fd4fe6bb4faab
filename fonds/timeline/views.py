"""The timeline: events by decade, each with what the archive holds about it."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fonds.exports.http import export_response
from fonds.findingaids.models import Component

from .models import Event


def _decade(event: Event) -> int | None:
    return event.sort_date.year // 10 * 10 if event.sort_date else None


def timeline(request: HttpRequest) -> HttpResponse:
    events = Event.objects.public().prefetch_related("agents")
    agent = request.GET.get("agent", "")
    if agent:
        events = events.filter(agents__identifier=agent)
    by_decade: dict[int | None, list[Event]] = defaultdict(list)
    for event in events.order_by("sort_date", "title"):
        by_decade[_decade(event)].append(event)
    chosen = request.GET.get("decade", "")
    decades = sorted(d for d in by_decade if d is not None)
    shown = {d: items for d, items in by_decade.items() if not chosen or str(d) == chosen}
    return render(
        request,
        "timeline/timeline.html",
        {
            "decades": [(d, len(by_decade[d])) for d in decades],
            "groups": sorted(shown.items(), key=lambda item: (item[0] is None, item[0] or 0)),
            "chosen": chosen,
            "agent": agent,
            "total": sum(len(v) for v in by_decade.values()),
        },
    )


def event_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.public(), identifier=identifier)
    links = list(event.component_links.select_related("collection"))
    components = {
        (c.collection_id, c.ref): c
        for c in Component.objects.filter(
            collection_id__in={link.collection_id for link in links},
            ref__in={link.component_ref for link in links},
        )
    }
    found = [
        components[(link.collection_id, link.component_ref)]
        for link in links
        if (link.collection_id, link.component_ref) in components
    ]
    order = list(
        Event.objects.public().order_by("sort_date", "title", "pk").values_list("pk", flat=True)
    )
    position = order.index(event.pk)
    neighbours = Event.objects.in_bulk(order[max(0, position - 1) : position + 2])
    return render(
        request,
        "timeline/event.html",
        {
            "event": event,
            "agents": event.agents.public(),
            "collections": event.collections.all(),
            "components": sorted(found, key=lambda c: (c.collection_id, c.sequence)),
            "works": event.works.public(),
            "previous": neighbours.get(order[position - 1]) if position > 0 else None,
            "next": neighbours.get(order[position + 1]) if position + 1 < len(order) else None,
        },
    )


def export_timelinejs(request: HttpRequest) -> HttpResponse:
    return export_response("timelinejs", inline=True)


def export_yaml(request: HttpRequest) -> HttpResponse:
    return export_response("events-yaml")


def export_csv(request: HttpRequest) -> HttpResponse:
    return export_response("events-csv")

"""The views of the API: read the request, ask the models or the search service, answer.

Nothing here asks for ``all_objects``: collections and components come through the
default managers (which leave internal ones out) and roster records, events and
works only when ``published``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from fonds.authorities.models import Agent, AgentRelation, Appearance
from fonds.bibliography.models import Work
from fonds.exports.registry import all_exporters
from fonds.findingaids import presentation
from fonds.findingaids.models import AccessTerm, Collection, Component, FindingAidSource
from fonds.formats.citations import format_bibliography, format_note
from fonds.pages.markdown import render as markdown
from fonds.timeline.models import Event, EventComponent

from . import serializers as out
from .http import ApiError, endpoint, json_response
from .pagination import Keyset, page
from .params import PAGING, Choice, Integer, Query, Text, year

COLLECTION_ORDER = Keyset(("title", "identifier"))
COMPONENT_ORDER = Keyset(("sequence",))
AGENT_ORDER = Keyset(("sort_name", "identifier"))
EVENT_ORDER = Keyset(("sort_date", "identifier"))
WORK_ORDER = Keyset(("creators_text", "issued_year", "identifier"))
APPEARANCE_COMPONENTS = 25
CITATION_STYLES = ("chicago-notes-bibliography", "chicago-author-date")
EXPORT_CHUNK = 64 * 1024


def listing(data: list[dict[str, Any]], next_url: str | None) -> HttpResponseBase:
    return json_response({"data": data, "next": next_url})


def record(data: dict[str, Any]) -> HttpResponseBase:
    return json_response({"data": data})


# -- the index -----------------------------------------------------------------------


@endpoint()
def index(request: HttpRequest, query: Query) -> HttpResponseBase:
    links = out.Links(request)
    return record(
        {
            "name": f"{settings.ARCHIVE_NAME}: JSON API",
            "version": "v1",
            "links": {
                "self": links.api("index"),
                "openapi": links.api("openapi"),
                "collections": links.api("collections"),
                "agents": links.api("agents"),
                "events": links.api("events"),
                "works": links.api("works"),
                "guides": links.api("guides"),
                "search": links.api("search"),
                "exports": links.api("exports"),
                "html": links.absolute("/"),
            },
        }
    )


@endpoint()
def to_index(request: HttpRequest, query: Query) -> HttpResponseBase:
    """/api/ and /api/v1 lead to the index of the current version."""
    return HttpResponseRedirect(reverse("api:index"))


@endpoint()
def openapi_description(request: HttpRequest, query: Query) -> HttpResponseBase:
    from .openapi import description

    return json_response(description())


# -- collections and components ------------------------------------------------------


@endpoint(year("from"), year("to"), Text("creator", max_length=1000), *PAGING)
def collection_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    collections = Collection.objects.defer("notes", "title_html", "dates", "finding_aid")
    # dates overlapping the range, as on the collections page; an open end overlaps
    date_from, date_to = query.integer("from"), query.integer("to")
    if date_to is not None:
        collections = collections.filter(begin_year__lte=date_to)
    if date_from is not None:
        collections = collections.filter(
            Q(end_year__gte=date_from) | Q(end_year__isnull=True), begin_year__isnull=False
        )
    creator = query.text("creator").strip()
    if creator:
        chosen = AccessTerm.objects.filter(
            relation=AccessTerm.CREATOR, component__isnull=True, text=creator
        ).values("collection_id")
        collections = collections.filter(pk__in=chosen)
    collections = collections.annotate(
        public_components=_public_components_of("collection")
    ).prefetch_related(
        Prefetch(
            "terms",
            queryset=AccessTerm.objects.filter(component__isnull=True, relation=AccessTerm.CREATOR),
            to_attr="creator_terms",
        )
    )
    found, next_url = page(request, query, collections, COLLECTION_ORDER)
    links = out.Links(request)
    creators: dict[int, list[AccessTerm]] = {c.pk: c.creator_terms for c in found}
    agents = out.matched_agents(t for terms in creators.values() for t in terms)
    data = [
        out.collection_summary(
            c, c.public_components, out.terms(creators[c.pk], agents, links), links
        )
        for c in found
    ]
    return listing(data, next_url)


def _collection(identifier: str) -> Collection:
    found: Collection | None = Collection.objects.filter(identifier=identifier).first()
    if found is None:
        raise ApiError(404, f"No collection {identifier!r}.")
    return found


def _component(identifier: str, ref: str) -> Component:
    found: Component | None = (
        Component.objects.select_related("collection")
        .filter(collection__identifier=identifier, collection__internal=False, ref=ref)
        .first()
    )
    if found is None:
        raise ApiError(404, f"No component {ref!r} in collection {identifier!r}.")
    return found


def _public_components_of(field: str) -> Coalesce:
    """How many public components have the outer row as their ``field`` (collection or
    parent): the stored counts include internal ones, which are nobody's business."""
    counted = (
        Component.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def _with_child_counts(components: QuerySet[Component]) -> QuerySet[Component]:
    return components.annotate(child_count=_public_components_of("parent")).only(
        "ref",
        "title",
        "date_text",
        "level",
        "container_summary",
        "has_digital_object",
        "sequence",
        "collection_id",
    )


@endpoint()
def collection_detail(request: HttpRequest, query: Query, identifier: str) -> HttpResponseBase:
    collection = _collection(identifier)
    links = out.Links(request)
    terms = list(collection.terms.filter(component__isnull=True))
    objects = list(collection.digital_objects.filter(component__isnull=True))
    url = links.absolute(collection.get_absolute_url())
    citation = presentation.citation(None, collection, url)
    count = Component.objects.filter(collection=collection).count()
    return record(out.collection_record(collection, count, terms, objects, citation, links))


def _component_list(
    request: HttpRequest, query: Query, components: QuerySet[Component], identifier: str
) -> HttpResponseBase:
    found, next_url = page(request, query, _with_child_counts(components), COMPONENT_ORDER)
    links = out.Links(request)
    data = [
        out.component_summary(c, identifier, c.child_count, links)  # type: ignore[attr-defined]
        for c in found
    ]
    return listing(data, next_url)


@endpoint(*PAGING)
def component_list(request: HttpRequest, query: Query, identifier: str) -> HttpResponseBase:
    collection = _collection(identifier)
    top = Component.objects.filter(collection=collection, depth=1)
    return _component_list(request, query, top, identifier)


@endpoint()
def component_detail(
    request: HttpRequest, query: Query, identifier: str, ref: str
) -> HttpResponseBase:
    component = _component(identifier, ref)
    links = out.Links(request)
    url = links.absolute(component.get_absolute_url())
    citation = presentation.citation(component, component.collection, url)
    return record(
        out.component_record(
            component,
            Component.objects.filter(parent=component).count(),
            list(component.ancestors()),
            list(component.terms.all()),
            list(component.digital_objects.all()),
            citation,
            links,
        )
    )


@endpoint(*PAGING)
def component_children(
    request: HttpRequest, query: Query, identifier: str, ref: str
) -> HttpResponseBase:
    component = _component(identifier, ref)
    children = Component.objects.filter(collection_id=component.collection_id, parent=component)
    return _component_list(request, query, children, identifier)


# -- the roster ----------------------------------------------------------------------


@endpoint(
    Choice("kind", choices=tuple(k for k, _ in Agent.KINDS)),
    Choice("type", choices=tuple(t for t, _ in Agent.ORGANIZATION_TYPES)),
    *PAGING,
)
def agent_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    agents = Agent.objects.public()
    if query.text("kind"):
        agents = agents.filter(kind=query.text("kind"))
    if query.text("type"):
        agents = agents.filter(organization_type=query.text("type"))
    found, next_url = page(request, query, agents, AGENT_ORDER)
    links = out.Links(request)
    return listing([out.agent_summary(a, links) for a in found], next_url)


def _agent(identifier: str) -> Agent:
    found: Agent | None = Agent.objects.public().filter(identifier=identifier).first()
    if found is None:
        raise ApiError(404, f"No roster record {identifier!r}.")
    return found


def _relations(agent: Agent, links: out.Links) -> list[dict[str, Any]]:
    labels = dict(AgentRelation.TYPES)
    lines: list[dict[str, Any]] = []
    for relation in agent.relations_out.select_related("target"):
        target = relation.target
        if target is not None and not target.is_public:
            continue
        lines.append(
            {
                "type": relation.relation_type,
                "label": labels.get(relation.relation_type, relation.relation_type),
                "direction": "out",
                "agent": out.agent_ref(target, links) if target else None,
                "name": target.authorized_name if target else relation.target_name,
                "role": relation.role,
                "dates": relation.dates,
                "dates_label": out.edtf_label(relation.dates),
                "note": relation.note,
            }
        )
    for relation in agent.relations_in.select_related("source"):
        source = relation.source
        if not source.is_public:
            continue
        inverse = AgentRelation.INVERSE.get(relation.relation_type, relation.relation_type)
        lines.append(
            {
                "type": inverse,
                "label": labels.get(inverse, inverse),
                "direction": "in",
                "agent": out.agent_ref(source, links),
                "name": source.authorized_name,
                "role": relation.role,
                "dates": relation.dates,
                "dates_label": out.edtf_label(relation.dates),
                "note": relation.note,
            }
        )
    return sorted(lines, key=lambda line: (line["label"], line["name"]))


def _appearances(agent: Agent, links: out.Links) -> list[dict[str, Any]]:
    """The public collections the agent created or is named in, with the components."""
    groups: dict[tuple[int, str], bool] = defaultdict(bool)
    for collection_id, ref, role in Appearance.objects.filter(
        agent=agent, collection__in=Collection.objects.all()
    ).values_list("collection_id", "component_ref", "role"):
        groups[(collection_id, role)] |= ref == ""
    collections = Collection.objects.in_bulk({c for c, _ in groups})
    result = []
    for (collection_id, role), whole in groups.items():
        collection = collections.get(collection_id)
        if collection is None:
            continue
        components = Component.objects.filter(
            collection_id=collection_id,
            ref__in=Appearance.objects.filter(
                agent=agent, collection_id=collection_id, role=role
            ).values("component_ref"),
        ).only("ref", "title", "level", "date_text", "sequence")
        shown = list(components.order_by("sequence")[:APPEARANCE_COMPONENTS])
        result.append(
            {
                "role": role,
                "collection": out.collection_ref(collection, links),
                "whole_collection": whole,
                "component_count": components.count()
                if len(shown) == APPEARANCE_COMPONENTS
                else len(shown),
                "components": [out.component_ref(c, collection.identifier, links) for c in shown],
            }
        )
    order = {Appearance.CREATOR: 0, Appearance.SUBJECT: 1, Appearance.TEXT: 2}
    return sorted(result, key=lambda a: (order.get(a["role"], 9), a["collection"]["title"]))


@endpoint()
def agent_detail(request: HttpRequest, query: Query, identifier: str) -> HttpResponseBase:
    agent = _agent(identifier)
    links = out.Links(request)
    data = out.agent_summary(agent, links)
    data.update(
        {
            "names": out.agent_names(agent),
            "places": out.places(agent.places),
            "history": agent.history,
            "history_html": markdown(agent.history) if agent.history else "",
            "sources": out.texts(agent.sources),
            "relations": _relations(agent, links),
            "appearances": _appearances(agent, links),
            "events": [
                out.event_ref(e, links)
                for e in agent.events.public().order_by("sort_date", "identifier")
            ],
            "works": [out.work_ref(w, links) for w in agent.works.public()],
            "exports": links.exports_of("agent", agent.identifier),
        }
    )
    return record(data)


# -- timeline and bibliography -------------------------------------------------------


@endpoint(
    Integer("decade", minimum=0, maximum=9990),
    Text("agent", max_length=200),
    *PAGING,
)
def event_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    events = Event.objects.public()
    decade = query.integer("decade")
    if decade is not None:
        if decade % 10:
            raise ApiError(400, f"decade must be a multiple of 10, such as 1970, not {decade}")
        events = events.filter(sort_date__gte=datetime.date(max(decade, 1), 1, 1))
        if decade + 10 <= datetime.MAXYEAR:
            events = events.filter(sort_date__lt=datetime.date(decade + 10, 1, 1))
    agent = query.text("agent")
    if agent:
        events = events.filter(
            pk__in=Event.agents.through.objects.filter(
                agent__identifier=agent, agent__in=Agent.objects.public()
            ).values("event_id")
        )
    found, next_url = page(request, query, events, EVENT_ORDER)
    links = out.Links(request)
    return listing([out.event_summary(e, links) for e in found], next_url)


def _event_components(event: Event, links: out.Links) -> list[dict[str, Any]]:
    wanted: dict[int, set[str]] = defaultdict(set)
    for link in EventComponent.objects.filter(event=event):
        wanted[link.collection_id].add(link.component_ref)
    if not wanted:
        return []
    query = Q(pk__in=[])
    for collection_id, refs in wanted.items():
        query |= Q(collection_id=collection_id, ref__in=refs)
    found = (
        Component.objects.filter(query, collection__internal=False)
        .select_related("collection")
        .order_by("collection__identifier", "sequence")
    )
    return [out.component_ref(c, c.collection.identifier, links) for c in found]


@endpoint()
def event_detail(request: HttpRequest, query: Query, identifier: str) -> HttpResponseBase:
    event = Event.objects.public().filter(identifier=identifier).first()
    if event is None:
        raise ApiError(404, f"No event {identifier!r}.")
    links = out.Links(request)
    data = out.event_summary(event, links)
    data.update(
        {
            "description": event.description,
            "description_html": markdown(event.description) if event.description else "",
            "media": dict(event.media) if isinstance(event.media, dict) else {},
            "sources": out.texts(event.sources),
            "agents": [out.agent_ref(a, links) for a in event.agents.public()],
            "collections": [out.collection_ref(c, links) for c in event.collections.all()],
            "components": _event_components(event, links),
            "works": [out.work_ref(w, links) for w in event.works.public()],
        }
    )
    return record(data)


@endpoint(*PAGING)
def work_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    found, next_url = page(request, query, Work.objects.public(), WORK_ORDER)
    links = out.Links(request)
    return listing([out.work_summary(w, links) for w in found], next_url)


@endpoint()
def work_detail(request: HttpRequest, query: Query, identifier: str) -> HttpResponseBase:
    work = Work.objects.public().filter(identifier=identifier).first()
    if work is None:
        raise ApiError(404, f"No work {identifier!r}.")
    links = out.Links(request)
    item = out.csl_item(work)
    data = out.work_summary(work, links)
    data.update(
        {
            "csl": item,
            "citations": {
                style: {
                    "html": format_bibliography([item], style, output="html")[0],
                    "text": format_bibliography([item], style, output="text")[0],
                }
                for style in CITATION_STYLES
            },
            "note": {
                "html": format_note(item, CITATION_STYLES[0], output="html"),
                "text": format_note(item, CITATION_STYLES[0], output="text"),
            },
            "agents": [out.agent_ref(a, links) for a in work.agents.public()],
            "events": [out.event_ref(e, links) for e in work.events.public()],
        }
    )
    return record(data)


# -- exports -------------------------------------------------------------------------


@endpoint()
def export_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    links = out.Links(request)
    exporters = sorted(all_exporters().values(), key=lambda e: e.name)
    return listing([out.exporter_entry(e, links) for e in exporters], None)


def _export_subject(scope: str, identifier: str) -> Any:
    if scope == "archive":
        if identifier:
            raise ApiError(400, "this export covers the whole archive: it takes no id")
        return None
    if not identifier:
        raise ApiError(400, f"this export needs the id of a {scope}: add ?id=", "missing_parameter")
    if scope == "collection":
        collection = _collection(identifier)
        if not FindingAidSource.objects.filter(collection=collection).exists():
            raise ApiError(404, f"Collection {identifier!r} has no EAD file to export.")
        return collection
    if scope == "agent":
        return _agent(identifier)
    raise ApiError(404, f"Unknown export scope {scope!r}.")


@endpoint(Text("id", max_length=200))
def export_download(request: HttpRequest, query: Query, name: str) -> HttpResponseBase:
    chosen = all_exporters().get(name)
    if chosen is None:
        raise ApiError(404, f"No export format {name!r}; the list is at /api/v1/exports.")
    subject = _export_subject(chosen.scope, query.text("id"))
    content = chosen.render(subject)
    response = StreamingHttpResponse(
        (content[i : i + EXPORT_CHUNK] for i in range(0, len(content), EXPORT_CHUNK)),
        content_type=chosen.media_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{chosen.filename(subject)}"'
    response["Content-Length"] = str(len(content))
    return response

"""The roster: organizations, people and families, and everything linked to them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fonds.exports.http import export_response
from fonds.findingaids.models import Collection, Component
from fonds.formats.edtf_dates import parse as parse_edtf

from . import graph
from .models import Agent, AgentName, AgentRelation, Appearance

RTL_SCRIPTS = {"Hebr", "Arab"}
RESOURCE_ROLES = {"creatorof": "its creator", "subjectof": "its subject"}
APPEARANCES_SHOWN = 25


def date_label(value: str) -> str:
    if not value:
        return ""
    try:
        return parse_edtf(value).label
    except ValueError:
        return value


def roster_list(request: HttpRequest) -> HttpResponse:
    agents = Agent.objects.public()
    kind = request.GET.get("kind", "")
    kind_type = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()
    if kind in dict(Agent.KINDS):
        agents = agents.filter(kind=kind)
    if kind_type in dict(Agent.ORGANIZATION_TYPES):
        agents = agents.filter(organization_type=kind_type)
    if query:
        agents = agents.filter(
            Q(authorized_name__icontains=query) | Q(names__name__icontains=query)
        ).distinct()
    types = (
        Agent.objects.public()
        .filter(kind="organization")
        .exclude(organization_type="")
        .values_list("organization_type", flat=True)
        .distinct()
        .order_by("organization_type")
    )
    labels = dict(Agent.ORGANIZATION_TYPES)
    rows = [
        {"agent": a, "dates": date_label(a.existence)}
        for a in agents.order_by("kind", "sort_name", "authorized_name")
    ]
    return render(
        request,
        "authorities/roster.html",
        {
            "rows": rows,
            "kind": kind,
            "type": kind_type,
            "q": query,
            "kinds": Agent.KINDS,
            "types": [(t, labels.get(t, t)) for t in types],
            "filtered": bool(kind or kind_type or query),
        },
    )


@dataclass
class RelationLine:
    label: str
    other: Agent | None
    other_name: str
    role: str
    dates: str


def _relations(agent: Agent) -> list[RelationLine]:
    labels = dict(AgentRelation.TYPES)
    lines = [
        RelationLine(
            labels.get(r.relation_type, r.relation_type),
            r.target,
            r.target.authorized_name if r.target else r.target_name,
            r.role,
            date_label(r.dates),
        )
        for r in agent.relations_out.select_related("target")
        if r.target is None or r.target.is_public
    ]
    lines += [
        RelationLine(
            labels.get(AgentRelation.INVERSE[r.relation_type], r.relation_type),
            r.source,
            r.source.authorized_name,
            r.role,
            date_label(r.dates),
        )
        for r in agent.relations_in.select_related("source")
        if r.source.is_public
    ]
    return sorted(lines, key=lambda line: (line.label, line.other_name))


def _appearances(agent: Agent) -> dict[str, list[dict[str, Any]]]:
    """Collections the agent created, and those it appears in, with the components."""
    by_collection: dict[tuple[int, str], list[str]] = defaultdict(list)
    found = Appearance.objects.filter(agent=agent, collection__in=Collection.objects.all())
    rows = list(found.values_list("collection_id", "component_ref", "role"))
    # only the public components it appears in are shown, and counted
    public = set(
        Component.objects.filter(
            collection_id__in={c for c, _, _ in rows}, ref__in={r for _, r, _ in rows if r}
        ).values_list("collection_id", "ref")
    )
    for collection_id, ref, role in rows:
        if ref and (collection_id, ref) not in public:
            continue
        group = "created" if role == Appearance.CREATOR else "appears"
        by_collection[(collection_id, group)].append(ref)
    collections = Collection.objects.in_bulk({c for c, _ in by_collection})
    wanted_refs = {
        (c, ref)
        for (c, _), refs in by_collection.items()
        for ref in refs[:APPEARANCES_SHOWN]
        if ref
    }
    components = {
        (c.collection_id, c.ref): c
        for c in Component.objects.filter(
            collection_id__in=collections, ref__in={r for _, r in wanted_refs}
        ).only("ref", "title", "date_text", "collection_id", "sequence", "subtree_end")
        if (c.collection_id, c.ref) in wanted_refs
    }
    result: dict[str, list[dict[str, Any]]] = {"created": [], "appears": []}
    for (collection_id, group), refs in sorted(
        by_collection.items(), key=lambda item: collections[item[0][0]].title
    ):
        collection = collections[collection_id]
        if group == "appears" and (collection_id, "created") in by_collection:
            continue  # a collection it created is listed once, as created
        parts = [
            components[(collection_id, r)]
            for r in dict.fromkeys(refs)
            if (collection_id, r) in components
        ]
        result[group].append(
            {
                "collection": collection,
                "components": sorted(parts, key=lambda c: c.sequence)[:APPEARANCES_SHOWN],
                "count": len({r for r in refs if r}),
                "whole": "" in refs,
            }
        )
    return result


def _resources(agent: Agent) -> list[dict[str, str]]:
    """Related resources (EAC-CPF resourceRelation), linked when their address is web."""
    found = []
    for resource in agent.resources:
        if resource.get("kind") == "function" or not resource.get("title"):
            continue
        href = resource.get("href", "")
        word = (resource.get("relation_type") or resource.get("arcrole") or "").lower()
        found.append(
            {
                "title": resource["title"],
                "link": href if href.startswith(("https://", "http://")) else "",
                "label": RESOURCE_ROLES.get(word.rsplit("#", 1)[-1], ""),
            }
        )
    return found


def agent_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    agent = get_object_or_404(Agent.objects.public(), identifier=identifier)
    names = [
        {"name": n, "rtl": n.script in RTL_SCRIPTS, "dates": date_label(n.dates)}
        for n in agent.names.all()
        if (n.name_type, n.name) != (AgentName.AUTHORIZED, agent.authorized_name)
    ]
    neighbourhood = graph.relation_graph(focus=agent)
    return render(
        request,
        "authorities/agent.html",
        {
            "agent": agent,
            "dates": date_label(agent.existence),
            "names": names,
            "relations": _relations(agent),
            "graph": graph.svg(neighbourhood, focus=agent, title=f"Relations of {agent}")
            if neighbourhood.number_of_edges()
            else "",
            "appearances": _appearances(agent),
            "events": agent.events.public().order_by("sort_date"),
            "works": agent.works.public(),
            "resources": _resources(agent),
            "type_label": dict(Agent.ORGANIZATION_TYPES).get(agent.organization_type, ""),
        },
    )


def roster_graph(request: HttpRequest) -> HttpResponse:
    whole = graph.relation_graph()
    return render(
        request,
        "authorities/graph.html",
        {
            "graph": graph.svg(whole, title="Relations in the roster"),
            "edges": whole.number_of_edges(),
        },
    )


def roster_print(request: HttpRequest) -> HttpResponse:
    agents = Agent.objects.public().order_by("kind", "sort_name")
    rows = [
        {"agent": a, "dates": date_label(a.existence), "relations": _relations(a)} for a in agents
    ]
    return render(request, "authorities/print.html", {"rows": rows})


def agent_eac(request: HttpRequest, identifier: str) -> HttpResponse:
    agent = get_object_or_404(Agent.objects.public(), identifier=identifier)
    version = "2.0" if request.GET.get("version") == "2.0" else "2010"
    return export_response(f"eac-cpf-{version}", agent, inline=True)


def roster_csv(request: HttpRequest) -> HttpResponse:
    return export_response("roster-csv")

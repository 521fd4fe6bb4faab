"""Records as the API gives them: plain dicts of JSON values.

One function per shape; the shapes are described, field for field, by the JSON
Schemas in :mod:`fonds.api.schemas`, and the tests validate every answer against
them. Only public rows reach these functions (the views read through the default
managers and ``published=True``); a link to a record that is not public is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from fonds.authorities.models import Agent, NameMatch
from fonds.bibliography.models import Work
from fonds.exports.registry import Exporter, all_exporters
from fonds.findingaids.models import AccessTerm, Collection, Component, DigitalObject
from fonds.findingaids.presentation import NOTE_LABELS
from fonds.formats.csl import EXTENSION_KEY
from fonds.formats.edtf_dates import parse as parse_edtf
from fonds.search.indexing import FACET_OF_KIND
from fonds.timeline.models import Event

RTL_SCRIPTS = frozenset({"Hebr", "Arab", "Syrc", "Thaa"})
NAME_KINDS = frozenset({"persname", "corpname", "famname", "name"})


class Links:
    """Absolute addresses, in the API and in the portal, for one request's host."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def api(self, name: str, *args: str, **params: str) -> str:
        url = self.absolute(reverse(f"api:{name}", args=args))
        return f"{url}?{urlencode(params)}" if params else url

    def export(self, exporter: Exporter, identifier: str | None = None) -> dict[str, Any]:
        params = {"id": identifier} if identifier is not None else {}
        return {
            "name": exporter.name,
            "title": exporter.title,
            "media_type": exporter.media_type,
            "url": self.api("export", exporter.name, **params),
        }

    def exports_of(self, scope: str, identifier: str) -> list[dict[str, Any]]:
        return [
            self.export(e, identifier)
            for e in sorted(all_exporters().values(), key=lambda e: e.name)
            if e.scope == scope
        ]


def edtf_label(value: str) -> str:
    if not value:
        return ""
    try:
        return parse_edtf(value).label
    except ValueError:
        return value


# -- references: what a record says about another ------------------------------------


def collection_ref(collection: Collection, links: Links) -> dict[str, Any]:
    return {
        "identifier": collection.identifier,
        "title": collection.display_title,
        "links": {
            "self": links.api("collection", collection.identifier),
            "html": links.absolute(collection.get_absolute_url()),
        },
    }


def _component_links(identifier: str, ref: str, links: Links) -> dict[str, str]:
    return {
        "self": links.api("component", identifier, ref),
        "html": links.absolute(reverse("findingaids:component", args=[identifier, ref])),
    }


def component_ref(component: Component, identifier: str, links: Links) -> dict[str, Any]:
    return {
        "ref": component.ref,
        "collection": identifier,
        "title": component.display_title,
        "level": component.level,
        "date": component.date_text,
        "links": _component_links(identifier, component.ref, links),
    }


def agent_ref(agent: Agent, links: Links) -> dict[str, Any]:
    return {
        "identifier": agent.identifier,
        "kind": agent.kind,
        "name": agent.authorized_name,
        "links": {
            "self": links.api("agent", agent.identifier),
            "html": links.absolute(agent.get_absolute_url()),
        },
    }


def event_ref(event: Event, links: Links) -> dict[str, Any]:
    return {
        "identifier": event.identifier,
        "title": event.title,
        "date": event.date,
        "date_label": event.date_label,
        "links": {
            "self": links.api("event", event.identifier),
            "html": links.absolute(event.get_absolute_url()),
        },
    }


def work_ref(work: Work, links: Links) -> dict[str, Any]:
    return {
        "identifier": work.identifier,
        "title": work.title,
        "type": work.work_type,
        "issued_year": work.issued_year,
        "links": {
            "self": links.api("work", work.identifier),
            "html": links.absolute(work.get_absolute_url()),
        },
    }


# -- the parts of a description -------------------------------------------------------


def notes(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": str(n.get("type", "")),
            "label": NOTE_LABELS.get(str(n.get("type", "")), "Note"),
            "head": str(n.get("head") or ""),
            "html": str(n.get("html", "")),
            "text": str(n.get("text", "")),
        }
        for n in values
    ]


def date_spans(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "text": str(d.get("text", "")),
            "normal": d.get("normal"),
            "type": d.get("type"),
            "begin": d.get("begin"),
            "end": d.get("end"),
            "open_end": bool(d.get("open_end")),
            "approximate": bool(d.get("approximate")),
            "undated": bool(d.get("undated")),
        }
        for d in values
    ]


def languages(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"code": v.get("code"), "name": str(v.get("name", ""))} for v in values]


def containers(values: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "type": str(c.get("type", "")),
            "indicator": str(c.get("indicator", "")),
            "label": c.get("label"),
            "id": c.get("id"),
            "parent": c.get("parent"),
        }
        for c in values
    ]


FINDING_AID_TEXTS = "eadid title subtitle author publisher date language rules status".split()


def finding_aid(info: dict[str, Any]) -> dict[str, Any]:
    """The EAD header's facts; none of them when the header is marked internal."""
    if info.get("internal"):
        info = {}
    data: dict[str, Any] = {key: str(info.get(key) or "") for key in FINDING_AID_TEXTS}
    data["revisions"] = [str(r) for r in info.get("revisions") or []]
    return data


def digital_objects(values: Iterable[DigitalObject]) -> list[dict[str, Any]]:
    return [
        {
            "href": d.href,
            "title": d.title,
            "role": d.role,
            "description": d.description,
            "group_label": d.group_label,
        }
        for d in values
    ]


def matched_agents(terms: Iterable[AccessTerm]) -> dict[tuple[str, str], Agent]:
    """The roster records names of these terms were matched to (accepted, published)."""
    names = {(t.text, t.kind) for t in terms if t.kind in NAME_KINDS}
    if not names:
        return {}
    found: dict[tuple[str, str], Agent] = {}
    matches = (
        NameMatch.objects.filter(
            text__in={text for text, _ in names},
            status__in=[NameMatch.AUTO, NameMatch.CONFIRMED],
            agent__in=Agent.objects.public(),
        )
        .select_related("agent")
        .order_by("-score", "pk")
    )
    for match in matches:
        found.setdefault((match.text, match.kind), match.agent)
    return found


def terms(
    values: Iterable[AccessTerm], agents: dict[tuple[str, str], Agent], links: Links
) -> list[dict[str, Any]]:
    result = []
    for term in values:
        facet = FACET_OF_KIND.get(term.kind)
        search = {facet: term.text} if facet else {"q": f'"{term.text}"'}
        agent = agents.get((term.text, term.kind))
        result.append(
            {
                "kind": term.kind,
                "relation": term.relation,
                "text": term.text,
                "source": term.source,
                "identifier": term.identifier,
                "role": term.role,
                "agent": agent_ref(agent, links) if agent else None,
                "links": {"search": links.api("search", **search)},
            }
        )
    return result


# -- collections and components ------------------------------------------------------


def collection_summary(
    collection: Collection, component_count: int, creators: list[dict[str, Any]], links: Links
) -> dict[str, Any]:
    return {
        "identifier": collection.identifier,
        "unitid": collection.unitid,
        "title": collection.display_title,
        "date": collection.date_text,
        "begin_year": collection.begin_year,
        "end_year": collection.end_year,
        "extent": collection.extent,
        "abstract": collection.abstract,
        "component_count": component_count,
        "creators": creators,
        "links": {
            "self": links.api("collection", collection.identifier),
            "html": links.absolute(collection.get_absolute_url()),
            "components": links.api("components", collection.identifier),
        },
    }


def collection_record(
    collection: Collection,
    component_count: int,
    collection_terms: list[AccessTerm],
    objects: list[DigitalObject],
    citation: str,
    links: Links,
) -> dict[str, Any]:
    agents = matched_agents(collection_terms)
    creators = [t for t in collection_terms if t.relation == AccessTerm.CREATOR]
    data = collection_summary(collection, component_count, terms(creators, agents, links), links)
    identifier = collection.identifier
    data.update(
        {
            "title_html": collection.title_html,
            "level": collection.level,
            "undated": collection.undated,
            "dates": date_spans(collection.dates),
            "languages": languages(collection.languages),
            "repository": collection.repository,
            "eadid": collection.eadid,
            "ead_version": collection.ead_version,
            "finding_aid": finding_aid(collection.finding_aid),
            "notes": notes(collection.notes),
            "terms": terms(
                [t for t in collection_terms if t.relation != AccessTerm.CREATOR], agents, links
            ),
            "digital_objects": digital_objects(objects),
            "citation": citation,
            "updated_at": collection.updated_at.isoformat(),
            "exports": links.exports_of("collection", identifier),
        }
    )
    data["links"].update(
        {
            "ead": links.absolute(reverse("findingaids:ead", args=[identifier])),
            "pdf": links.absolute(reverse("findingaids:pdf", args=[identifier])),
            "print": links.absolute(reverse("findingaids:print", args=[identifier])),
        }
    )
    return data


def component_summary(
    component: Component, identifier: str, child_count: int, links: Links
) -> dict[str, Any]:
    """A line of a contents list."""
    component_links = _component_links(identifier, component.ref, links)
    component_links["children"] = links.api("children", identifier, component.ref)
    return {
        "ref": component.ref,
        "collection": identifier,
        "title": component.display_title,
        "level": component.level,
        "date": component.date_text,
        "container_summary": component.container_summary,
        "has_digital_object": component.has_digital_object,
        "child_count": child_count,
        "links": component_links,
    }


def component_record(
    component: Component,
    child_count: int,
    ancestors: list[Component],
    component_terms: list[AccessTerm],
    objects: list[DigitalObject],
    citation: str,
    links: Links,
) -> dict[str, Any]:
    collection = component.collection
    identifier = collection.identifier
    data = component_summary(component, identifier, child_count, links)
    parent = ancestors[-1] if ancestors else None
    data.update(
        {
            "title_html": component.title_html,
            "unitid": component.unitid,
            "begin_year": component.begin_year,
            "end_year": component.end_year,
            "undated": component.undated,
            "dates": date_spans(component.dates),
            "extent": component.extent,
            "languages": languages(component.languages),
            "depth": component.depth,
            "position": component.position,
            "containers": containers(component.containers),
            "notes": notes(component.notes),
            "terms": terms(component_terms, matched_agents(component_terms), links),
            "digital_objects": digital_objects(objects),
            "ancestors": [component_ref(a, identifier, links) for a in ancestors],
            "parent": component_ref(parent, identifier, links) if parent else None,
            "citation": citation,
        }
    )
    data["links"]["collection"] = links.api("collection", identifier)
    data["collection_title"] = collection.display_title
    return data


# -- the roster ----------------------------------------------------------------------


def agent_summary(agent: Agent, links: Links) -> dict[str, Any]:
    data = agent_ref(agent, links)
    data.update(
        {
            "sort_name": agent.sort_name,
            "organization_type": agent.organization_type,
            "existence": agent.existence,
            "dates": edtf_label(agent.existence),
            "begin_year": agent.begin_year,
            "end_year": agent.end_year,
            "summary": agent.summary,
        }
    )
    return data


def agent_names(agent: Agent) -> list[dict[str, Any]]:
    return [
        {
            "name": n.name,
            "type": n.name_type,
            "language": n.language,
            "script": n.script,
            "transliteration": n.transliteration,
            "dates": n.dates,
            "direction": "rtl" if n.script in RTL_SCRIPTS else "ltr",
        }
        for n in agent.names.all()
    ]


def places(values: Iterable[Any]) -> list[dict[str, str]]:
    found = []
    for place in values:
        if isinstance(place, dict):
            found.append({k: str(place.get(k) or "") for k in ("name", "role", "date")})
        else:
            found.append({"name": str(place), "role": "", "date": ""})
    return found


def texts(values: Iterable[Any]) -> list[str]:
    return [v if isinstance(v, str) else str(v) for v in values]


# -- timeline and bibliography -------------------------------------------------------


def event_summary(event: Event, links: Links) -> dict[str, Any]:
    data = event_ref(event, links)
    data.update(
        {
            "sort_date": event.sort_date.isoformat() if event.sort_date else None,
            "end_date": event.end_date.isoformat() if event.end_date else None,
            "place": event.place,
            "language": event.language,
            "direction": event.direction,
        }
    )
    return data


def csl_item(work: Work) -> dict[str, Any]:
    """The CSL-JSON item, without our own links (they are given as records)."""
    item = {k: v for k, v in dict(work.csl).items() if k != EXTENSION_KEY}
    item["id"] = work.identifier
    return item


def work_summary(work: Work, links: Links) -> dict[str, Any]:
    data = work_ref(work, links)
    data["creators"] = work.creators_text
    return data


def exporter_entry(exporter: Exporter, links: Links) -> dict[str, Any]:
    return {
        "name": exporter.name,
        "title": exporter.title,
        "media_type": exporter.media_type,
        "extension": exporter.extension,
        "scope": exporter.scope,
        "requires_id": exporter.scope != "archive",
        "links": {"self": links.api("export", exporter.name)},
    }

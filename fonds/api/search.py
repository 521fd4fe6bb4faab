"""``/api/v1/search``: the search service of the portal, as JSON.

The same :func:`fonds.search.service.search` the search page calls: one query over
collections, components, the roster, the timeline and the bibliography, with the
multi-select facets (each facet a repeatable parameter) and their counts. Results are
ranked, so pages follow each other by offset, held in the signed cursor; like the
search page, paging stops after :data:`~fonds.search.service.MAX_OFFSET` hits.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from fonds.findingaids.models import Collection
from fonds.search.backends.base import FACETS
from fonds.search.service import MAX_OFFSET, SORTS, Hit, SearchRequest, SearchResults, search
from fonds.search.views import DIGITAL_LABELS, TYPE_LABELS

from . import serializers as out
from .http import endpoint, json_response
from .pagination import next_url, offset
from .params import PAGING, Choice, Query, Repeated, Text, year

SEARCH_PARAMS = (
    Text("q"),
    *(Repeated(facet) for facet in FACETS),
    year("from"),
    year("to"),
    Choice("sort", choices=SORTS, default="relevance"),
    *PAGING,
)


def api_link(key: str, links: out.Links) -> str:
    """The API address of an indexed record, from its search key."""
    kind, _, rest = key.partition(":")
    if kind == "component":
        identifier, _, ref = rest.partition("/")
        return links.api("component", identifier, ref)
    if kind in ("collection", "agent", "event", "work"):
        return links.api(kind, rest)
    return ""


def hit(found: Hit, links: out.Links) -> dict[str, Any]:
    data = found.data
    collection = data.get("collection")
    return {
        "key": found.key,
        "type": found.type,
        "title": found.title,
        "date": str(data.get("date") or ""),
        "level": str(data.get("level") or ""),
        "container": str(data.get("container") or ""),
        "digital": bool(data.get("digital")),
        "score": float(found.score),
        "snippet": found.snippet,
        "collection": {
            "identifier": str(collection.get("identifier", "")),
            "title": str(collection.get("title", "")),
            "links": {
                "self": links.api("collection", str(collection.get("identifier", ""))),
                "html": links.absolute(str(collection.get("url", ""))),
            },
        }
        if isinstance(collection, dict) and collection.get("identifier")
        else None,
        "path": [
            {"title": str(step.get("title", "")), "url": links.absolute(str(step.get("url", "")))}
            for step in data.get("path") or []
        ],
        "links": {"self": api_link(found.key, links), "html": links.absolute(found.url)},
    }


def facets(results: SearchResults) -> dict[str, list[dict[str, Any]]]:
    titles = dict(
        Collection.objects.filter(
            identifier__in=[v.value for v in results.facets.get("collection", [])]
        ).values_list("identifier", "title")
    )
    labels: dict[str, dict[str, str]] = {
        "collection": titles,
        "type": TYPE_LABELS,
        "digital": DIGITAL_LABELS,
    }
    return {
        facet: [
            {
                "value": v.value,
                "label": labels.get(facet, {}).get(v.value, v.value),
                "count": v.count,
                "selected": v.selected,
            }
            for v in results.facets.get(facet, [])
        ]
        for facet in FACETS
    }


@endpoint(*SEARCH_PARAMS)
def search_view(request: HttpRequest, query: Query) -> HttpResponseBase:
    start = offset(request, query)
    limit = query.required_integer("limit")
    results = search(
        SearchRequest(
            text=query.text("q"),
            filters={f: query.values_of(f) for f in FACETS if query.values_of(f)},
            date_from=query.integer("from"),
            date_to=query.integer("to"),
            sort=query.text("sort"),
            offset=start,
            limit=limit,
        )
    )
    start = results.request.offset
    more = start + len(results.hits) < results.total and start + limit <= MAX_OFFSET
    links = out.Links(request)
    return json_response(
        {
            "data": [hit(h, links) for h in results.hits],
            "next": next_url(request, query, start + limit) if more else None,
            "total": results.total,
            "facets": facets(results),
        }
    )

"""The search page. Works without JavaScript: facets are links, the form is a GET."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fonds.findingaids.models import Collection

from .backends.base import FACETS
from .service import SearchRequest, search

PER_PAGE = 20
FACET_LABELS = {
    "type": "Record type",
    "collection": "Collection",
    "level": "Level",
    "decade": "Decade",
    "person": "Person",
    "organization": "Organization",
    "place": "Place",
    "subject": "Subject",
    "genre": "Genre / form",
    "digital": "Digital object",
}
TYPE_LABELS = {
    "collection": "Collection",
    "component": "Series, folder or item",
    "organization": "Organization",
    "person": "Person",
    "family": "Family",
    "event": "Event",
    "work": "Work",
}
DIGITAL_LABELS = {"yes": "Has a digital object", "no": "No digital object"}


def _year(value: str | None) -> int | None:
    try:
        year = int((value or "").strip())
    except ValueError:
        return None
    return year if -9999 <= year <= 9999 else None


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        return 1


def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    filters = {f: params.getlist(f) for f in FACETS if params.getlist(f)}
    page = _page(params.get("page"))
    query = SearchRequest(
        text=params.get("q", ""),
        filters=filters,
        date_from=_year(params.get("from")),
        date_to=_year(params.get("to")),
        sort=params.get("sort", "relevance"),
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    results = search(query)
    titles = dict(
        Collection.objects.filter(
            identifier__in=[v.value for v in results.facets.get("collection", [])]
        ).values_list("identifier", "title")
    )

    def link(**change: Any) -> str:
        data: list[tuple[str, str]] = [
            (k, v) for k in params for v in params.getlist(k) if k not in change and k != "page"
        ]
        for k, v in change.items():
            if isinstance(v, list):
                data += [(k, item) for item in v]
            elif v is not None:
                data.append((k, str(v)))
        return "?" + urlencode(data)

    facets = []
    for facet in FACETS:
        values = results.facets.get(facet, [])
        if not values:
            continue
        chosen = filters.get(facet, [])
        entries = []
        for value in values:
            others = [v for v in chosen if v != value.value]
            label = {
                "collection": titles.get(value.value, value.value),
                "type": TYPE_LABELS.get(value.value, value.value),
                "digital": DIGITAL_LABELS.get(value.value, value.value),
            }.get(facet, value.value)
            entries.append(
                {
                    "label": label,
                    "count": value.count,
                    "selected": value.selected,
                    "url": link(**{facet: others if value.selected else [*chosen, value.value]}),
                }
            )
        facets.append({"name": facet, "label": FACET_LABELS[facet], "values": entries})
    pages = (results.total + PER_PAGE - 1) // PER_PAGE
    chosen_collections = filters.get("collection", [])
    within = titles.get(chosen_collections[0]) if len(chosen_collections) == 1 else None
    context = {
        "results": results,
        "groups": results.grouped(),
        "facets": facets,
        "q": query.text,
        "date_from": params.get("from", ""),
        "date_to": params.get("to", ""),
        "sort": results.request.sort,
        "filters": [(f, v) for f, values in filters.items() for v in values],
        "page": page,
        "pages": pages,
        "previous_url": link(page=page - 1) if page > 1 else None,
        "next_url": link(page=page + 1) if page < pages else None,
        "within": within,
        "type_labels": TYPE_LABELS,
    }
    return render(request, "search/search.html", context)

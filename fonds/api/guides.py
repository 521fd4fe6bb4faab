"""Research guides in the API: the published ones, each with its public entries.

A guide that is not published is not found; an entry whose record is not public
(a draft, under embargo, internal) is left out, as on the guide's page
(:func:`fonds.guides.presentation.public_entries`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from fonds.guides.models import Guide
from fonds.guides.presentation import PublicEntry, public_entries
from fonds.pages.markdown import render as markdown

from .http import ApiError, endpoint, json_response
from .pagination import Keyset, page
from .params import PAGING, Query
from .serializers import Links

GUIDE_ORDER = Keyset(("position", "title", "slug"))


def _html(text: str) -> str:
    return markdown(text) if text else ""


def guide_summary(guide: Guide, links: Links) -> dict[str, Any]:
    return {
        "slug": guide.slug,
        "title": guide.title,
        "summary": guide.summary,
        "summary_html": _html(guide.summary),
        "links": {
            "self": links.api("guide", guide.slug),
            "html": links.absolute(guide.get_absolute_url()),
        },
    }


def _api_link(entry: PublicEntry, links: Links) -> str:
    record = entry.record
    if entry.kind == "component":
        return links.api("component", record.collection.identifier, record.ref)
    return links.api(entry.kind, record.identifier)


def guide_entry(entry: PublicEntry, links: Links) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "label": entry.label,
        "title": entry.title,
        "date": entry.dates,
        "context": entry.context,
        "note": entry.note,
        "note_html": _html(entry.note),
        "links": {"self": _api_link(entry, links), "html": links.absolute(entry.url)},
    }


@endpoint(*PAGING)
def guide_list(request: HttpRequest, query: Query) -> HttpResponseBase:
    found, next_url = page(request, query, Guide.objects.filter(published=True), GUIDE_ORDER)
    links = Links(request)
    return json_response({"data": [guide_summary(g, links) for g in found], "next": next_url})


@endpoint()
def guide_detail(request: HttpRequest, query: Query, slug: str) -> HttpResponseBase:
    guide = Guide.objects.filter(slug=slug, published=True).first()
    if guide is None:
        raise ApiError(404, f"No research guide {slug!r}.")
    links = Links(request)
    data = guide_summary(guide, links)
    data.update(
        {
            "introduction": guide.introduction,
            "introduction_html": _html(guide.introduction),
            "entries": [guide_entry(e, links) for e in public_entries(guide)],
        }
    )
    return json_response({"data": data})

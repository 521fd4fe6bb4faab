"""sitemap.xml, its pages, and robots.txt."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from . import robots, sitemaps

XML = "application/xml; charset=utf-8"
CACHE = "public, max-age=3600"


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(sitemaps.sitemap_index(sitemaps.index_entries()), content_type=XML)
    response["Cache-Control"] = CACHE
    return response


@require_safe
def sitemap_page(request: HttpRequest, name: str) -> StreamingHttpResponse:
    entries = sitemaps.page_entries(name)
    if entries is None:
        raise Http404("no such sitemap")
    response = StreamingHttpResponse(sitemaps.urlset(entries), content_type=XML)
    response["Cache-Control"] = CACHE
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(robots.robots_txt(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = CACHE
    return response

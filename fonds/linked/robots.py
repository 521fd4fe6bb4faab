"""robots.txt: crawl the portal, not its machinery.

Every public page is open to crawlers: nothing says otherwise. Closed to them: the
admin; the search page, whose facets and queries make endless addresses (the sitemap
lists every record it finds); the API and OAI-PMH, which harvesters use directly;
the printable versions, PDFs and tree fragments of finding aids, which repeat the
finding aid's page and cost the server most; the contact form's per-record variants.
Only Disallow lines are written, so parsers that take the first matching line and
those that take the longest agree. The sitemap index is named by its absolute address.
"""

from __future__ import annotations

from django.urls import reverse

from . import iris

DISALLOW = (
    "/admin/",
    "/search",
    "/api/",
    "/oai",
    "/collections/*/print/",
    "/collections/*/finding-aid.pdf",
    "/collections/*/children/",
    "/roster/print/",
    "/contact/?collection=",
)


def robots_txt() -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in DISALLOW]
    lines += ["", f"Sitemap: {iris.absolute(reverse('linked:sitemap'))}", ""]
    return "\n".join(lines)

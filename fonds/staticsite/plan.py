"""What the static site holds: every public page and download of the portal.

The records come from the search documents (:mod:`fonds.search.indexing`), read
collection by collection, so that a finding aid of a million components streams
through in chunks and each page is indexed with what the live search knows of it.
Pages reached only through a query string (the second page of a long list, a decade
of the timeline, a contents-tree fragment) are found in the links of the rendered
pages (:mod:`fonds.staticsite.links`) and need no list here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.bibliography.views import STYLES
from fonds.findingaids.models import Collection, Component
from fonds.guides.models import Guide
from fonds.pages.models import Page
from fonds.publishing.models import day_number, today
from fonds.search.indexing import Variants, all_owners, documents_of
from fonds.timeline.models import Event

from .links import DEFAULT_STYLE
from .search import Entry, entry_of, written_page_entry

OPTIONAL = ["linked:robots", "linked:sitemap"]
SITEMAPS = "/sitemaps/"  # the sitemap index lists its pages there


@dataclass
class Target:
    """One address to render: ``live`` is asked of Django (query string included),
    ``static`` is where the answer goes."""

    live: str
    static: str
    kind: str  # what the report counts: home, collection, component, agent...
    search: Entry | None = None  # indexed by Pagefind, with these filters

    @classmethod
    def at(cls, live: str, kind: str, search: Entry | None = None) -> Target:
        return cls(live, live, kind, search)


def fixed_pages() -> list[Target]:
    at = Target.at
    pages = [
        at(reverse("pages:home"), "home"),
        at(reverse("pages:contact"), "contact"),
        at(reverse("findingaids:collections"), "list"),
        at(reverse("authorities:roster"), "list"),
        at(reverse("authorities:graph"), "list"),
        at(reverse("authorities:print"), "print"),
        at(reverse("authorities:csv"), "download"),
        at(reverse("timeline:timeline"), "list"),
        at(reverse("timeline:timelinejs"), "download"),
        at(reverse("timeline:yaml"), "download"),
        at(reverse("timeline:csv"), "download"),
        at(reverse("bibliography:bibliography"), "list"),
        at(reverse("bibliography:csl"), "download"),
        at(reverse("bibliography:bibtex"), "download"),
        at(reverse("bibliography:ris"), "download"),
        at(reverse("guides:guides"), "list"),
        at(reverse("theme"), "static"),
    ]
    for name in OPTIONAL:  # routes other parts of fonds may add
        try:
            pages.append(at(reverse(name), "sitemap"))
        except NoReverseMatch:
            pass
    listing = reverse("bibliography:bibliography")
    for style in STYLES:
        if style != DEFAULT_STYLE:
            pages.append(Target(f"{listing}?style={style}", f"{listing}style/{style}/", "list"))
    return pages


def written_pages() -> Iterator[Target]:
    for slug in Page.objects.public().values_list("slug", flat=True):
        yield Target.at(reverse("pages:page", args=[slug]), "page", written_page_entry())
    for slug in Guide.objects.filter(published=True).values_list("slug", flat=True):
        yield Target.at(reverse("guides:guide", args=[slug]), "guide")


def record_pages(pdf: bool = True) -> Iterator[Target]:
    """Every public collection, component, agent, event and work, with its downloads.

    The search documents include records under embargo, marked with the day it ends:
    a static site is a snapshot of today, so they wait for the next export."""
    variants = Variants()
    now = day_number(today())
    for owner in all_owners():
        for document in documents_of(owner, variants):
            if document.available > now:
                continue
            entry = entry_of(document)
            if document.type == "component":
                identifier, _, ref = document.key.removeprefix("component:").partition("/")
                url = reverse("findingaids:component", args=[identifier, ref])
                yield Target.at(url, "component", entry)
                continue
            yield Target.at(document.data["url"], document.type, entry)
            identifier = owner.partition(":")[2]
            if document.type == "collection":
                yield Target.at(reverse("findingaids:print", args=[identifier]), "print")
                yield Target.at(reverse("findingaids:ead", args=[identifier]), "download")
                if pdf:
                    yield Target.at(reverse("findingaids:pdf", args=[identifier]), "download")
            elif owner.startswith("agent:"):
                yield Target.at(reverse("authorities:eac", args=[identifier]), "download")


def expected_total(pdf: bool = True) -> int:
    """How many addresses the export renders, before those found in links."""
    collections = Collection.objects.count()
    return (
        len(fixed_pages())
        + Page.objects.public().count()
        + Guide.objects.filter(published=True).count()
        + collections * (4 if pdf else 3)
        + Component.objects.filter(collection__internal=False).count()
        + Agent.objects.public().count() * 2
        + Event.objects.public().count()
        + Work.objects.public().count()
    )

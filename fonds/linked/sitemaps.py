"""sitemap.xml: an index of sitemap pages, none longer than 50,000 addresses.

``/sitemap.xml`` lists the pages; each lists public addresses with the time they last
changed where the database knows it::

    /sitemaps/pages.xml                    home, lists, contact, written pages
    /sitemaps/collections.xml              every public collection
    /sitemaps/components-DEMO-001-1.xml    a collection's components, 50,000 a page
    /sitemaps/roster.xml                   published roster records
    /sitemaps/timeline.xml                 published events
    /sitemaps/bibliography.xml             published works

A section with more than 50,000 addresses goes on in ``roster-2.xml`` and so on.
Component pages are written as the rows are read, in document order.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.db.models import Count, Max
from django.urls import reverse

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.guides.models import Guide
from fonds.pages.models import Page
from fonds.timeline.models import Event

from . import iris

PAGE_SIZE = 50_000  # the sitemaps protocol's limit of addresses in one file
CHUNK = 2_000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SECTIONS = ("pages", "collections", "roster", "timeline", "bibliography")
_NAME = re.compile(
    r"components-(?P<identifier>.+)-(?P<number>[1-9]\d*)|(?P<section>[a-z]+)(?:-(?P<n>[1-9]\d*))?"
)


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime.datetime | None = None


def _lastmod(value: datetime.datetime | None) -> str:
    return f"<lastmod>{value.isoformat(timespec='seconds')}</lastmod>" if value else ""


def urlset(entries: Iterable[Entry]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}">\n'
    for entry in entries:
        yield f"<url><loc>{escape(entry.loc)}</loc>{_lastmod(entry.lastmod)}</url>\n"
    yield "</urlset>\n"


def sitemap_index(entries: Iterable[Entry]) -> str:
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">\n']
    lines += [
        f"<sitemap><loc>{escape(e.loc)}</loc>{_lastmod(e.lastmod)}</sitemap>\n" for e in entries
    ]
    lines.append("</sitemapindex>\n")
    return "".join(lines)


def _page_name(section: str, number: int) -> str:
    return section if number == 1 else f"{section}-{number}"


def page_iri(name: str) -> str:
    return iris.absolute(reverse("linked:sitemap-page", args=[name]))


# -- what each section lists


def _section_count(section: str) -> tuple[int, datetime.datetime | None]:
    if section == "pages":
        pages = Page.objects.public()
        guides = Guide.objects.filter(published=True).count()  # research guides
        return len(_fixed_pages()) + pages.count() + guides, pages.aggregate(m=Max("updated_at"))[
            "m"
        ]
    if section == "collections":
        found = Collection.objects.aggregate(n=Count("id"), m=Max("updated_at"))
        return int(found["n"]), found["m"]
    if section == "roster":
        found = Agent.objects.public().aggregate(n=Count("id"), m=Max("updated_at"))
        return int(found["n"]), found["m"]
    if section == "timeline":
        return Event.objects.public().count(), None
    return Work.objects.public().count(), None


def _fixed_pages() -> list[str]:
    return [
        reverse("pages:home"),
        reverse("findingaids:collections"),
        reverse("authorities:roster"),
        reverse("timeline:timeline"),
        reverse("bibliography:bibliography"),
        reverse("guides:guides"),
        reverse("pages:contact"),
    ]


def _section_entries(section: str, number: int) -> Iterator[Entry]:
    start = (number - 1) * PAGE_SIZE
    stop = start + PAGE_SIZE
    if section == "pages":
        fixed = [Entry(iris.absolute(p)) for p in _fixed_pages()]
        written = [
            Entry(iris.absolute(p.get_absolute_url()), p.updated_at)
            for p in Page.objects.public().order_by("position", "slug")
        ] + [
            Entry(iris.absolute(g.get_absolute_url()), g.updated_at)
            for g in Guide.objects.filter(published=True).order_by("position", "slug")
        ]
        yield from (fixed + written)[start:stop]
    elif section == "collections":
        for identifier, updated in (
            Collection.objects.order_by("identifier")
            .values_list("identifier", "updated_at")[start:stop]
            .iterator(chunk_size=CHUNK)
        ):
            yield Entry(iris.collection_iri(identifier), updated)
    elif section == "roster":
        for identifier, updated in (
            Agent.objects.public()
            .order_by("identifier")
            .values_list("identifier", "updated_at")[start:stop]
            .iterator(chunk_size=CHUNK)
        ):
            yield Entry(iris.agent_iri(identifier), updated)
    elif section == "timeline":
        for identifier in (
            Event.objects.public()
            .order_by("identifier")
            .values_list("identifier", flat=True)[start:stop]
            .iterator(chunk_size=CHUNK)
        ):
            yield Entry(iris.event_iri(identifier))
    else:
        for identifier in (
            Work.objects.public()
            .order_by("identifier")
            .values_list("identifier", flat=True)[start:stop]
            .iterator(chunk_size=CHUNK)
        ):
            yield Entry(iris.work_iri(identifier))


def _component_entries(collection: Collection, number: int) -> Iterator[Entry]:
    """One page of a collection's public components, read in chunks by sequence."""
    url_of = iris.ComponentIRIs(collection.identifier)
    public = Component.objects.filter(collection=collection).order_by("sequence")
    first = list(public.values_list("sequence", flat=True)[(number - 1) * PAGE_SIZE :][:1])
    if not first:
        return
    after, left = first[0] - 1, PAGE_SIZE
    while left > 0:
        rows = list(
            public.filter(sequence__gt=after).values_list("sequence", "ref")[: min(CHUNK, left)]
        )
        if not rows:
            return
        for _, ref in rows:
            yield Entry(url_of(ref), collection.updated_at)
        after, left = rows[-1][0], left - len(rows)


# -- the index and its pages


def index_entries() -> list[Entry]:
    entries: list[Entry] = []
    for section in SECTIONS:
        count, lastmod = _section_count(section)
        for number in range(1, math.ceil(count / PAGE_SIZE) + 1):
            entries.append(Entry(page_iri(_page_name(section, number)), lastmod))
        if section == "collections":
            entries += _component_pages()
    return entries


def _component_pages() -> list[Entry]:
    counts = dict(
        Component.objects.order_by()
        .values_list("collection_id")
        .annotate(n=Count("id"))
        .values_list("collection_id", "n")
    )
    entries = []
    for collection_id, identifier, updated in Collection.objects.order_by("identifier").values_list(
        "id", "identifier", "updated_at"
    ):
        for number in range(1, math.ceil(counts.get(collection_id, 0) / PAGE_SIZE) + 1):
            entries.append(Entry(page_iri(f"components-{identifier}-{number}"), updated))
    return entries


def page_entries(name: str) -> Iterator[Entry] | None:
    """The entries of the sitemap page called ``name``; None when there is no such page."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    if match.group("identifier") is not None:
        number = int(match.group("number"))
        collection = Collection.objects.filter(identifier=match.group("identifier")).first()
        if collection is None:
            return None
        if (number - 1) * PAGE_SIZE >= collection.components.count() and number > 1:
            return None
        return _component_entries(collection, number)
    section, number = match.group("section"), int(match.group("n") or 1)
    if section not in SECTIONS:
        return None
    if number > 1 and (number - 1) * PAGE_SIZE >= _section_count(section)[0]:
        return None
    return _section_entries(section, number)

"""Searching, and keeping the index in step with the database.

``search()`` is what pages, the API and ``fonds search`` call. Facets are
multi-select: the counts of a facet are computed with every filter but its own, so
choosing one value still shows the others with their counts.

Writes follow one rule: the database first, the index after. ``enqueue()`` is called
inside the database transaction that changes records; ``sync()`` after the commit
brings the index up to date and removes the tasks it did. Tasks left by a crash are
done by the next ``sync()``, which every ``fonds`` command and the server run first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from fonds.publishing.models import day_number, today

from .analysis import highlight
from .backends import get_backend
from .backends.base import FACETS, Criteria, ParsedQuery
from .indexing import Variants, all_documents, documents_of
from .models import IndexTask
from .query import parse

SORTS = ("relevance", "date", "-date", "title")
MAX_LIMIT = 100
MAX_OFFSET = 10_000


@dataclass
class SearchRequest:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: int | None = None
    date_to: int | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facet_limit: int = 20
    facets: list[str] = field(default_factory=lambda: list(FACETS))

    def criteria(self) -> Criteria:
        return Criteria(
            parse(self.text),
            self.filters,
            self.date_from,
            self.date_to,
            available_on=day_number(today()),
        )


@dataclass
class Hit:
    key: str
    type: str
    title: str
    url: str
    score: float
    snippet: str  # safe HTML
    data: dict[str, Any]


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    exact: bool
    seconds: float

    def grouped(self) -> list[tuple[dict[str, str], list[Hit]]]:
        """Hits grouped under their collection, in the order of each group's best hit."""
        groups: dict[str, tuple[dict[str, str], list[Hit]]] = {}
        for hit in self.hits:
            collection = hit.data.get("collection") or {"identifier": "", "title": "", "url": ""}
            groups.setdefault(collection.get("identifier", ""), (collection, []))[1].append(hit)
        return list(groups.values())


def _clean(request: SearchRequest) -> SearchRequest:
    request.sort = request.sort if request.sort in SORTS else "relevance"
    request.limit = max(1, min(int(request.limit), MAX_LIMIT))
    request.offset = max(0, min(int(request.offset), MAX_OFFSET))
    request.filters = {
        k: [v for v in values if v][:20] for k, values in request.filters.items() if k in FACETS
    }
    request.facets = [f for f in request.facets if f in FACETS]
    if (
        request.date_from is not None
        and request.date_to is not None
        and request.date_from > request.date_to
    ):
        request.date_from, request.date_to = request.date_to, request.date_from
    return request


def _snippet_terms(query: ParsedQuery) -> tuple[set[str], set[str]]:
    folds = {t.fold for t in query.terms} | {w for p in query.phrases for w in p}
    keys = {t.key for t in query.terms if t.key}
    return folds, keys


def search(request: SearchRequest) -> SearchResults:
    started = time.perf_counter()
    request = _clean(request)
    criteria = request.criteria()
    backend = get_backend()
    raw = backend.search(
        criteria,
        sort=request.sort,
        offset=request.offset,
        limit=request.limit,
        facets={
            f: criteria.without(f) if request.filters.get(f) else criteria for f in request.facets
        },
        facet_limit=request.facet_limit,
    )
    counts = raw.facets
    facets: dict[str, list[FacetValue]] = {}
    for facet in request.facets:
        chosen = request.filters.get(facet, [])
        values = [FacetValue(v, c, v in chosen) for v, c in counts.get(facet, [])]
        shown = {v.value for v in values}
        values += [FacetValue(v, 0, True) for v in chosen if v not in shown]
        facets[facet] = values
    folds, keys = _snippet_terms(criteria.query)
    hits = [
        Hit(
            key=h.key,
            type=h.data.get("type", ""),
            title=h.data.get("title", ""),
            url=h.data.get("url", ""),
            score=h.score,
            snippet=highlight(h.body, folds, keys) if h.body and folds else "",
            data=h.data,
        )
        for h in raw.hits
    ]
    return SearchResults(
        request=request,
        total=raw.total,
        hits=hits,
        facets=facets,
        exact=raw.exact,
        seconds=time.perf_counter() - started,
    )


# -- keeping the index in step ----------------------------------------------------


def enqueue(*owners: str) -> None:
    """Note, inside the caller's transaction, that these records must be re-indexed."""
    for owner in owners:
        IndexTask.objects.update_or_create(owner=owner)


def enqueue_all_collections() -> None:
    from fonds.findingaids.models import Collection

    # every collection, the hidden ones too: their documents must go
    identifiers = Collection.all_objects.values_list("identifier", flat=True)
    enqueue(*(f"collection:{i}" for i in identifiers))


def pending_documents() -> int:
    """About how many documents the next :func:`sync` writes (for a progress bar): a
    collection's components, hidden ones included, and one for every other record."""
    from fonds.findingaids.models import Collection

    owners = list(IndexTask.objects.values_list("owner", flat=True))
    collections = [o.partition(":")[2] for o in owners if o.startswith("collection:")]
    counts = Collection.all_objects.filter(identifier__in=collections).values_list(
        "component_count", flat=True
    )
    return len(owners) + sum(counts)


def sync(progress: Callable[[int], None] | None = None) -> int:
    """Bring the index up to date with the tasks the database holds; return how many.
    ``progress`` is called with 1 for each document written."""
    tasks = list(IndexTask.objects.order_by("queued_at"))
    if not tasks:
        return 0
    variants = Variants()
    owners = [t.owner for t in tasks]
    backend = get_backend()
    documents = _documents(owners, variants)
    if progress is not None:
        documents = _counted(documents, progress)
    backend.replace(owners, documents)
    with transaction.atomic():
        for task in tasks:
            # a task queued again while we indexed keeps its place for the next sync
            IndexTask.objects.filter(pk=task.pk, queued_at=task.queued_at).delete()
    return len(tasks)


def _counted(documents: Iterable[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    for document in documents:
        yield document
        progress(1)


def _documents(owners: Iterable[str], variants: Variants) -> Iterable[Any]:
    for owner in owners:
        yield from documents_of(owner, variants)


def reindex() -> int:
    """Rebuild the whole index from the database.

    Tasks queued before the rebuild began are covered by it; later ones stay queued.
    """
    from django.utils import timezone

    from fonds.publishing.service import refresh_all

    started = timezone.now()
    refresh_all()  # components' inherited states, should a bulk update have skipped them
    count = get_backend().rebuild(all_documents())
    IndexTask.objects.filter(queued_at__lte=started).delete()
    return count

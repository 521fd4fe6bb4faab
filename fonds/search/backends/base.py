"""What every backend takes and gives: documents in, ranked keys and counts out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

# Facets, in the order pages show them; each is a multi-valued string field.
FACETS = [
    "type",
    "collection",
    "level",
    "decade",
    "person",
    "organization",
    "place",
    "subject",
    "genre",
    "digital",
]


@dataclass
class SearchDocument:
    key: str  # "component:C1752/aspace_123", "collection:C1752", "agent:ncsj"...
    owner: str  # what it is replaced with: "collection:C1752" for a collection's records
    type: str
    title: str
    names: list[str] = field(default_factory=list)
    body: str = ""
    context: str = ""  # ancestors' and collection's titles
    variants: list[str] = field(default_factory=list)  # from authority records
    facets: dict[str, list[str]] = field(default_factory=dict)
    begin: int | None = None
    end: int | None = None
    boost: float = 0.0
    sort_title: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # what a result shows
    available: int = 0  # under embargo until this day (20261204); 0: none


@dataclass
class QueryTerm:
    fold: str
    key: str


@dataclass
class ParsedQuery:
    """A user's query as words and phrases; never a syntax a backend could refuse."""

    terms: list[QueryTerm] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)  # folded words
    excluded: list[QueryTerm] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.terms or self.phrases)


@dataclass
class Criteria:
    """Everything that selects documents: the query, facet filters, a date range."""

    query: ParsedQuery
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: int | None = None
    date_to: int | None = None
    # only documents available on this day (20261204): embargoes end by themselves
    available_on: int | None = None

    def without(self, facet: str) -> Criteria:
        filters = {k: v for k, v in self.filters.items() if k != facet}
        return Criteria(self.query, filters, self.date_from, self.date_to, self.available_on)


@dataclass
class RawHit:
    key: str
    score: float
    data: dict[str, Any]
    body: str


@dataclass
class RawResults:
    total: int
    hits: list[RawHit]
    facets: dict[str, list[tuple[str, int]]]
    exact: bool = True  # facet counts are exact


class SearchBackend(Protocol):
    def replace(self, owners: Iterable[str], documents: Iterable[SearchDocument]) -> int:
        """Delete the documents of ``owners`` and add ``documents``, atomically."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``documents``."""

    def search(
        self,
        criteria: Criteria,
        *,
        sort: str,
        offset: int,
        limit: int,
        facets: dict[str, Criteria],
        facet_limit: int,
    ) -> RawResults:
        """Hits for ``criteria``; each facet counted under its own criteria (a selected
        facet is counted without its own filter: multi-select)."""

    def count(self) -> int: ...

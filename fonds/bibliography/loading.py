"""Loading the bibliography (CSL-JSON, BibTeX/BibLaTeX, RIS) into works.

CSL-JSON is the record of truth: every format is converted to it on the way in and
from it on the way out. Links to the roster and the timeline travel in a ``fonds``
key of the item ({"agents": [...], "events": [...]}), which exports leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import icu
from django.db import transaction

from fonds.authorities.models import Agent
from fonds.fitting import check_fits
from fonds.formats.csl import display_authors, issued_year
from fonds.timeline.models import Event

from .models import Work

_LATIN = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@dataclass
class WorksOutcome:
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "replaced" if self.updated else "loaded"

    @property
    def count(self) -> int:
        return self.created + self.updated


def work_identifier(item: dict[str, Any]) -> str:
    """A URL-safe identifier from the item's id, romanized: "Бегун-1990" -> "begun-1990"."""
    raw = str(item.get("id") or item.get("title") or "work")
    latin = _LATIN.transliterate(raw) if not raw.isascii() else raw
    slug = re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-")
    return slug[:200] or "work"


def identifiers(items: list[dict[str, Any]], path: str) -> tuple[list[str], list[str]]:
    """Identifiers for the items of one file, distinct even where two ids reduce to the
    same slug ("smith:2000", "smith-2000"); with a warning for each such case."""
    taken: dict[str, str] = {}
    found: list[str] = []
    warnings: list[str] = []
    for item in items:
        base = work_identifier(item)
        slug, number = base, 1
        while slug in taken and taken[slug] != str(item.get("id")):
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            warnings.append(
                f"{path}: warning: item {item.get('id')!r} would share the identifier "
                f"{base!r} with {taken[base]!r}; it is {slug!r}"
            )
        taken[slug] = str(item.get("id"))
        found.append(slug)
    return found, warnings


@transaction.atomic
def save_works(items: Iterable[dict[str, Any]], path: str) -> WorksOutcome:
    outcome = WorksOutcome()
    agents = dict(Agent.objects.values_list("identifier", "id"))
    events = dict(Event.objects.values_list("identifier", "id"))
    items = list(items)
    slugs, outcome.warnings = identifiers(items, path)
    for item, slug in zip(items, slugs, strict=True):
        links = item.get("fonds") or {}
        defaults = {
            "csl": item,
            "work_type": str(item.get("type", ""))[:50],
            "title": str(item.get("title", "")),
            "creators_text": display_authors(item),
            "issued_year": issued_year(item),
        }
        check_fits(Work, {"identifier": slug, **defaults}, what=f"work {slug}", path=path)
        work, created = Work.objects.update_or_create(identifier=slug, defaults=defaults)
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
        work.agents.set([agents[a] for a in links.get("agents", []) if a in agents])
        work.events.set([events[e] for e in links.get("events", []) if e in events])
        for value in links.get("agents", []):
            if value not in agents:
                outcome.warnings.append(
                    f"{path}: warning: work {work.identifier} names roster record {value!r}, "
                    "which is not loaded; link left out"
                )
        for value in links.get("events", []):
            if value not in events:
                outcome.warnings.append(
                    f"{path}: warning: work {work.identifier} names event {value!r}, "
                    "which is not loaded; link left out"
                )
    return outcome

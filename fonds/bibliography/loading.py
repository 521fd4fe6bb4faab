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

from django.db import transaction

from fonds.authorities.models import Agent
from fonds.formats.csl import display_authors, issued_year
from fonds.timeline.models import Event

from .models import Work


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
    raw = str(item.get("id") or item.get("title") or "work")
    slug = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    return slug[:200] or "work"


@transaction.atomic
def save_works(items: Iterable[dict[str, Any]], path: str) -> WorksOutcome:
    outcome = WorksOutcome()
    agents = dict(Agent.objects.values_list("identifier", "id"))
    events = dict(Event.objects.values_list("identifier", "id"))
    for item in items:
        links = item.get("fonds") or {}
        work, created = Work.objects.update_or_create(
            identifier=work_identifier(item),
            defaults={
                "csl": item,
                "work_type": str(item.get("type", ""))[:50],
                "title": str(item.get("title", "")),
                "creators_text": display_authors(item),
                "issued_year": issued_year(item),
            },
        )
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

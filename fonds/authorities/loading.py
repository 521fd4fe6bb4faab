"""Loading the roster: YAML, CSV and EAC-CPF into authority records.

A file loads whole or not at all. An agent already in the roster (same identifier)
is updated in place and its names and outgoing relations replaced; its page address
and the links other records have to it stay. Relations name their target by roster
identifier; a target that is not in the roster (yet) is kept by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from fonds.fitting import check_fits
from fonds.formats.edtf_dates import parse as parse_edtf
from fonds.formats.roster import AgentRecord

from .models import Agent, AgentName, AgentRelation


@dataclass
class RosterOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def status(self) -> str:
        if self.created and not self.updated:
            return "loaded"
        if self.created or self.updated:
            return "replaced" if self.updated else "loaded"
        return "unchanged"

    @property
    def count(self) -> int:
        return self.created + self.updated + self.unchanged


def _years(value: str) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    try:
        date = parse_edtf(value)
    except ValueError:
        return None, None
    return date.lower_year, date.upper_year


def _sort_name(record: AgentRecord) -> str:
    if record.sort_name:
        return record.sort_name
    if record.kind == "person" and " " in record.name and "," not in record.name:
        first, _, last = record.name.rpartition(" ")
        return f"{last}, {first}"
    return record.name


@transaction.atomic
def save_agents(records: Iterable[AgentRecord], path: str = "") -> RosterOutcome:
    """Save the records of one file (``path``, named in errors) in one transaction."""
    records = list(records)
    outcome = RosterOutcome()
    saved: dict[str, Agent] = {}
    for record in records:
        begin, end = _years(record.existence)
        if "/" not in record.existence:
            end = None  # a single date is a founding or a birth, not an end
        defaults = {
            "kind": record.kind,
            "authorized_name": record.name,
            "sort_name": _sort_name(record),
            "organization_type": record.type if record.kind == "organization" else "",
            "existence": record.existence,
            "begin_year": begin,
            "end_year": end,
            "places": record.places,
            "summary": record.summary,
            "history": record.history,
            "sources": record.sources,
            "languages_used": record.languages_used,
            "resources": record.resources,
            "descriptive_terms": record.descriptive_terms,
            "record_id": record.record_id[:200],
            "other_record_ids": record.other_record_ids,
            "maintenance": record.maintenance,
        }
        what, line = f"agent {record.identifier}", record.sourceline
        check_fits(
            Agent, {"identifier": record.identifier, **defaults}, what=what, path=path, line=line
        )
        agent, created = Agent.objects.update_or_create(
            identifier=record.identifier, defaults=defaults
        )
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
        agent.names.all().delete()
        names = [
            AgentName(
                agent=agent,
                name=n.name,
                name_type=n.type,
                language=n.language,
                script=n.script,
                transliteration=n.transliteration,
                dates=n.dates,
                position=position,
                eac=n.eac,
            )
            for position, n in enumerate(record.names)
        ]
        for name in names:
            check_fits(AgentName, vars(name), what=f"{what}, a name", path=path, line=line)
        AgentName.objects.bulk_create(names)
        saved[record.identifier] = agent
    # relations once every agent of the file exists
    known = dict(Agent.objects.values_list("identifier", "id"))
    for record in records:
        agent = saved[record.identifier]
        agent.relations_out.all().delete()
        relations = [
            AgentRelation(
                source=agent,
                target_id=known.get(r.target),
                target_name="" if r.target in known else r.target,
                relation_type=r.type,
                role=r.role,
                dates=r.dates,
                note=r.note,
                eac=r.eac,
            )
            for r in record.relations
        ]
        for relation in relations:
            where = {"what": f"agent {record.identifier}, a relation", "path": path}
            check_fits(AgentRelation, vars(relation), **where, line=record.sourceline)
        AgentRelation.objects.bulk_create(relations)
    # relations elsewhere that named one of these agents before it existed
    for relation in AgentRelation.objects.filter(target__isnull=True, target_name__in=list(saved)):
        relation.target = saved[relation.target_name]
        relation.target_name = ""
        relation.save()
    return outcome

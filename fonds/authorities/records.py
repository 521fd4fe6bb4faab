"""Roster rows as format records, for the exporters (CSV, YAML) and for comparisons."""

from __future__ import annotations

from fonds.formats.roster import AgentRecord, NameRecord, RelationRecord

from .models import Agent


def agent_record(agent: Agent) -> AgentRecord:
    return AgentRecord(
        identifier=agent.identifier,
        kind=agent.kind,
        name=agent.authorized_name,
        sort_name=agent.sort_name,
        type=agent.organization_type,
        existence=agent.existence,
        places=list(agent.places),
        names=[
            NameRecord(
                name=n.name,
                type=n.name_type,
                language=n.language,
                script=n.script,
                transliteration=n.transliteration,
                dates=n.dates,
                eac=n.eac,
            )
            for n in agent.names.all()
        ],
        summary=agent.summary,
        history=agent.history,
        relations=[
            RelationRecord(
                type=r.relation_type,
                target=r.target.identifier if r.target else r.target_name,
                role=r.role,
                dates=r.dates,
                note=r.note,
                eac=r.eac,
            )
            for r in agent.relations_out.select_related("target").order_by("pk")
            if r.target is None or r.target.is_public  # never name an unpublished record
        ],
        sources=list(agent.sources),
        languages_used=list(agent.languages_used),
        resources=list(agent.resources),
        descriptive_terms=list(agent.descriptive_terms),
        record_id=agent.record_id,
        other_record_ids=list(agent.other_record_ids),
        maintenance=dict(agent.maintenance),
    )

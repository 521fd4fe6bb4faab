"""EAC-CPF in and out of the roster.

In: an EAC-CPF 2010 or 2.0 record becomes a roster record. Its recordId gives the
identifier; its relations name their targets as written, and a target already in
the roster (by any of its names) is linked. Out: a roster record as EAC-CPF 2010 or
2.0, valid against the official schemas.

The relation vocabularies meet like this (EAC-CPF says what the *other* entity is):
hierarchical-parent -> affiliate_of, hierarchical-child -> parent_of,
temporal-earlier -> successor_of, temporal-later -> predecessor_of, and
associative, family and the rest -> associated_with.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fonds.formats.eaccpf import AuthorityRecord, NameEntry, Place, Relation, read_eac
from fonds.formats.eaccpf_write import write_eac
from fonds.formats.roster import AgentRecord, NameRecord, RelationRecord, slugify
from fonds.formats.timelinejs import html_to_markdown, markdown_to_html
from fonds.search.analysis import analyzed

from .models import Agent, AgentName, AgentRelation

FROM_EAC = {
    "hierarchical-parent": "affiliate_of",
    "hierarchical-child": "parent_of",
    "temporal-earlier": "successor_of",
    "temporal-later": "predecessor_of",
}
TO_EAC = {
    "affiliate_of": "hierarchical-parent",
    "member_of": "hierarchical-parent",
    "parent_of": "hierarchical-child",
    "has_member": "hierarchical-child",
    "successor_of": "temporal-earlier",
    "predecessor_of": "temporal-later",
}


# A relation's role (first executive director) travels as the first paragraph of
# its descriptiveNote, so that it comes back from an export.
ROLE_PREFIX = "Role: "


def _role_and_note(description: str) -> tuple[str, str]:
    lines = description.split("\n")
    if lines and lines[0].startswith(ROLE_PREFIX):
        return lines[0][len(ROLE_PREFIX) :].strip(), "\n".join(lines[1:]).strip()
    return "", description


def _known_names() -> dict[str, str]:
    known = {
        analyzed(name): identifier
        for identifier, name in Agent.objects.values_list("identifier", "authorized_name")
    }
    for identifier, name in AgentName.objects.values_list("agent__identifier", "name"):
        known.setdefault(analyzed(name), identifier)
    return known


def read_authority(path: Path) -> AgentRecord:
    record = read_eac(path.read_bytes(), str(path))
    known = _known_names()
    names = [n for n in record.names if n.authorized] or record.names
    authorized = names[0]
    relations = []
    for relation in record.relations:
        if relation.kind != "cpf" or relation.relation_type == "identity":
            continue
        target = known.get(analyzed(relation.target_name), relation.target_name)
        role, note = _role_and_note(relation.description)
        relations.append(
            RelationRecord(
                type=FROM_EAC.get(relation.relation_type or "", "associated_with"),
                target=target[:500],
                role=role,
                dates=relation.dates or "",
                note=note,
            )
        )
    resources = [
        f"{r.target_name} ({r.href})" if r.href else r.target_name
        for r in record.relations
        if r.kind == "resource"
    ]
    return AgentRecord(
        identifier=slugify(record.record_id) or slugify(authorized.text),
        kind=record.entity_type,
        name=authorized.text,
        existence=record.existence or "",
        places=[
            {
                k: v
                for k, v in (("name", p.name), ("role", p.role or ""), ("dates", p.dates or ""))
                if v
            }
            for p in record.places
        ],
        names=[
            NameRecord(
                name=n.text,
                type=n.name_type if n.name_type != "authorized" else "variant",
                language=n.language or "",
                script=n.script or "",
                transliteration=n.transliteration or "",
                dates=n.dates or "",
            )
            for n in record.names
            if n is not authorized
        ],
        summary=record.summary,
        history=html_to_markdown(record.biog_hist_html) if record.biog_hist_html else "",
        relations=relations,
        sources=record.sources + resources,
        sourceline=record.sourceline,
    )


def authority_record(agent: Agent) -> AuthorityRecord:
    names = [NameEntry(text=agent.authorized_name, authorized=True, name_type="authorized")]
    names += [
        NameEntry(
            text=n.name,
            language=n.language or None,
            script=n.script or None,
            transliteration=n.transliteration or None,
            name_type=n.name_type if n.name_type != "authorized" else "variant",
            dates=n.dates or None,
        )
        for n in agent.names.all()
    ]
    relations = [
        Relation(
            kind="cpf",
            target_name=r.target.authorized_name if r.target else r.target_name,
            relation_type=TO_EAC.get(r.relation_type, "associative"),
            href=r.target.get_absolute_url() if r.target else None,
            dates=r.dates or None,
            description="\n".join(
                p for p in (f"{ROLE_PREFIX}{r.role}" if r.role else "", r.note) if p
            ),
        )
        for r in _relations_out(agent)
        if r.target is None or r.target.is_public  # never name an unpublished record
    ]
    return AuthorityRecord(
        record_id=agent.identifier,
        entity_type=agent.kind,
        names=names,
        existence=agent.existence or None,
        places=[
            Place(name=p.get("name", ""), role=p.get("role") or None, dates=p.get("dates") or None)
            for p in agent.places
            if p.get("name")
        ],
        biog_hist_html=markdown_to_html(agent.history) if agent.history else "",
        summary=agent.summary,
        sources=list(agent.sources),
        relations=relations,
        maintenance_agency=_agency(),
    )


def _relations_out(agent: Agent) -> Iterable[AgentRelation]:
    """The agent's relations with their targets: those prefetched for a list of agents
    (an OAI-PMH page), else in one query."""
    if "relations_out" in getattr(agent, "_prefetched_objects_cache", {}):
        return agent.relations_out.all()
    return agent.relations_out.select_related("target")


def _agency() -> str:
    from django.conf import settings

    return str(settings.ARCHIVE_NAME)


def export_eac(agent: Agent, version: str = "2010") -> bytes:
    return write_eac(authority_record(agent), version=version)

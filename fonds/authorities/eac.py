"""EAC-CPF in and out of the roster.

In: an EAC-CPF 2010 or 2.0 record becomes a roster record. Its recordId gives the
identifier (and is kept); its relations name their targets as written, and a target
already in the roster (by a roster address, else by any of its names) is linked. Out:
a roster record as EAC-CPF 2010 or 2.0, valid against the official schemas.

Out, in and out again gives the same document: what the roster holds and EAC-CPF has
no element for travels in fonds terms (``urn:x-fonds:``, see docs/demo-data.md):

* a relation's type as its ``xlink:arcrole`` (2.0 ``targetRole/@valueURI``),
  ``urn:x-fonds:relation:member_of``, with the nearest standard cpfRelationType;
  its role (first executive director) as the first paragraph of its
  descriptiveNote, "Role: ...";
* an organization's type as ``localDescription[@localType=urn:x-fonds:organization-type]``;
* a sort name unlike the name as ``localControl[@localType=urn:x-fonds:sort-name]``.

What a loaded record says that the roster has no column for is kept as written and
written back: a name's parts, rules, localType and parallel group (``AgentName.eac``);
a relation's own type, arcrole, link and role (``AgentRelation.eac``, written while
they still mean the relation's type, so an archivist's change wins); resource and
function relations, languages used, occupations, functions and local descriptions;
recordId, otherRecordIds, maintenance agency, status, history and local controls.
The first authorized name is the record's name; it is also kept among the names
when it says more than its text or is not the first name.

An EAC-CPF relation type names what the *other* entity is: hierarchical-parent ->
affiliate_of, hierarchical-child -> parent_of, temporal-earlier -> successor_of,
temporal-later -> predecessor_of, and associative, family and the rest ->
associated_with; arcroles of SNAC's vocabulary (associatedWith, parentBodyOf,
earlier...) are read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from fonds.formats.eaccpf import (
    AuthorityRecord,
    LocalTerm,
    NameEntry,
    Place,
    Relation,
    read_eac,
)
from fonds.formats.eaccpf_write import write_eac
from fonds.formats.roster import AgentRecord, NameRecord, RelationRecord, slugify
from fonds.formats.timelinejs import html_to_markdown, markdown_to_html
from fonds.search.analysis import analyzed

from .models import Agent, AgentName, AgentRelation

VOCABULARY = "urn:x-fonds:"
RELATION_ARCROLE = VOCABULARY + "relation:"  # + the relation type
ORGANIZATION_TYPE = VOCABULARY + "organization-type"
SORT_NAME = VOCABULARY + "sort-name"

FROM_EAC = {
    "hierarchical-parent": "affiliate_of",
    "hierarchical-child": "parent_of",
    "temporal-earlier": "successor_of",
    "temporal-later": "predecessor_of",
}
TO_EAC = {  # the nearest standard type
    "affiliate_of": "hierarchical-parent",
    "member_of": "hierarchical-parent",
    "parent_of": "hierarchical-child",
    "has_member": "hierarchical-child",
    "successor_of": "temporal-earlier",
    "predecessor_of": "temporal-later",
}
ARCROLE_WORDS = {  # the last word of an arcrole, lower case
    "associatedwith": "associated_with",
    "parentbodyof": "parent_of",
    "childbodyof": "affiliate_of",
    "earlier": "successor_of",
    "later": "predecessor_of",
    "memberof": "member_of",
    "hasmember": "has_member",
    "foundedby": "founded_by",
    "founderof": "founded",
}
RELATION_TYPES = frozenset(dict(AgentRelation.TYPES))
ORGANIZATION_TYPES = frozenset(dict(Agent.ORGANIZATION_TYPES))
_NMTOKEN = re.compile(r"[\w.\-:\u00b7]+")  # what 2010 takes as a recordId

# A relation's role (first executive director) travels as the first paragraph of
# its descriptiveNote, so that it comes back from an export.
ROLE_PREFIX = "Role: "


def relation_type(eac_type: str | None, arcrole: str | None) -> str:
    """The roster's relation type for an EAC-CPF relation type and arcrole."""
    if arcrole and arcrole.startswith(RELATION_ARCROLE):
        ours = arcrole[len(RELATION_ARCROLE) :]
        if ours in RELATION_TYPES:
            return ours
    word = re.split(r"[#/:]", arcrole or "")[-1].lower()
    return ARCROLE_WORDS.get(word) or FROM_EAC.get(eac_type or "", "associated_with")


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


def _roster_identifier(href: str | None) -> str | None:
    """The roster identifier in a link to a roster page (/roster/ncsj/), else None."""
    marker = "0"
    pattern = re.escape(reverse("authorities:agent", args=[marker])).replace(
        re.escape(marker), "([a-z0-9][a-z0-9-]*)"
    )
    match = re.fullmatch(pattern, href or "")
    return match.group(1) if match else None


def _compact(pairs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pairs.items() if v not in (None, "", [], {})}


# -- in ----------------------------------------------------------------------------


def read_authority(path: Path) -> AgentRecord:
    return agent_from_eac(read_eac(path.read_bytes(), str(path)))


def _name_details(name: NameEntry) -> dict[str, Any]:
    parts = [[kind, text] for kind, text in name.parts]
    return _compact(
        {
            "parts": parts if name.parts != [(None, name.text)] else None,
            "rules": name.rules,
            "local_type": name.local_type,
            "parallel": name.parallel,
            "dates_text": name.dates_text,
        }
    )


def _names(record: AuthorityRecord) -> tuple[NameEntry, list[NameRecord]]:
    """The record's name, and its names as roster names."""
    first = next(i for i, n in enumerate(record.names) if n.authorized)
    authorized = record.names[first]
    plain = first == 0 and not (
        authorized.language
        or authorized.script
        or authorized.transliteration
        or authorized.dates
        or _name_details(authorized)
    )
    names = [
        NameRecord(
            name=n.text,
            type=n.name_type,
            language=n.language or "",
            script=n.script or "",
            transliteration=n.transliteration or "",
            dates=n.dates or "",
            eac=_name_details(n),
        )
        for n in record.names
        if not (plain and n is authorized)
    ]
    return authorized, names


def _relation(relation: Relation, known: dict[str, str]) -> RelationRecord:
    kind = relation_type(relation.relation_type, relation.arcrole)
    ours = relation.arcrole == RELATION_ARCROLE + kind
    in_roster = _roster_identifier(relation.href)
    role, note = _role_and_note(relation.description)
    details = (
        {}
        if ours
        else {
            "relation_type": relation.relation_type,
            "arcrole": relation.arcrole,
            "role": relation.role,
        }
    )
    details |= {"href": None if in_roster else relation.href, "dates_text": relation.dates_text}
    return RelationRecord(
        type=kind,
        target=in_roster or known.get(analyzed(relation.target_name), relation.target_name[:500]),
        role=role,
        dates=relation.dates or "",
        note=note,
        eac=_compact(details),
    )


def _resource(relation: Relation) -> dict[str, str]:
    return _compact(
        {
            "title": relation.target_name,
            "href": relation.href,
            "relation_type": relation.relation_type,
            "role": relation.role,
            "arcrole": relation.arcrole,
            "dates": relation.dates,
            "dates_text": relation.dates_text,
            "note": relation.description,
            "kind": "function" if relation.kind == "function" else None,
        }
    )


def agent_from_eac(record: AuthorityRecord) -> AgentRecord:
    """The roster record for an EAC-CPF record."""
    known = _known_names()
    authorized, names = _names(record)
    organization_type = ""
    descriptive = [{"element": "occupation", "term": t} for t in record.occupations]
    descriptive += [{"element": "function", "term": t} for t in record.functions]
    for local in record.local_descriptions:
        is_type = local.local_type == ORGANIZATION_TYPE and local.term in ORGANIZATION_TYPES
        if is_type and record.entity_type == "organization" and not organization_type:
            organization_type = local.term
        else:
            descriptive.append(
                _compact({"element": "localDescription", "type": local.local_type})
                | {"term": local.term}
            )
    sort_name = next((c.term for c in record.local_controls if c.local_type == SORT_NAME), "")
    local_controls = [
        _compact({"type": c.local_type}) | {"term": c.term}
        for c in record.local_controls
        if c.local_type != SORT_NAME
    ]
    return AgentRecord(
        identifier=slugify(record.record_id) or slugify(authorized.text),
        kind=record.entity_type,
        name=authorized.text,
        sort_name=sort_name,
        type=organization_type,
        existence=record.existence or "",
        places=[
            _compact({"name": p.name, "role": p.role, "dates": p.dates}) for p in record.places
        ],
        names=names,
        summary=record.summary,
        history=html_to_markdown(record.biog_hist_html) if record.biog_hist_html else "",
        relations=[_relation(r, known) for r in record.relations if r.kind == "cpf"],
        sources=record.sources,
        sourceline=record.sourceline,
        languages_used=record.languages_used,
        resources=[_resource(r) for r in record.relations if r.kind != "cpf"],
        descriptive_terms=descriptive,
        record_id=record.record_id,
        other_record_ids=[
            _compact({"id": i, "type": record.other_record_types.get(i)})
            for i in record.other_record_ids
        ],
        maintenance=_compact(
            {
                "status": record.maintenance_status,
                "agency": record.maintenance_agency,
                "agency_code": record.agency_code,
                "events": record.maintenance_events,
                "local_controls": local_controls,
            }
        ),
    )


# -- out ---------------------------------------------------------------------------


def _name_entry(name: AgentName) -> NameEntry:
    details = name.eac or {}
    parts = [(kind, text) for kind, text in details.get("parts") or []]
    if ", ".join(text for _, text in parts) != name.name:  # edited since: the text wins
        parts = [(None, name.name)]
    return NameEntry(
        text=name.name,
        parts=parts,
        language=name.language or None,
        script=name.script or None,
        transliteration=name.transliteration or None,
        authorized=name.name_type == AgentName.AUTHORIZED,
        name_type=name.name_type,
        dates=name.dates or None,
        dates_text=details.get("dates_text"),
        local_type=details.get("local_type"),
        rules=details.get("rules"),
        parallel=details.get("parallel"),
    )


def _name_entries(agent: Agent) -> list[NameEntry]:
    rows = list(agent.names.all())
    entries = [_name_entry(n) for n in rows]
    if not any(n.authorized and n.text == agent.authorized_name for n in entries):
        entries.insert(
            0,
            NameEntry(
                text=agent.authorized_name,
                parts=[(None, agent.authorized_name)],
                authorized=True,
                name_type="authorized",
            ),
        )
    return entries


def _cpf_relation(relation: AgentRelation) -> Relation:
    details = relation.eac or {}
    written = (details.get("relation_type"), details.get("arcrole"))
    if not details or relation_type(*written) != relation.relation_type:
        written = (
            TO_EAC.get(relation.relation_type, "associative"),
            RELATION_ARCROLE + relation.relation_type,
        )
        details = {k: v for k, v in details.items() if k in ("href", "dates_text")}
    target = relation.target
    roster_link = target.get_absolute_url() if target else None
    role = f"{ROLE_PREFIX}{relation.role}" if relation.role else ""
    return Relation(
        kind="cpf",
        target_name=target.authorized_name if target else relation.target_name,
        relation_type=written[0],
        arcrole=written[1],
        href=details.get("href") or roster_link,
        role=details.get("role"),
        dates=relation.dates or None,
        dates_text=details.get("dates_text"),
        description="\n".join(p for p in (role, relation.note) if p),
    )


def _other_relation(resource: dict[str, str]) -> Relation:
    return Relation(
        kind="function" if resource.get("kind") == "function" else "resource",
        target_name=resource.get("title", ""),
        relation_type=resource.get("relation_type"),
        arcrole=resource.get("arcrole"),
        href=resource.get("href"),
        role=resource.get("role"),
        dates=resource.get("dates"),
        dates_text=resource.get("dates_text"),
        description=resource.get("note", ""),
    )


def authority_record(agent: Agent, version: str = "2010") -> AuthorityRecord:
    """The roster record as EAC-CPF would hold it."""
    relations = [
        _cpf_relation(r)
        for r in _relations_out(agent)
        if r.target is None or r.target.is_public  # never name an unpublished record
    ]
    others = [_other_relation(r) for r in agent.resources]
    relations += sorted(others, key=lambda r: r.kind == "function")  # resources first
    terms = agent.descriptive_terms
    local = [LocalTerm(ORGANIZATION_TYPE, agent.organization_type)]
    local = local if agent.kind == "organization" and agent.organization_type else []
    local += [
        LocalTerm(t.get("type"), t["term"]) for t in terms if t["element"] == "localDescription"
    ]
    maintenance = agent.maintenance or {}
    controls = [LocalTerm(SORT_NAME, agent.sort_name)]
    controls = controls if agent.sort_name and agent.sort_name != agent.authorized_name else []
    controls += [LocalTerm(c.get("type"), c["term"]) for c in maintenance.get("local_controls", [])]
    record_id = agent.record_id or agent.identifier
    if version == "2010" and not _NMTOKEN.fullmatch(record_id):
        record_id = agent.identifier  # 2010 takes no spaces in a recordId
    return AuthorityRecord(
        record_id=record_id,
        entity_type=agent.kind,
        names=_name_entries(agent),
        existence=agent.existence or None,
        places=[
            Place(name=p.get("name", ""), role=p.get("role") or None, dates=p.get("dates") or None)
            for p in agent.places
            if p.get("name")
        ],
        biog_hist_html=markdown_to_html(agent.history) if agent.history else "",
        summary=agent.summary,
        occupations=[t["term"] for t in terms if t["element"] == "occupation"],
        functions=[t["term"] for t in terms if t["element"] == "function"],
        languages_used=list(agent.languages_used),
        sources=list(agent.sources),
        relations=relations,
        maintenance_status=maintenance.get("status") or "new",
        maintenance_agency=maintenance.get("agency") or str(settings.ARCHIVE_NAME),
        agency_code=maintenance.get("agency_code"),
        maintenance_events=list(maintenance.get("events", [])),
        other_record_ids=[o["id"] for o in agent.other_record_ids],
        other_record_types={o["id"]: o["type"] for o in agent.other_record_ids if o.get("type")},
        local_controls=controls,
        local_descriptions=local,
    )


def _relations_out(agent: Agent) -> Iterable[AgentRelation]:
    """The agent's relations with their targets, in the order they were loaded: those
    prefetched for a list of agents (an OAI-PMH page), else in one query."""
    if "relations_out" in getattr(agent, "_prefetched_objects_cache", {}):
        return sorted(agent.relations_out.all(), key=lambda r: r.pk)
    return agent.relations_out.select_related("target").order_by("pk")


def export_eac(agent: Agent, version: str = "2010") -> bytes:
    return write_eac(authority_record(agent, version), version=version)

"""The RiC-O 1.0 terms fonds uses, and how its records and relations map to them.

Plain rdflib, no Django: the tables here say which class a level, a roster kind, an
access term or a relation becomes; :mod:`fonds.linked.rico` writes the graphs.
"""

from __future__ import annotations

import re

from rdflib import OWL, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

RICO = Namespace("https://www.ica.org/standards/RiC/ontology#")
RST = Namespace("https://www.ica.org/standards/RiC/vocabularies/recordSetTypes#")
ISO639_2 = "http://id.loc.gov/vocabulary/iso639-2/"
PREFIXES = {"rico": RICO, "rst": RST, "owl": OWL, "rdfs": RDFS, "skos": SKOS, "xsd": XSD}
PREFIX_IRIS = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

RECORD_LEVELS = frozenset({"item"})
RECORD_SET_TYPES = {
    "collection": RST.Collection,
    "fonds": RST.Fonds,
    "subfonds": RST.Fonds,
    "recordgrp": RST.Fonds,
    "subgrp": RST.Fonds,
    "series": RST.Series,
    "subseries": RST.Series,
    "file": RST.File,
}
PERSON, ORGANIZATION, FAMILY = "person", "organization", "family"
AGENT_CLASSES = {PERSON: RICO.Person, ORGANIZATION: RICO.CorporateBody, FAMILY: RICO.Family}
TERM_CLASSES = {
    "persname": RICO.Person,
    "corpname": RICO.CorporateBody,
    "famname": RICO.Family,
    "name": RICO.Agent,
    "geogname": RICO.Place,
    "genreform": RICO.DocumentaryFormType,
    "occupation": RICO.OccupationType,
    "function": RICO.ActivityType,
}
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def is_record(level: str) -> bool:
    """Items are records; every other level is a record set."""
    return level.strip().lower() in RECORD_LEVELS


def language_tag(language: str, script: str = "") -> str | None:
    """A BCP 47 tag for a literal ("ru" and "Cyrl" -> "ru-Cyrl"), or None."""
    value = "-".join(p for p in (language.strip(), script.strip()) if p)
    return value if value and _LANGUAGE_TAG.fullmatch(value) else None


def typed_date(iso_text: str, precision: str | None) -> Literal:
    """An exact ISO date as xsd:date, xsd:gYearMonth or xsd:gYear."""
    kind = {"day": XSD.date, "month": XSD.gYearMonth}.get(precision or "", XSD.gYear)
    return Literal(iso_text, datatype=kind)


# How each relation of the roster reads in RiC-O. For "A <type> B": the class of the
# n-ary relation, whether A is its source (else B is), and the shortcut from the
# source with its inverse.
Shortcut = tuple[URIRef, bool, URIRef, URIRef]
RELATIONS: dict[str, Shortcut] = {
    "predecessor_of": (RICO.AgentTemporalRelation, True, RICO.hasSuccessor, RICO.isSuccessorOf),
    "successor_of": (RICO.AgentTemporalRelation, False, RICO.hasSuccessor, RICO.isSuccessorOf),
    "parent_of": (
        RICO.AgentHierarchicalRelation,
        True,
        RICO.hasOrHadSubordinate,
        RICO.isOrWasSubordinateTo,
    ),
    "affiliate_of": (
        RICO.AgentHierarchicalRelation,
        False,
        RICO.hasOrHadSubordinate,
        RICO.isOrWasSubordinateTo,
    ),
    "has_member": (RICO.MembershipRelation, True, RICO.hasOrHadMember, RICO.isOrWasMemberOf),
    "member_of": (RICO.MembershipRelation, False, RICO.hasOrHadMember, RICO.isOrWasMemberOf),
    "leader_of": (RICO.LeadershipRelation, True, RICO.isOrWasLeaderOf, RICO.hasOrHadLeader),
    "led_by": (RICO.LeadershipRelation, False, RICO.isOrWasLeaderOf, RICO.hasOrHadLeader),
}
# Membership goes from a group (source) to a person; leadership from a person
# (source) to a group. Other pairs of agents take the generic relation.
PERSON_END = {RICO.MembershipRelation: "target", RICO.LeadershipRelation: "source"}


def shortcut(relation_type: str, source_kind: str, target_kind: str) -> Shortcut | None:
    """The specific relation for "A <type> B" between agents of these kinds; None
    when only the generic, unoriented AgentToAgentRelation fits."""
    found = RELATIONS.get(relation_type)
    if found is None:
        return None
    cls, a_is_source = found[0], found[1]
    person_end = PERSON_END.get(cls)
    if person_end is None:
        return found
    ends = (source_kind, target_kind) if a_is_source else (target_kind, source_kind)
    person, group = ends if person_end == "source" else (ends[1], ends[0])
    if person == PERSON and group in (ORGANIZATION, FAMILY):
        return found
    return None


def role_property(relation_class: URIRef) -> URIRef:
    """RiC-O 1.0's reflexive "rolified" property of a relation class."""
    name = str(relation_class).rsplit("#", 1)[1]
    return RICO[name[0].lower() + name[1:] + "_role"]

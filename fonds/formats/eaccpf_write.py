"""Writing an :class:`~fonds.formats.eaccpf.AuthorityRecord` as EAC-CPF 2010 or 2.0.

The output is valid against the 2010 and 2.0 schemas. 2.0 follows the SAA's
eac1-to-eac2.xsl: ``nameEntrySet``; ``relation/targetEntity@valueURI`` for the link,
``targetRole@valueURI`` for the arcrole; a transliteration or a name's rules as a
``conventionDeclaration`` (ids ``cd-t-N``, ``cd-ne-N``) the name refers to.

``read_eac(write_eac(record, version))`` equals :func:`as_written` ``(record, version)``,
which is the record except where the version cannot say it. In 2010:

* maintenanceStatus ``deletedMerged`` is written ``deletedReplaced`` (the 2010 schema
  has no deletedMerged);
* event type ``unknown`` is written ``updated``, agent type ``unknown`` ``human``;
* a relation type outside the 2010 vocabulary of its kind (free text in 2.0) is left out;
* the names of a ``nameEntryParallel`` share one ``useDates`` (the first name's) and
  their non-authorized names one ``alternativeForm`` (the first given);
* an authorized name without rules gets ``authorizedForm`` "local" (an NMTOKEN is
  required), unless it is the first and only authorized name, which needs no marker;
* an agency code that is not ISIL-shaped is left out;
* a local control or description term without a ``@localType`` is left out (2010
  requires one).

In both: an empty or unknown maintenanceStatus becomes ``new``/``revised``; a record
without maintenance events gets one (derived, by "fonds"); a language, script,
transliteration or rules value the schema would refuse is left out, and so are a
malformed relation href and an invalid event date (moved to the event's date text);
a ``local_type`` that contradicts ``name_type`` gives way to it; ``text`` is rebuilt
from ``parts``; ``parallel`` numbers runs of two or more names 1, 2... In 2.0 a
relation naming nothing gets the part "unknown". A local term without text is left
out, and so is a ``@localType`` (of a local term or an otherRecordId) that is not a URI,
and the type of an id the record does not list.

HTML the reader would not produce is simplified: 2010 keeps only the text of a link
inside a paragraph and of a formatted chronology event.
"""

from __future__ import annotations

import copy
import datetime
import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from .eaccpf import (
    NAME_TYPES,
    TRANSLITERATION_PREFIX,
    VERSIONS,
    AuthorityRecord,
    LocalTerm,
    NameEntry,
    Relation,
    name_type,
)
from .eaccpf_base import CORE_DATE, EAC2_NS, EAC2010_NS, XLINK_NS, XML_NS
from .eaccpf_bioghist import BiogHistWriter

ENTITY_TYPES_OUT = {"person": "person", "organization": "corporateBody", "family": "family"}
STATUS = {
    "2010": frozenset("revised deleted new deletedSplit deletedReplaced cancelled derived".split())
}
STATUS["2.0"] = STATUS["2010"] | {"deletedMerged"}
EVENTS = {"2010": frozenset("created revised deleted cancelled derived updated".split())}
EVENTS["2.0"] = EVENTS["2010"] | {"unknown"}
AGENTS = {
    "2010": frozenset({"human", "machine"}),
    "2.0": frozenset({"human", "machine", "unknown"}),
}
UNKNOWN = {"2010": ("updated", "human"), "2.0": ("unknown", "unknown")}  # event, agent type
RELATION_TYPES_2010 = {
    "cpf": frozenset(
        "identity hierarchical hierarchical-parent hierarchical-child temporal "
        "temporal-earlier temporal-later family associative".split()
    ),
    "resource": frozenset({"creatorOf", "subjectOf", "other"}),
    "function": frozenset({"controls", "owns", "performs"}),
}
DEFAULT_EVENT: dict[str, str | None] = dict.fromkeys(
    ("type", "agent_type", "agent", "datetime", "datetime_text", "description")
) | {"type": "derived", "agent_type": "machine", "agent": "fonds"}
# xlink:role of a cpfRelation (SNAC: an RDA entity URI) to 2.0 targetEntity/@targetType
_ROLE_TYPES = (("corporatebody", "corporateBody"), ("person", "person"), ("family", "family"))
DEFAULT_RULES = "local"
UNNAMED_TARGET = "unknown"
UNDETERMINED_SCRIPT = "Zyyy"  # ISO 15924; 2010 languageUsed needs a script

_NMTOKEN = re.compile(r"[\w.\-:\u00b7]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")  # xs:language
_SCRIPT = re.compile(r"[A-Z][a-z]{3}")
_REPOSITORY = re.compile(r"(?:[A-Z]{2}|[a-zA-Z]|[a-zA-Z]{3,4})-[a-zA-Z0-9:/\-]{1,11}")
_DATETIME = re.compile(
    r"(-?\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?)?)?"
    r"(?:Z|[+-]\d{2}:\d{2})?"
)
_QUALIFIED = re.compile(r"(-?\d{4}(?:-\d{2}(?:-\d{2})?)?)([?~%]?)")
_LABELS = {"": "{}", "?": "{}?", "~": "ca. {}", "%": "ca. {}?"}  # read back by qualifier()
_CODES = {"2010": re.compile(r"[a-z]{3}"), "2.0": re.compile(r"[a-z]{2,3}")}
_MIXED = frozenset({"p", "item", "event", "citation", "abstract", "head", "reference", "span"})


# -- what each version can say ---------------------------------------------------


def _valid_datetime(value: str, version: str) -> bool:
    """xs:gYear, gYearMonth, date or dateTime; 2010 also wants a year before 2100."""
    match = _DATETIME.fullmatch(value)
    year = int(match.group(1)) if match else 0
    if match is None or year == 0 or (version == "2010" and year > 2099):
        return False
    month, day, hour, minute, second = (int(g) if g else None for g in match.groups()[1:])
    try:
        datetime.date(abs(year), month or 1, day or 1)
        datetime.time(hour or 0, minute or 0, second or 0)
    except ValueError:
        return False
    return True


def _uri(value: str | None) -> bool:
    """Whether an xs:anyURI would take it (libxml2 takes most strings)."""
    try:
        urlsplit(value or "")
    except ValueError:
        return False
    return bool(value)


def standard_date(core: str) -> bool:
    """A value both schemas take as ``standardDate`` (2010: xs:date/gYear/gYearMonth)."""
    return bool(CORE_DATE.fullmatch(core)) and _valid_datetime(core, "2010")


def _runs(names: list[NameEntry]) -> list[list[NameEntry]]:
    """Consecutive names sharing a parallel number; a lone name is a run of one."""
    runs: list[list[NameEntry]] = []
    for name in names:
        if runs and name.parallel is not None and runs[-1][-1].parallel == name.parallel:
            runs[-1].append(name)
        else:
            runs.append([name])
    return runs


def _written_local_type(name: NameEntry) -> str | None:
    """``@localType``: the name's own, or its name_type where the own one says otherwise."""
    if name.authorized or name.name_type not in NAME_TYPES[2:]:
        return name.local_type
    return (
        name.local_type if name_type(False, name.local_type) == name.name_type else name.name_type
    )


def as_written(record: AuthorityRecord, version: str = "2010") -> AuthorityRecord:
    """The record as ``read_eac(write_eac(record, version))`` gives it back."""
    _check(record, version)
    out = copy.deepcopy(record)
    out.version = version
    status = out.maintenance_status
    if status not in STATUS[version]:
        out.maintenance_status = "deletedReplaced" if status == "deletedMerged" else "revised"
        out.maintenance_status = out.maintenance_status if status else "new"
    if version == "2010" and out.agency_code and not _REPOSITORY.fullmatch(out.agency_code):
        out.agency_code = None
    events = []
    for given in out.maintenance_events or [DEFAULT_EVENT]:
        event = dict(DEFAULT_EVENT) | {k: given.get(k) for k in DEFAULT_EVENT}
        if event["type"] not in EVENTS[version]:
            event["type"] = UNKNOWN[version][0]
        if event["agent_type"] not in AGENTS[version]:
            event["agent_type"] = UNKNOWN[version][1]
        when = event["datetime"]
        if when and not _valid_datetime(when, version):
            event["datetime"], event["datetime_text"] = None, event["datetime_text"] or when
        events.append(event)
    out.maintenance_events = events
    out.other_record_types = {
        k: v for k, v in out.other_record_types.items() if k in out.other_record_ids and _uri(v)
    }
    for terms in (out.local_controls, out.local_descriptions):
        for term in terms:
            term.local_type = term.local_type if _uri(term.local_type) else None
        # 2010 requires the localType of both elements
        terms[:] = [t for t in terms if t.term and (t.local_type or version == "2.0")]
    _names_as_written(out.names, version)
    for relation in out.relations:
        relation.href = relation.href if _uri(relation.href) else None
        if version == "2010" and relation.relation_type not in RELATION_TYPES_2010[relation.kind]:
            relation.relation_type = None
        placeholder = UNNAMED_TARGET if version == "2.0" else ""
        relation.target_name = relation.target_name or relation.href or placeholder
    return out


def _names_as_written(names: list[NameEntry], version: str) -> None:
    checks = {"language": _NMTOKEN, "script": _NMTOKEN}  # 2.0: NMTOKEN attributes
    if version == "2010":
        checks = {"language": _LANGUAGE, "script": _SCRIPT}
        checks |= {"transliteration": _NMTOKEN, "rules": _NMTOKEN}
    for name in names:
        name.parts = name.parts or [(None, name.text)]
        name.text = ", ".join(text for _, text in name.parts)
        for attr, pattern in checks.items():
            if getattr(name, attr) is not None and not pattern.fullmatch(getattr(name, attr)):
                setattr(name, attr, None)
        local_type = _written_local_type(name)
        name.local_type = None if local_type and local_type.lower() in NAME_TYPES else local_type
        name.name_type = name_type(name.authorized, local_type)
    if not any(n.authorized for n in names):
        names[0].authorized, names[0].name_type = True, "authorized"
    authorized = [n for n in names if n.authorized]
    # The first name, alone authorized, needs no marker: the reader takes it as such.
    bare = names[0] if authorized == [names[0]] and names[0].rules is None else None
    number = 0
    for run in _runs(names):
        number += len(run) > 1
        for name in run:
            name.parallel = number if len(run) > 1 else None
        if version == "2010" and len(run) > 1:
            alternative = next((n.rules for n in run if not n.authorized and n.rules), None)
            for name in run:  # an unmarked name takes the parallel's alternativeForm
                name.dates, name.dates_text = run[0].dates, run[0].dates_text
                name.rules = alternative if not name.authorized or name is bare else name.rules
    for name in authorized:
        if version == "2010" and name.rules is None and name is not bare:
            name.rules = DEFAULT_RULES


def _check(record: AuthorityRecord, version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"EAC-CPF version {version!r}: expected one of {VERSIONS}")
    if not record.record_id.strip():
        raise ValueError("an EAC-CPF record needs a record_id")
    if version == "2010" and not _NMTOKEN.fullmatch(record.record_id):
        raise ValueError(
            f"record_id {record.record_id!r} is not an XML name token, "
            "which EAC-CPF 2010 requires of recordId"
        )
    if record.entity_type not in ENTITY_TYPES_OUT:
        raise ValueError(f"entity_type {record.entity_type!r}: not person, organization, family")
    if not record.names:
        raise ValueError("an EAC-CPF record needs at least one name")
    if any(r.kind not in RELATION_TYPES_2010 for r in record.relations):
        raise ValueError("a relation's kind is one of cpf, resource, function")


# -- the writer ------------------------------------------------------------------


def write_eac(record: AuthorityRecord, version: str = "2010") -> bytes:
    """The record as an EAC-CPF ``version`` ("2010" or "2.0") document, UTF-8.

    Raises ValueError for a record no document can hold (no name, no record id, a
    2010 record id with spaces)."""
    root = _Writer(version).document(as_written(record, version))
    _indent(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _indent(el: Any, level: int = 0) -> None:
    """Indent element-only content; mixed content (paragraphs) stays as it is."""
    children = [c for c in el if isinstance(c.tag, str)]
    mixed = (el.text or "").strip() or any((c.tail or "").strip() for c in children)
    if not children or mixed or etree.QName(el).localname in _MIXED:
        return
    el.text = "\n" + "  " * (level + 1)
    for child in children:
        child.tail = el.text
        _indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level


class _Writer:
    def __init__(self, version: str) -> None:
        self.v2 = version == "2.0"
        self.ns = EAC2_NS if self.v2 else EAC2010_NS
        self.conventions: dict[tuple[str, str], str] = {}  # (kind, value): id

    def sub(self, parent: Any, name: str, text: str | None = None, **attrs: str | None) -> Any:
        el = etree.SubElement(parent, f"{{{self.ns}}}{name}")
        for key, value in attrs.items():
            if value is not None:
                el.set(f"{{{XLINK_NS}}}{key[6:]}" if key.startswith("xlink_") else key, value)
        el.text = text or None
        return el

    def document(self, r: AuthorityRecord) -> Any:
        nsmap: Any = {None: self.ns, "xlink": XLINK_NS}
        root = etree.Element(f"{{{self.ns}}}{'eac' if self.v2 else 'eac-cpf'}", nsmap=nsmap)
        control = self.sub(root, "control")
        description = self.sub(root, "cpfDescription")
        identity = self.sub(description, "identity")
        kind = ENTITY_TYPES_OUT[r.entity_type]
        self.sub(identity, "entityType", None if self.v2 else kind, value=kind if self.v2 else None)
        for run in _runs(r.names):  # before the control: names collect the conventions
            self.names(identity, run)
        self.control(control, r)
        self.description(description, r)
        self.relations(description, r.relations)
        return root

    def control(self, control: Any, r: AuthorityRecord) -> None:
        self.sub(control, "recordId", r.record_id)
        if self.v2:
            control.set("maintenanceStatus", r.maintenance_status)
        else:
            self.other_record_ids(control, r)
            self.sub(control, "maintenanceStatus", r.maintenance_status)
        agency = self.sub(control, "maintenanceAgency")
        if r.agency_code:
            self.sub(agency, "agencyCode", r.agency_code)
        if not (self.v2 and r.agency_code and not r.maintenance_agency):
            self.sub(agency, "agencyName", r.maintenance_agency)
        if not self.v2:
            self.local_terms(control, "localControl", r.local_controls)
        history = self.sub(control, "maintenanceHistory")
        for e in r.maintenance_events:
            event = self.sub(
                history, "maintenanceEvent", maintenanceEventType=e["type"] if self.v2 else None
            )
            if self.v2:
                self.sub(event, "agent", e["agent"], agentType=e["agent_type"])
            else:
                self.sub(event, "eventType", e["type"])
            self.sub(event, "eventDateTime", e["datetime_text"], standardDateTime=e["datetime"])
            if not self.v2:
                self.sub(event, "agentType", e["agent_type"])
                self.sub(event, "agent", e["agent"])
            if e["description"]:
                self.sub(event, "eventDescription", e["description"])
        sources = self.sub(control, "sources") if r.sources else None
        for source in r.sources:
            self.sub(self.sub(sources, "source"), "reference" if self.v2 else "sourceEntry", source)
        if self.v2:
            self.other_record_ids(control, r)
            self.local_terms(control, "localControl", r.local_controls)
            for (kind, value), ident in self.conventions.items():
                declaration = self.sub(control, "conventionDeclaration", id=ident)
                self.sub(
                    declaration, "reference", f"Transliteration: {value}" if kind == "t" else value
                )
                self.sub(declaration, "shortCode", value)

    def other_record_ids(self, control: Any, r: AuthorityRecord) -> None:
        for other in r.other_record_ids:
            self.sub(control, "otherRecordId", other, localType=r.other_record_types.get(other))

    def local_terms(self, parent: Any, name: str, terms: list[LocalTerm]) -> None:
        """``localControl`` or ``localDescription`` elements, one a term (2.0 wraps the
        descriptions in ``localDescriptions``)."""
        if terms and self.v2 and name == "localDescription":
            parent = self.sub(parent, "localDescriptions")
        for term in terms:
            self.sub(self.sub(parent, name, localType=term.local_type), "term", term.term)

    # -- names and dates ---------------------------------------------------------

    def convention(self, kind: str, value: str) -> str:
        if (kind, value) not in self.conventions:
            count = sum(k == kind for k, _ in self.conventions) + 1
            prefix = TRANSLITERATION_PREFIX if kind == "t" else "cd-ne-"
            self.conventions[kind, value] = f"{prefix}{count}"
        return self.conventions[kind, value]

    def names(self, identity: Any, run: list[NameEntry]) -> None:
        if len(run) == 1:
            self.name(identity, run[0], in_set=False)
            return
        group = self.sub(identity, "nameEntrySet" if self.v2 else "nameEntryParallel")
        for name in run:
            self.name(group, name, in_set=True)
        if not self.v2:
            self.dates(self.sub(group, "useDates"), run[0].dates, run[0].dates_text, drop=True)
            alternative = next((n.rules for n in run if not n.authorized and n.rules), None)
            if alternative:
                self.sub(group, "alternativeForm", alternative)

    def name(self, parent: Any, n: NameEntry, in_set: bool) -> None:
        el = self.sub(parent, "nameEntry", localType=_written_local_type(n))
        for local_type, text in n.parts:
            if text:
                self.sub(el, "part", text, localType=local_type)
        if self.v2:
            el.set("status", "authorized" if n.authorized else "alternative")
            refs = [self.convention("t", n.transliteration)] if n.transliteration else []
            refs += [self.convention("ne", n.rules)] if n.rules else []
            attrs = {
                "preferredForm": "true" if n.authorized and in_set else None,
                "languageOfElement": n.language,
                "scriptOfElement": n.script,
                "conventionDeclarationReference": " ".join(refs) or None,
            }
            for key, value in attrs.items():
                if value:
                    el.set(key, value)
            self.dates(self.sub(el, "useDates"), n.dates, n.dates_text, drop=True)
            return
        for key, value in ((f"{{{XML_NS}}}lang", n.language), ("scriptCode", n.script)):
            if value:
                el.set(key, value)
        if n.transliteration:
            el.set("transliteration", n.transliteration)
        if in_set:
            if n.authorized and n.rules:
                self.sub(el, "preferredForm", n.rules)
            return
        self.dates(self.sub(el, "useDates"), n.dates, n.dates_text, drop=True)
        if n.rules:
            self.sub(el, "authorizedForm" if n.authorized else "alternativeForm", n.rules)

    def dates(self, parent: Any, value: str | None, text: str | None, drop: bool = False) -> None:
        """A date or dateRange for an EDTF value, else a date holding the text; ``drop``
        removes an empty ``parent``."""
        if value and "/" in value and value[0] not in "{[":
            start, _, end = value.partition("/")
            dates = self.sub(parent, "dateRange")
            if start:
                self.point(self.sub(dates, "fromDate"), start, end=False)
            if end:
                self.point(self.sub(dates, "toDate"), end, end=True)
        elif value:
            self.point(self.sub(parent, "date"), value, end=False)
        elif text:
            self.sub(parent, "date", text)
        elif drop:
            parent.getparent().remove(parent)

    def point(self, el: Any, value: str, end: bool) -> None:
        match = _QUALIFIED.fullmatch(value)
        if value == ".." and self.v2 and end:
            el.set("status", "ongoing")
        elif value == "..":
            el.text = "present" if end else ".."
        elif match and standard_date(match.group(1)):
            el.set("standardDate", match.group(1))
            el.text = _LABELS[match.group(2)].format(match.group(1))
        else:  # EDTF no standardDate can hold ("196X", "2150"): the text says it
            el.text = value

    # -- description and relations -----------------------------------------------

    def description(self, parent: Any, r: AuthorityRecord) -> None:
        el = self.sub(parent, "description")
        existence = r.existence or r.existence_text
        if existence and not self.v2:
            self.dates(self.sub(el, "existDates"), r.existence, r.existence_text)
        if self.v2:  # the 2.0 order: functions, languagesUsed, occupations, places
            self.terms(el, "function", r.functions)
            self.languages(el, r.languages_used)
            self.local_terms(el, "localDescription", r.local_descriptions)
            self.terms(el, "occupation", r.occupations)
        places = self.sub(el, "places") if r.places and self.v2 else el
        for place in r.places:
            node = self.sub(places, "place")
            if place.role and not self.v2:
                self.sub(node, "placeRole", place.role)
            self.sub(node, "placeName" if self.v2 else "placeEntry", place.name)
            if place.role and self.v2:
                self.sub(node, "placeRole", place.role)
            self.dates(node, place.dates, place.dates_text)
        if existence and self.v2:
            self.dates(self.sub(el, "existDates"), r.existence, r.existence_text)
        if not self.v2:
            self.local_terms(el, "localDescription", r.local_descriptions)
            self.terms(el, "function", r.functions)
            self.languages(el, r.languages_used)
            self.terms(el, "occupation", r.occupations)
        BiogHistWriter(self).bioghists(el, r.biog_hist_html, r.summary)
        if not len(el):
            parent.remove(el)

    def terms(self, parent: Any, singular: str, values: list[str]) -> None:
        wrapper = self.sub(parent, singular + "s") if values and self.v2 else parent
        for value in values:
            self.sub(self.sub(wrapper, singular), "term", value)

    def languages(self, parent: Any, values: list[str]) -> None:
        wrapper = self.sub(parent, "languagesUsed") if values else None
        for value in values:
            used = self.sub(wrapper, "languageUsed")
            code = value if _CODES["2.0" if self.v2 else "2010"].fullmatch(value) else None
            code = code or (None if self.v2 else "und")
            self.sub(used, "language", None if code == value else value, languageCode=code)
            if not self.v2:
                self.sub(used, "script", scriptCode=UNDETERMINED_SCRIPT)

    def relations(self, parent: Any, relations: list[Relation]) -> None:
        wrapper = self.sub(parent, "relations") if relations else None
        for r in relations:
            if self.v2:
                el = self.sub(wrapper, "relation")
                hint = (r.role or "").lower()
                cpf_type = next((v for k, v in _ROLE_TYPES if hint.endswith(k)), "agent")
                target_type = cpf_type if r.kind == "cpf" else r.kind
                target = self.sub(el, "targetEntity", targetType=target_type, valueURI=r.href)
                if r.role:
                    target.set(f"{{{XLINK_NS}}}role", r.role)
                self.sub(target, "part", r.target_name)
                self.dates(el, r.dates, r.dates_text)
                if r.relation_type:
                    self.sub(el, "relationType", r.relation_type)
                if _uri(r.arcrole) and re.fullmatch(r"\S+", r.arcrole or ""):
                    self.sub(el, "targetRole", valueURI=r.arcrole)
                elif r.arcrole:
                    self.sub(el, "targetRole", r.arcrole)
            else:
                el = self.sub(wrapper, f"{r.kind}Relation")
                if r.relation_type:
                    el.set(f"{r.kind}RelationType", r.relation_type)
                links = {"href": r.href, "role": r.role, "arcrole": r.arcrole}
                for attr, value in links.items():
                    if value:
                        el.set(f"{{{XLINK_NS}}}{attr}", value)
                if any(links.values()):
                    el.set(f"{{{XLINK_NS}}}type", "simple")
                if r.target_name and r.target_name != r.href:  # the reader falls back on it
                    self.sub(el, "relationEntry", r.target_name)
                self.dates(el, r.dates, r.dates_text)
            paragraphs = [line for line in r.description.split("\n") if line.strip()]
            note = self.sub(el, "descriptiveNote") if paragraphs else None
            for paragraph in paragraphs:
                self.sub(note, "p", paragraph)

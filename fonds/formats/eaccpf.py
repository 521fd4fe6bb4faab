"""EAC-CPF authority records, 2010 and 2.0: the dataclasses and the reader.

:func:`read_eac` reads either version (``urn:isbn:1-931666-33-4`` or
``https://archivists.org/ns/eac/v2``) with the safe parser into one
:class:`AuthorityRecord`; :mod:`fonds.formats.eaccpf_write` writes it back in either.

* Text is white-space collapsed and NFC, without C0/C1 controls (MARC non-sort marks
  ``\\x98``/``\\x9c``) or directional marks at its ends.
* Dates are EDTF: a point's ``standardDate`` (``9999`` is a placeholder, not a year),
  else its text when that is EDTF ("1918", "196X"); "ca." and a trailing "?" qualify
  it (``1964~``, ``1964?``). A range's missing or empty end is unknown (``1957/``);
  "present" (2.0 ``status="ongoing"``) is open (``1957/..``). Without EDTF the text
  goes to the ``*_text`` field.
* ``biog_hist_html`` uses the vocabulary of :mod:`fonds.formats.markup`: ``p``; ``h4``
  (2.0 ``head``, 2010 ``<p><span localType="heading">``); ``ul``/``ol`` (``list``, 2010
  ``outline``); ``dl class="chronlist"`` (``chronList``: a ``dt`` per date, a ``dd`` per
  event, then ``<dd><span class="eac-place">``); ``<p><cite>`` (2010 ``citation``, 2.0
  ``reference``); ``em strong u sup sub`` from ``span/@style``. Several biogHists are
  each a ``<section class="eac-bioghist">``. The ``abstract`` is the ``summary``.
* Relations come cpf, resource, function (the order 2010 requires), each in document
  order.
* ``localControl`` and ``localDescription`` give a :class:`LocalTerm` per ``term``
  (a ``localDescription`` without a term, a place say, is left out); an
  ``otherRecordId``'s ``@localType`` is kept by its value.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .eaccpf_base import (
    EAC2_NS,
    EAC2010_NS,
    XLINK_NS,
    XML_NS,
    children,
    clean,
    dates_in,
    text_of,
)
from .eaccpf_bioghist import bioghist_html
from .errors import FormatError
from .xmlsafe import PROLOG_LIMIT, check_prolog, localname, namespace, safe_parser, syntax_error

VERSIONS = ("2010", "2.0")
ENTITY_TYPES = {"person": "person", "corporateBody": "organization", "family": "family"}
NAME_TYPES = ("authorized", "variant", "acronym", "former", "translation")
RELATION_KINDS = ("cpf", "resource", "function")
# Words in nameEntry/@localType that say what kind of variant a name is.
_NAME_HINTS = {"acronym": "acronym", "abbreviat": "acronym", "initialism": "acronym"} | {
    "former": "former",
    "earlier": "former",
    "previous": "former",
    "translat": "translation",
}
TRANSLITERATION_PREFIX = "cd-t-"  # 2.0 conventionDeclaration ids, as eac1-to-eac2.xsl


@dataclass
class NameEntry:
    """One ``nameEntry``; ``parts`` are (``part/@localType``, text)."""

    text: str
    parts: list[tuple[str | None, str]] = field(default_factory=list)
    language: str | None = None
    script: str | None = None
    transliteration: str | None = None
    authorized: bool = False
    name_type: str = "variant"  # one of NAME_TYPES
    dates: str | None = None  # EDTF, from useDates
    dates_text: str | None = None  # useDates as written, when not EDTF
    local_type: str | None = None  # nameEntry/@localType ("VIAF:x400")
    rules: str | None = None  # authorizedForm/alternativeForm/preferredForm ("lcnaf")
    parallel: int | None = None  # its nameEntryParallel (2.0 nameEntrySet), from 1


@dataclass
class Place:
    name: str
    role: str | None = None
    dates: str | None = None
    dates_text: str | None = None


@dataclass
class Relation:
    kind: str  # one of RELATION_KINDS
    target_name: str  # relationEntry (2.0 targetEntity/part), else the href
    relation_type: str | None = None  # cpfRelationType...; 2.0 relationType
    arcrole: str | None = None  # xlink:arcrole; 2.0 targetRole/@valueURI
    href: str | None = None  # xlink:href; 2.0 targetEntity/@valueURI
    role: str | None = None  # xlink:role (SNAC: the target's entity type URI)
    dates: str | None = None
    dates_text: str | None = None
    description: str = ""  # descriptiveNote, a line per paragraph


@dataclass
class LocalTerm:
    """A ``localControl`` or ``localDescription`` term and its ``@localType``."""

    local_type: str | None
    term: str


@dataclass
class AuthorityRecord:
    """A corporate body, person or family. ``version`` and ``sourceline`` describe
    the document it was read from and take no part in comparisons."""

    record_id: str
    entity_type: str  # "person" | "organization" | "family"
    names: list[NameEntry]
    version: str = field(default="2010", compare=False)
    existence: str | None = None  # EDTF, from existDates
    existence_text: str | None = None
    places: list[Place] = field(default_factory=list)
    biog_hist_html: str = ""
    summary: str = ""  # biogHist/abstract
    occupations: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    languages_used: list[str] = field(default_factory=list)  # codes ("eng"), else names
    sources: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    maintenance_status: str = "new"
    maintenance_agency: str = ""
    agency_code: str | None = None
    # type, agent_type, agent, datetime (standardDateTime), datetime_text, description
    maintenance_events: list[dict[str, str | None]] = field(default_factory=list)
    other_record_ids: list[str] = field(default_factory=list)
    other_record_types: dict[str, str] = field(default_factory=dict)  # id: its @localType
    local_controls: list[LocalTerm] = field(default_factory=list)
    local_descriptions: list[LocalTerm] = field(default_factory=list)
    sourceline: int | None = field(default=None, compare=False)

    @property
    def authorized_name(self) -> str:
        return next((n.text for n in self.names if n.authorized), "")


def name_type(authorized: bool, local_type: str | None) -> str:
    """The name type: authorized, else what ``@localType`` hints, else variant."""
    hint = (local_type or "").lower()
    found = (kind for word, kind in _NAME_HINTS.items() if word in hint)
    return "authorized" if authorized else next(found, "variant")


# -- the reader ----------------------------------------------------------------------


def read_eac(
    source: bytes | str | os.PathLike[str], path_for_errors: str | None = None
) -> AuthorityRecord:
    """Read one EAC-CPF 2010 or 2.0 record from bytes or a file.

    Raises :class:`FormatError` (with line and column) for a document that is not
    well-formed, declares entities, is not EAC-CPF, or has no recordId, no entityType
    of person/corporateBody/family, or no name.
    """
    if isinstance(source, bytes):
        data, path = source, path_for_errors or "<bytes>"
    else:
        path = path_for_errors or os.fspath(source)
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise FormatError(path, f"cannot read: {error.strerror}") from None
    check_prolog(path, data[:PROLOG_LIMIT])
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise syntax_error(path, error) from None
    return _Reader(path, data, root).record()


def _column(data: bytes, line: int, name: str) -> int:
    """The 1-based column of the start tag ``name`` (any prefix) on ``line``."""
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        lines = data.decode("latin-1").splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    match = re.search(rf"<(?:[\w.-]+:)?{re.escape(name)}(?=[\s/>])", text)
    return match.start() + 1 if match else 1


def _attr(el: Any, name: str) -> str | None:
    return clean(el.get(name)) or None if el is not None else None


class _Reader:
    def __init__(self, path: str, data: bytes, root: Any) -> None:
        self.path, self.data, self.root = path, data, root
        name, ns = localname(root.tag), namespace(root.tag)
        if not (
            (name == "eac-cpf" and ns in (EAC2010_NS, "")) or (name == "eac" and ns == EAC2_NS)
        ):
            where = f" in namespace {ns!r}" if ns else ""
            raise self.error(
                root,
                f"unknown root element <{name}>{where}: expected <eac-cpf> "
                f"({EAC2010_NS}, EAC-CPF 2010) or <eac> ({EAC2_NS}, EAC-CPF 2.0)",
            )
        self.ns, self.v2 = ns, name == "eac"
        self.conventions: dict[str, str] = {}  # 2.0 conventionDeclaration id: shortCode

    def error(self, el: Any, message: str) -> FormatError:
        line = el.sourceline
        column = _column(self.data, line, localname(el.tag)) if line else None
        return FormatError(self.path, message, line, column)

    def kids(self, el: Any, *names: str) -> list[Any]:
        return [c for c in children(el, *names) if namespace(c.tag) == self.ns]

    def kid(self, el: Any, name: str) -> Any:
        found = self.kids(el, name)
        return found[0] if found else None

    def texts(self, el: Any, *names: str) -> list[str]:
        return [t for t in (text_of(c) for c in self.kids(el, *names)) if t]

    def described(self, description: Any, singular: str) -> list[Any]:
        """``singular`` elements, in description or in their plural wrapper."""
        plural = {"place": "places", "languageUsed": "languagesUsed"}.get(singular, singular + "s")
        found = []
        for child in self.kids(description, singular, plural):
            found += [child] if localname(child.tag) == singular else self.kids(child, singular)
        return found

    def record(self) -> AuthorityRecord:
        control = self.kid(self.root, "control")
        if control is None:
            raise self.error(self.root, "no <control>: an EAC-CPF record needs a recordId")
        record_id = text_of(self.kid(control, "recordId"))
        if not record_id:
            where = self.kid(control, "recordId")
            where = control if where is None else where
            raise self.error(where, "no <recordId>: an EAC-CPF record needs an identifier")
        description = self.kid(self.root, "cpfDescription")
        if description is None:  # multipleIdentities: the first
            description = self.kid(self.kid(self.root, "multipleIdentities"), "cpfDescription")
        if description is None:
            raise self.error(self.root, "no <cpfDescription>")
        identity = self.kid(description, "identity")
        if identity is None:
            raise self.error(description, "no <identity>: an EAC-CPF record needs a name")
        for declaration in self.kids(control, "conventionDeclaration"):
            short = text_of(self.kid(declaration, "shortCode"))
            short = short or text_of(self.kid(declaration, "reference"))
            self.conventions[declaration.get("id") or ""] = short
        record = AuthorityRecord(
            record_id=record_id,
            entity_type=self._entity_type(identity),
            names=self._names(identity),
            version="2.0" if self.v2 else "2010",
            sourceline=self.root.sourceline,
        )
        self._control(control, record)
        self._description(self.kid(description, "description"), record)
        self._relations(self.kid(description, "relations"), record)
        return record

    def _entity_type(self, identity: Any) -> str:
        el = self.kid(identity, "entityType")
        if el is None:
            raise self.error(identity, "no <entityType>")
        value = (el.get("value") if self.v2 else None) or text_of(el)
        if value not in ENTITY_TYPES:
            raise self.error(el, f"entityType {value!r} is not person, corporateBody, family")
        return ENTITY_TYPES[value]

    def _control(self, control: Any, record: AuthorityRecord) -> None:
        status = control.get("maintenanceStatus") if self.v2 else None
        record.maintenance_status = clean(status) or text_of(self.kid(control, "maintenanceStatus"))
        for other in self.kids(control, "otherRecordId"):
            value, local_type = text_of(other), _attr(other, "localType")
            record.other_record_ids += [value] if value else []
            if value and local_type:
                record.other_record_types[value] = local_type
        for local in self.kids(control, "localControl"):
            for term in self.texts(local, "term"):
                record.local_controls.append(LocalTerm(_attr(local, "localType"), term))
        agency = self.kid(control, "maintenanceAgency")
        record.maintenance_agency = "; ".join(self.texts(agency, "agencyName"))
        record.agency_code = next(iter(self.texts(agency, "agencyCode", "otherAgencyCode")), None)
        for event in self.kids(self.kid(control, "maintenanceHistory"), "maintenanceEvent"):
            agent, when = self.kid(event, "agent"), self.kid(event, "eventDateTime")
            if self.v2:
                kind, agent_type = _attr(event, "maintenanceEventType"), _attr(agent, "agentType")
            else:
                kind = text_of(self.kid(event, "eventType")) or None
                agent_type = text_of(self.kid(event, "agentType")) or None
            record.maintenance_events.append(
                {
                    "type": kind,
                    "agent_type": agent_type,
                    "agent": text_of(agent) or None,
                    "datetime": _attr(when, "standardDateTime"),
                    "datetime_text": text_of(when) or None,
                    "description": " ".join(self.texts(event, "eventDescription")) or None,
                }
            )
        for source in self.kids(self.kid(control, "sources"), "source"):
            href = _attr(source, f"{{{XLINK_NS}}}href") or _attr(source, "href")
            entries = self.texts(source, "sourceEntry", "reference")
            record.sources += entries or ([href] if href else [])

    # -- names -----------------------------------------------------------------

    def _names(self, identity: Any) -> list[NameEntry]:
        names: list[NameEntry] = []
        entries = self.kids(identity, "nameEntry", "nameEntryParallel", "nameEntrySet")
        if not entries:
            raise self.error(identity, "no <nameEntry>: an EAC-CPF record needs a name")
        groups = 0
        for el in entries:
            if localname(el.tag) == "nameEntry":
                names += [n for n in [self._name(el)] if n is not None]
                continue
            members = self.kids(el, "nameEntry")
            group = _Group(
                dates_in(self.kid(el, "useDates")),
                self.texts(el, "authorizedForm"),
                self.texts(el, "alternativeForm"),
                any(self._preferred(m) for m in members),
            )
            found = [n for n in (self._name(m, group) for m in members) if n is not None]
            groups += len(found) > 1
            for name in found:
                name.parallel = groups if len(found) > 1 else None
            names += found
        if not names:
            raise self.error(entries[0], "every <nameEntry> is empty: no name to read")
        names[0].authorized = names[0].authorized or not any(n.authorized for n in names)
        for name in names:
            name.name_type = name_type(name.authorized, name.local_type)
            if name.local_type and name.local_type.lower() in NAME_TYPES:
                name.local_type = None  # it said the type, which name_type now holds
        return names

    def _preferred(self, el: Any) -> bool:
        if self.v2:
            return (el.get("preferredForm") or "").strip() in ("true", "1")
        return bool(self.kids(el, "preferredForm"))

    def _name(self, el: Any, group: _Group | None = None) -> NameEntry | None:
        parts = [(p.get("localType") or None, text_of(p)) for p in self.kids(el, "part")]
        parts = [(kind, text) for kind, text in parts if text]
        if not parts:
            return None
        name = NameEntry(text=", ".join(text for _, text in parts), parts=parts)
        part_langs = [
            p.get(f"{{{XML_NS}}}lang") or p.get("languageOfElement") for p in self.kids(el, "part")
        ]
        if self.v2:
            name.language, name.script = (
                _attr(el, "languageOfElement"),
                _attr(el, "scriptOfElement"),
            )
            rules: list[str] = []
            for ident in (el.get("conventionDeclarationReference") or "").split():
                value = self.conventions.get(ident)
                if value and ident.startswith(TRANSLITERATION_PREFIX):
                    name.transliteration = name.transliteration or value
                elif value:
                    rules.append(value)
            name.authorized = el.get("status") == "authorized" or self._preferred(el)
        else:
            name.language, name.script = _attr(el, f"{{{XML_NS}}}lang"), _attr(el, "scriptCode")
            name.transliteration = _attr(el, "transliteration")
            own = self.texts(el, "authorizedForm", "preferredForm")
            alternative = self.texts(el, "alternativeForm")
            name.authorized = bool(own)
            if group is not None:  # in a nameEntryParallel
                name.authorized = bool(own) or (not group.preferred and bool(group.authorized))
                own = own or (group.authorized if name.authorized else [])
                alternative = alternative or group.alternative
            rules = own if name.authorized else alternative
        name.rules = rules[0] if rules else None
        name.language = name.language or next((lang for lang in part_langs if lang), None)
        name.local_type = _attr(el, "localType")
        name.dates, name.dates_text = dates_in(self.kid(el, "useDates"))
        if group is not None and (name.dates, name.dates_text) == (None, None):
            name.dates, name.dates_text = group.dates
        return name

    # -- description and relations ---------------------------------------------

    def _description(self, el: Any, record: AuthorityRecord) -> None:
        if el is None:
            return
        record.existence, record.existence_text = dates_in(self.kid(el, "existDates"))
        for place in self.described(el, "place"):
            role = text_of(self.kid(place, "placeRole")) or None
            for name in self.texts(place, "placeEntry", "placeName"):
                record.places.append(Place(name, role, *dates_in(place)))
        for item in self.described(el, "occupation"):
            record.occupations += self.texts(item, "term")
        for item in self.described(el, "function"):
            record.functions += self.texts(item, "term")
        for local in self.described(el, "localDescription"):
            for term in self.texts(local, "term"):
                record.local_descriptions.append(LocalTerm(_attr(local, "localType"), term))
        for used in self.described(el, "languageUsed"):
            for language in self.kids(used, "language"):
                code = clean(language.get("languageCode"))
                value = text_of(language) if code in ("", "und") else code
                record.languages_used += [value or code] if value or code else []
        bioghists = self.kids(el, "biogHist")
        abstracts = [text_of(self.kid(b, "abstract")) for b in bioghists]
        record.summary = next((a for a in abstracts if a), "")
        record.biog_hist_html = bioghist_html(bioghists)

    def _relations(self, el: Any, record: AuthorityRecord) -> None:
        xlink = f"{{{XLINK_NS}}}"
        for child in self.kids(el, "cpfRelation", "resourceRelation", "functionRelation"):
            kind = localname(child.tag).removesuffix("Relation")
            href = _attr(child, xlink + "href")
            name = "; ".join(self.texts(child, "relationEntry")) or _attr(child, xlink + "title")
            relation = Relation(kind, name or href or "", _attr(child, f"{kind}RelationType"))
            relation.arcrole, relation.href = _attr(child, xlink + "arcrole"), href
            relation.role = _attr(child, xlink + "role")
            record.relations.append(self._relation_common(child, relation))
        for child in self.kids(el, "relation"):
            target = self.kid(child, "targetEntity")
            target_type, href = _attr(target, "targetType"), _attr(target, "valueURI")
            name = "; ".join(self.texts(target, "part")) or href or ""
            kind = target_type if target_type in ("resource", "function") else "cpf"
            relation = Relation(kind, name, text_of(self.kid(child, "relationType")) or None)
            role = self.kid(child, "targetRole")
            relation.arcrole = _attr(role, "valueURI") or text_of(role) or None
            relation.arcrole = relation.arcrole or _attr(target, xlink + "arcrole")
            relation.href, relation.role = href, _attr(target, xlink + "role")
            record.relations.append(self._relation_common(child, relation))
        record.relations.sort(key=lambda r: RELATION_KINDS.index(r.kind))

    def _relation_common(self, el: Any, relation: Relation) -> Relation:
        relation.dates, relation.dates_text = dates_in(el)
        note = self.kid(el, "descriptiveNote")
        relation.description = "\n".join(self.texts(note, "p")) or text_of(note)
        return relation


@dataclass
class _Group:
    """What a 2010 nameEntryParallel says of all its names."""

    dates: tuple[str | None, str | None]
    authorized: list[str]
    alternative: list[str]
    preferred: bool  # a member says it is the preferred form

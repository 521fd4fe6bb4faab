"""Streaming reader for EAD 2002 and EAD3 finding aids.

One pass with lxml's ``iterparse`` and the safe parser options. Each component is
read when its end tag arrives, then removed from the tree, so memory holds only the
open ancestors' own description: a 100 MB finding aid reads in a few tens of MB.

Both versions, with or without namespace (and EAD3's "undeprecated" namespace), are
read by the same code: their vocabularies differ in a handful of elements
(``unitdatestructured``, ``physdescstructured``, ``daoset``, ``part``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from .archival import (
    AccessTerm,
    CollectionRecord,
    ComponentRecord,
    Container,
    Description,
    DigitalObject,
    Language,
)
from .ead_elements import (
    NAME_KINDS,
    TITLE_SKIP,
    add_note,
    dao_role,
    is_placeholder_event,
    level_of,
    read_note,
    read_quantity,
    read_structured_dates,
    read_unitdate,
    term_text,
    trim_title,
)
from .errors import FormatError, column_of
from .markup import attribute, is_internal, nfc, plain, safe_href, text_of, to_html
from .xmlsafe import iterparse, localname, namespace

EAD2002_NS = "urn:isbn:1-931666-22-9"
EAD3_NAMESPACES = frozenset(
    {"http://ead3.archivists.org/schema/", "http://ead3.archivists.org/schema/undeprecated/"}
)
COMPONENT_TAG = re.compile(r"^c(0[1-9]|1[0-2])?$")
TERM_KINDS = NAME_KINDS | frozenset(
    {"geogname", "subject", "genreform", "occupation", "function", "title"}
)
DAO_TAGS = frozenset({"dao", "daogrp", "daoset"})
SAFE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
# The only elements the walk needs events for; lxml filters the rest in C.
WALK_TAGS = [
    "{*}ead",
    "{*}eadheader",
    "{*}control",
    "{*}archdesc",
    "{*}dsc",
    "{*}c",
    *(f"{{*}}c{n:02d}" for n in range(1, 13)),
]


def identifier_slug(value: str) -> str:
    """A URL-safe identifier: ``10660245#ENG`` becomes ``10660245-ENG``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", value.strip())
    return re.sub(r"-{2,}", "-", slug).strip("-._")[:200]


class EADReader:
    """Iterate over the components of a finding aid; then ``collection`` is complete.

    ``version`` is ``"2002"`` or ``"3"``; ``path`` names the file in error messages.
    """

    def __init__(self, source: IO[bytes], path: str, version: str) -> None:
        self.source = source
        self.path = path
        self.version = version
        self.collection = CollectionRecord(ead_version=version)
        self._ns = ""
        self._sequence = 0
        self._refs: set[str] = set()
        self._identified = False

    # -- the walk ---------------------------------------------------------------

    def __iter__(self) -> Iterator[ComponentRecord]:
        # Each open component: [element, record, children so far, internal]
        stack: list[list[Any]] = []
        top_positions = 0
        root_seen = False
        for event, el in iterparse(self.source, self.path, tag=WALK_TAGS):
            tag = el.tag
            if not isinstance(tag, str):
                continue
            name = localname(tag)
            if event == "start":
                if not root_seen:
                    root_seen = True
                    root = el.getroottree().getroot()  # el, unless the root is not <ead>
                    self._root(root, localname(root.tag))
                    continue
                if namespace(tag) != self._ns:
                    continue
                if COMPONENT_TAG.match(name):
                    self._require_identity(el)
                    self._sequence += 1
                    if stack:
                        parent = stack[-1]
                        parent[2] += 1
                        position = parent[2]
                        path = (*parent[1].path, position)
                        internal = parent[3] or is_internal(el)
                        parent_sequence = parent[1].sequence
                        ancestry = (*parent[1].ancestry, parent_sequence)
                    else:
                        top_positions += 1
                        path = (top_positions,)
                        internal = is_internal(el)
                        parent_sequence = None
                        ancestry = ()
                    record = ComponentRecord(
                        path=path, sequence=self._sequence, sourceline=el.sourceline
                    )
                    record.internal = internal
                    record.parent_sequence = parent_sequence
                    record.ancestry = ancestry
                    stack.append([el, record, 0, internal])
                elif name == "dsc":
                    self._require_identity(el)
                continue
            # end events
            if namespace(tag) != self._ns:
                continue
            if COMPONENT_TAG.match(name) and stack and stack[-1][0] is el:
                _, record, _, _ = stack.pop()
                self._component(el, record)
                record.subtree_end = self._sequence
                self.collection.component_count += 1
                parent_el = el.getparent()
                el.clear(keep_tail=False)
                if parent_el is not None:
                    parent_el.remove(el)
                yield record
            elif name in ("eadheader", "control") and el.getparent() is not None:
                self._header(el)
                el.getparent().remove(el)
            elif name == "dsc":
                parent_el = el.getparent()
                el.clear(keep_tail=False)
                if parent_el is not None:
                    parent_el.remove(el)
            elif name == "archdesc":
                self._archdesc(el)
        if not root_seen:
            raise FormatError(self.path, "no <ead> element: empty document or another format")
        self._require_identity(None)

    def _root(self, el: Any, name: str) -> None:
        self._ns = namespace(el.tag)
        if name != "ead":
            raise FormatError(
                self.path, f"unknown root element <{name}>: expected <ead>", el.sourceline
            )
        self.collection.namespace = self._ns

    def _require_identity(self, el: Any) -> None:
        """Once the archdesc's did is read: the collection must have an identifier."""
        if self._identified:
            return
        archdesc = el
        while archdesc is not None and localname(archdesc.tag) != "archdesc":
            archdesc = archdesc.getparent()
        record = self.collection
        if archdesc is not None:
            # A first look at the did (complete before any component) for the identity;
            # the whole archdesc is read again at its end.
            for child in archdesc:
                if isinstance(child.tag, str) and localname(child.tag) == "did":
                    probe = Description()
                    self._did(child, probe)
                    record.unitids, record.title = probe.unitids, probe.title
                    record.sourceline = probe.sourceline
        line = record.sourceline
        if not record.unitids:
            raise FormatError(
                self.path,
                "invalid finding aid: archdesc/did has no <unitid>; "
                "a collection needs an identifier (call number)",
                line,
                column_of(self.path, line, "<did") if line else None,
            )
        source = record.finding_aid.eadid or record.unitid
        record.identifier = identifier_slug(source) or identifier_slug(record.unitid)
        if not record.identifier:
            raise FormatError(
                self.path,
                f"invalid finding aid: identifier {source!r} has no letters or digits",
                line,
            )
        self._identified = True

    # -- collection level -------------------------------------------------------

    def _header(self, el: Any) -> None:
        info = self.collection.finding_aid
        info.internal = is_internal(el)
        info.status = el.get("findaidstatus") or ""
        for node in el.iter():
            if not isinstance(node.tag, str) or namespace(node.tag) != self._ns:
                continue
            name = localname(node.tag)
            if name in ("eadid", "recordid") and not info.eadid:
                info.eadid = text_of(node)
            elif name == "titleproper" and node.get("type") != "filing" and not info.title:
                info.title = text_of(node, skip=frozenset({"num", "date"}))
            elif name == "subtitle" and not info.subtitle:
                info.subtitle = text_of(node)
            elif name == "author" and not info.author:
                info.author = text_of(node)
            elif name == "publisher" and not info.publisher:
                info.publisher = text_of(node)
            elif name == "date" and localname(node.getparent().tag) == "publicationstmt":
                info.date = text_of(node)
            elif name in ("langusage", "languagedeclaration") and not info.language:
                info.language = text_of(node)
            elif name in ("descrules", "conventiondeclaration") and not info.rules:
                info.rules = text_of(node)
            elif name == "change" or (
                name == "maintenanceevent" and not is_placeholder_event(node)
            ):
                info.revisions.append(text_of(node))
            elif name == "maintenancestatus":
                info.status = info.status or (node.get("value") or text_of(node))
            elif name == "localcontrol" and node.get("localtype") == "findaidstatus":
                info.status = text_of(node)  # its own status, or none (fonds' exports)

    def _archdesc(self, el: Any) -> None:
        self._require_identity(el)
        previous = self.collection
        record = CollectionRecord(
            identifier=previous.identifier,
            ead_version=previous.ead_version,
            namespace=previous.namespace,
            finding_aid=previous.finding_aid,
            component_count=previous.component_count,
            level=level_of(el),
            internal=is_internal(el),
        )
        self._describe(el, record)
        self.collection = record

    # -- any level --------------------------------------------------------------

    def _component(self, el: Any, record: ComponentRecord) -> None:
        record.level = level_of(el)
        self._describe(el, record)
        xml_id = el.get("id")
        record.xml_id = xml_id
        if xml_id and SAFE_REF.match(xml_id) and xml_id not in self._refs:
            ref = xml_id
        else:
            ref = "c" + ".".join(str(p) for p in record.path)
            while ref in self._refs:
                ref += "_"
        self._refs.add(ref)
        record.ref = ref

    def _describe(self, el: Any, record: Description) -> None:
        for child in el:
            if not isinstance(child.tag, str) or namespace(child.tag) != self._ns:
                continue
            name = localname(child.tag)
            if COMPONENT_TAG.match(name) or name in ("dsc", "head", "thead", "runner"):
                continue
            if name == "did":
                self._did(child, record)
            elif is_internal(child):
                record.internal_notes.append(read_note(child, name))
            elif name == "controlaccess":
                self._terms(child, record, "subject")
            elif name in DAO_TAGS:
                self._daos(child, record, record.internal)
            elif name == "descgrp":
                self._describe(child, record)
            elif name == "relations":
                for relation in child:
                    if isinstance(relation.tag, str) and localname(relation.tag) == "relation":
                        self._relation(relation, record)
            else:
                add_note(record, read_note(child, name))
        record.sourceline = record.sourceline or el.sourceline

    def _did(self, did: Any, record: Description) -> None:
        record.sourceline = record.sourceline or did.sourceline
        titles: list[str] = []
        titles_html: list[str] = []
        for child in did:
            if not isinstance(child.tag, str) or namespace(child.tag) != self._ns:
                continue
            name = localname(child.tag)
            if is_internal(child):
                if name in DAO_TAGS:
                    self._daos(child, record, True)
                elif name == "origination":
                    self._terms(child, record, "creator", internal=True)
                else:
                    record.internal_notes.append(read_note(child, name))
                continue
            if name == "unittitle":
                # A unitdate inside the title is a date: ArchivesSpace and the
                # Archivists' Toolkit write "Records<unitdate>1925-1965</unitdate>".
                for nested in child.iter():
                    if isinstance(nested.tag, str) and localname(nested.tag) == "unitdate":
                        record.dates.append(read_unitdate(nested))
                titles.append(trim_title(text_of(child, skip=TITLE_SKIP)))
                titles_html.append(trim_title(to_html(child, skip=TITLE_SKIP)))
            elif name == "unitid":
                # ArchivesSpace adds its own database URI as a second unitid; it
                # identifies nothing for a researcher.
                value = text_of(child)
                if value and child.get("type") != "aspace_uri":
                    record.unitids.append(value)
            elif name == "unitdate":
                record.dates.append(read_unitdate(child))
            elif name == "unitdatestructured":
                record.dates.extend(read_structured_dates(child))
            elif name == "physdesc":
                self._physdesc(child, record)
            elif name == "physdescstructured":
                record.extents.append(read_quantity(child))
                for part in child:
                    if isinstance(part.tag, str) and localname(part.tag) == "descriptivenote":
                        add_note(record, read_note(part, "physdesc"))
            elif name == "physdescset":
                record.extents.extend(
                    read_quantity(part)
                    for part in child
                    if isinstance(part.tag, str) and localname(part.tag) == "physdescstructured"
                )
            elif name == "container":
                record.containers.append(
                    Container(
                        type=(child.get("type") or child.get("localtype") or "").strip(),
                        indicator=text_of(child),
                        label=child.get("label"),
                        id=child.get("id"),
                        parent=child.get("parent"),
                    )
                )
            elif name in DAO_TAGS:
                self._daos(child, record, record.internal)
            elif name == "langmaterial":
                self._languages(child, record)
            elif name == "origination":
                self._terms(child, record, "creator")
            elif name == "controlaccess":
                # Not its place (the schemas want it beside the did): still its names.
                self._terms(child, record, "subject")
            elif name == "repository" and isinstance(record, CollectionRecord):
                record.repository = text_of(child, skip=frozenset({"address"}))
            elif name == "head":
                continue
            else:  # abstract, physloc, materialspec, note, didnote, repository...
                add_note(record, read_note(child, name))
        if titles:
            record.title = "; ".join(t for t in titles if t)
            record.title_html = "; ".join(h for h in titles_html if h)

    def _physdesc(self, el: Any, record: Description) -> None:
        extents = [
            text_of(child)
            for child in el
            if isinstance(child.tag, str) and localname(child.tag) == "extent"
        ]
        record.extents.extend(e for e in extents if e)
        rest = text_of(el, skip=frozenset({"extent"}))
        if rest.strip(" ()[];,."):
            add_note(record, read_note(el, "physdesc", skip=frozenset({"head", "extent"})))

    def _languages(self, el: Any, record: Description) -> None:
        found = False
        for node in el.iter():
            if isinstance(node.tag, str) and localname(node.tag) == "language":
                code = node.get("langcode")
                name = text_of(node) or (code or "")
                if name or code:
                    record.languages.append(Language(code=code, name=name))
                    found = True
        text = text_of(el, skip=frozenset({"head"}))
        if text and not found:
            record.languages.append(Language(code=None, name=text))
        if found and len(text) > sum(len(lang.name) for lang in record.languages) + 12:
            add_note(record, read_note(el, "langmaterial"))

    def _terms(self, el: Any, record: Description, relation: str, internal: bool = False) -> None:
        for child in el:
            if not isinstance(child.tag, str) or namespace(child.tag) != self._ns:
                continue
            name = localname(child.tag)
            hidden = internal or record.internal or is_internal(child)
            if name == "controlaccess":
                self._terms(child, record, relation, hidden)
            elif name in TERM_KINDS:
                text = term_text(child, name)
                if text:
                    record.terms.append(
                        AccessTerm(
                            kind=name,
                            text=text,
                            relation=relation,
                            source=child.get("source") or child.get("rules") or None,
                            identifier=child.get("authfilenumber") or child.get("identifier"),
                            role=child.get("role") or child.get("relator") or None,
                            internal=hidden,
                        )
                    )
        if relation == "creator" and not any(
            isinstance(c.tag, str) and localname(c.tag) in TERM_KINDS for c in el
        ):
            text = text_of(el, skip=frozenset({"head"}))
            if text:
                record.terms.append(
                    AccessTerm(kind="name", text=text, relation=relation, internal=internal)
                )

    def _relation(self, el: Any, record: Description) -> None:
        entry = ""
        for child in el:
            if isinstance(child.tag, str) and localname(child.tag) == "relationentry":
                entry = text_of(child)
                break
        if entry:
            kind = (el.get("relationtype") or "").lower()
            record.terms.append(
                AccessTerm(
                    kind={"cpfrelation": "name", "resourcerelation": "title"}.get(kind, "name"),
                    text=entry,
                    relation="related",
                    identifier=attribute(el, "href"),
                    role=el.get("arcrole") or None,
                    internal=record.internal or is_internal(el),
                )
            )

    def _daos(self, el: Any, record: Description, internal: bool) -> None:
        name = localname(el.tag)
        hidden = internal or is_internal(el)
        if name == "dao":
            description = ""
            for child in el:
                if isinstance(child.tag, str) and localname(child.tag) in (
                    "daodesc",
                    "descriptivenote",
                ):
                    description = to_html(child)
            record.digital_objects.append(
                DigitalObject(
                    href=nfc(safe_href(attribute(el, "href")) or ""),
                    title=plain(attribute(el, "title") or el.get("linktitle") or text_of(el) or ""),
                    role=dao_role(el),
                    description=description,
                    internal=hidden,
                )
            )
            return
        label = ""
        for child in el:
            if isinstance(child.tag, str) and localname(child.tag) in (
                "daodesc",
                "descriptivenote",
            ):
                label = text_of(child)
        label = label or el.get("label") or attribute(el, "title") or ""
        for child in el:
            if not isinstance(child.tag, str):
                continue
            child_name = localname(child.tag)
            if child_name == "daoloc":
                record.digital_objects.append(
                    DigitalObject(
                        href=nfc(safe_href(attribute(child, "href")) or ""),
                        title=plain(attribute(child, "title") or child.get("label") or label),
                        role=attribute(child, "role") or None,
                        group_label=label or None,
                        internal=hidden or is_internal(child),
                    )
                )
            elif child_name == "dao":
                before = len(record.digital_objects)
                self._daos(child, record, hidden)
                for dao in record.digital_objects[before:]:
                    dao.group_label = label or None

"""Writing a finding aid as EAD 2002 or EAD3, streaming.

:func:`write_ead` takes a :class:`CollectionRecord` and its components in document
order and writes them with lxml's incremental writer: each component's description
is built as a small tree, written, and dropped; the ``<c>`` elements are opened and
closed as the depth changes. A 100,000-component collection never becomes one tree.

The output is valid against the official schemas (ead2002.xsd, ead3.xsd) and reads
back (:class:`fonds.formats.ead.EADReader`) into the same records, every field the
loader stores in the same order, whenever the source said nothing its schema
refuses. Where a version cannot say something, it is written as near as it can be:

* a component keeps its ``ref`` as ``@id`` (a generated one such as ``c2.1`` too,
  so that its URL survives when internal siblings are left out), unless the ref is
  no XML name or already taken;
* a level outside the schema's list is ``otherlevel`` with ``@otherlevel``; the
  collection's empty level is ``otherlevel``;
* the ``did`` notes (abstract, physloc, physdesc...) stand in the ``did``, in their
  order, before the others; a langmaterial note holds its languages (with their
  codes) and a physdesc note comes apart from the extents;
* EAD 2002 has no ``relations`` (related names and works become access terms) and no
  ``physdescstructured``; its ``unitdate@normal`` takes only ISO 8601 dates and
  ranges (``1990/..`` is left out), its ``@source`` and container ``@type`` only name
  tokens; block notes with no place of their own go in a ``descgrp``;
* EAD3 extents are ``physdescstructured`` (a physdesc note's paragraphs their
  ``descriptivenote``); its ``langmaterial`` holds languages, the text of a note in a
  ``descriptivenote``; it has no ``note`` (``didnote``); a ``dao`` needs a
  ``daotype``: a role that is a URI (EAD 2002's ``xlink:role``) is its ``linkrole``
  with ``unknown``, another role than borndigital, derived or unknown is
  ``otherdaotype`` (with ``@otherdaotype``), none is ``unknown``; a ``daoset`` needs
  two objects; the header is :mod:`fonds.formats.ead_header_write`'s;
* a date said by its ``normal`` alone that the version cannot write is written as
  the text it reads as (``1990/9999`` in EAD 2002: ``1990-``);
* a note no element of the version can hold is the content of an ``odd``;
* mixed content follows :mod:`fonds.formats.html_to_ead`; where the HTML of a
  chronlist dropped what the note's plain text keeps (a word break after a date,
  the two dates of a range), the text decides.

Nothing marked internal is written: not the components, notes, names or digital
objects so flagged (records read from the database hold none), nor an internal
``eadheader``/``control`` beyond the identifier and title the file needs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from typing import IO, Any

from lxml import etree

from .archival import (
    AccessTerm,
    CollectionRecord,
    ComponentRecord,
    DateSpan,
    Description,
    DigitalObject,
    Language,
    Note,
    span_label,
)
from .dates import ISO_NORMAL
from .ead_header_write import NMTOKEN, Elements, finding_aid_header, nmtoken
from .html_to_ead import NAMESPACES, XLINK_NS, Converter, Node, parse_html
from .markup import plain, text_of

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATIONS = {
    "2002": "urn:isbn:1-931666-22-9 http://www.loc.gov/ead/ead.xsd",
    "3": "http://ead3.archivists.org/schema/ https://www.loc.gov/ead/ead3.xsd",
}
LEVELS = frozenset(
    "class collection file fonds item otherlevel recordgrp series subfonds subgrp subseries".split()
)
NAME_KINDS = ("persname", "corpname", "famname", "name")
TERM_KINDS = frozenset(
    {*NAME_KINDS, "geogname", "subject", "genreform", "occupation", "function", "title"}
)
DAO_TYPES = frozenset({"borndigital", "derived", "unknown"})
# Notes that stand in the did, and the name each version gives them.
_IN_DID = {n: n for n in "abstract physloc materialspec physdesc langmaterial repository".split()}
DID_NOTES = {
    "2002": _IN_DID | {"note": "note", "didnote": "note"},
    "3": _IN_DID | {"note": "didnote", "didnote": "didnote"},
}
DESC_NOTES = frozenset(
    "accessrestrict accruals acqinfo altformavail appraisal arrangement bibliography "
    "bioghist custodhist fileplan index odd originalsloc otherfindaid phystech "
    "prefercite processinfo relatedmaterial scopecontent separatedmaterial "
    "userestrict".split()
)
DESC_ONLY = {"2002": DESC_NOTES | {"note"}, "3": DESC_NOTES | {"legalstatus"}}
# EAD 2002 notes that are blocks, placed in a descgrp (the reader reads through it).
GROUPED_BLOCKS = frozenset({"p", "list", "chronlist", "table", "blockquote", "address"})
BLOCK_TAGS = frozenset({"p", "ul", "ol", "dl", "table", "blockquote", "section", "h4"})

# EAD 2002 unitdate@normal (ead2002.xsd am.date.normal)
NORMAL_2002 = ISO_NORMAL
# An EAD3 linkrole is a URI (EAD 2002's xlink:role); other roles are a daotype.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
NCNAME = re.compile(r"[^\W\d][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*")
_SPACE_UNITS = re.compile(r"linear|cubic|\bfeet\b|\bfoot\b|\bft\b|met(re|er)s?\b", re.I)
_QUANTITY = re.compile(r"(\d[\d.,]*)\s+(\S.*)")
_HEAD = frozenset({"head"})


def write_ead(
    collection: CollectionRecord,
    components: Iterable[ComponentRecord],
    version: str,
    component_refs: AbstractSet[str] = frozenset(),
) -> bytes:
    """The finding aid as EAD ``version`` ("2002" or "3"), UTF-8 bytes.

    ``components`` come in document order. ``component_refs``, the refs of all of
    them when known in advance, lets a container name a component further down as
    its ``parent`` (EAD3 exports do); without it only earlier ones can be named.
    """
    out = io.BytesIO()
    write_ead_to(out, collection, components, version, component_refs)
    return out.getvalue()


def write_ead_to(
    out: IO[bytes],
    collection: CollectionRecord,
    components: Iterable[ComponentRecord],
    version: str,
    component_refs: AbstractSet[str] = frozenset(),
) -> None:
    """Stream the finding aid to a binary file."""
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        _Writer(xf, version, component_refs).write(collection, iter(components))


def split_clean(value: str) -> list[str]:
    """A value the loader joined with "; " as its parts, when they read back the same."""
    parts = value.split("; ")
    if all(part and part == plain(part) for part in parts):
        return parts
    return [value] if value else []


class _Writer(Elements):
    def __init__(self, xf: Any, version: str, component_refs: AbstractSet[str]) -> None:
        if version not in NAMESPACES:
            raise ValueError(f"unknown EAD version {version!r}: '2002' or '3'")
        super().__init__(version)
        self.xf = xf
        self.convert = Converter(version)
        self.ids: set[str] = set()  # written so far
        self.promised = component_refs  # components' ids still to come
        self.open: list[AbstractContextManager[Any]] = []

    # -- output -----------------------------------------------------------------

    def emit(self, element: Any, tail: str = "\n") -> None:
        """Write a small tree through the incremental writer (no namespace
        declarations repeated: the root's are in scope)."""
        xf = self.xf
        with xf.element(element.tag, dict(element.attrib)):
            if element.text:
                xf.write(element.text)
            for child in element:
                self.emit(child, child.tail)
        if tail:
            xf.write(tail)

    def enter(self, name: str, attrib: dict[str, str | None] | None = None) -> None:
        context = self.xf.element(
            f"{{{self.ns}}}{name}", {k: v for k, v in (attrib or {}).items() if v}
        )
        context.__enter__()
        self.xf.write("\n")
        self.open.append(context)

    def leave(self) -> None:
        self.open.pop().__exit__(None, None, None)
        self.xf.write("\n")

    # -- the document -----------------------------------------------------------

    def write(self, collection: CollectionRecord, components: Iterator[ComponentRecord]) -> None:
        nsmap: dict[str | None, str] = {None: self.ns, "xsi": XSI_NS}
        if self.version == "2002":
            nsmap["xlink"] = XLINK_NS
        root = self.xf.element(
            f"{{{self.ns}}}ead",
            {f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATIONS[self.version]},
            nsmap=nsmap,
        )
        with root:
            self.xf.write("\n")
            self.emit(self.header(collection))
            self.enter("archdesc", self.level(collection.level or "otherlevel"))
            self.describe(collection)
            base = len(self.open)
            for component in components:
                if component.internal:
                    continue
                if len(self.open) == base:
                    self.enter("dsc")
                # close the components this one is not inside of
                while len(self.open) > base + 1 and len(self.open) - base > component.depth:
                    self.leave()
                attrib = self.level(component.level)
                attrib["id"] = component.ref if self._new_id(component.ref, True) else None
                self.enter("c", attrib)
                self.describe(component)
            while self.open:
                self.leave()
        self.xf.flush()

    def level(self, level: str) -> dict[str, str | None]:
        if not level or level in LEVELS:
            return {"level": level}
        other = level if self.version == "3" or NMTOKEN.fullmatch(level) else None
        return {"level": "otherlevel", "otherlevel": other}

    def header(self, collection: CollectionRecord) -> Any:
        """eadheader (2002) or control (EAD3), from what is known of the finding aid."""
        return finding_aid_header(collection, self.version)

    # -- any level --------------------------------------------------------------

    def describe(self, record: Description) -> None:
        """The did and the description of the archdesc or component just opened."""
        did_notes, desc_notes = _placed(record.notes, self.version)
        terms = [t for t in record.terms if not t.internal]
        self.emit(self.did(record, did_notes, [t for t in terms if t.relation == "creator"]))
        for note in desc_notes:
            self.emit(self.note(note))
        for element in self.access(t for t in terms if t.relation != "creator"):
            self.emit(element)

    def did(self, record: Description, notes: list[Note], creators: list[AccessTerm]) -> Any:
        did = self.el("did")
        if record.title_html or record.title:
            title = self.sub(did, "unittitle")
            self.convert.fill(title, _html(record.title_html, record.title))
        for unitid in [u for value in record.unitids for u in split_clean(value)]:
            self.sub(did, "unitid", text=unitid)
        for span in record.dates:
            did.append(self.unitdate(span))
        extents = [e for value in record.extents for e in split_clean(value)]
        languages = list(record.languages)
        for note in notes:
            if note.type == "physdesc" and self.version == "3" and extents and _blocks(note.html):
                did.append(self.quantity(extents.pop(0), note))
            elif note.type == "langmaterial":
                languages = self.langmaterial(did, note, languages)
            else:
                did.append(self.did_note(note))
        if extents and self.version == "2002":
            physdesc = self.sub(did, "physdesc")
            for extent in extents:
                self.sub(physdesc, "extent", text=extent)
        for extent in extents if self.version == "3" else []:
            did.append(self.quantity(extent, None))
        for language in languages:
            self.sub(did, "langmaterial").append(self.language(language))
        for container in record.containers:
            container_id = container.id if self._new_id(container.id) else None
            parents = (container.parent or "").split()
            known = bool(parents) and all(
                p in self.ids or (p in self.promised and NCNAME.fullmatch(p)) for p in parents
            )
            attrib = {
                "label": container.label,
                "id": container_id,
                "parent": container.parent if known else None,
            }
            if self.version == "2002":
                attrib["type"] = nmtoken(container.type)
            else:
                attrib["localtype"] = container.type
            self.sub(did, "container", attrib, container.indicator)
        for creator in creators:
            kind = creator.kind if creator.kind in NAME_KINDS else "name"
            self.sub(did, "origination").append(self.term(creator, kind))
        if isinstance(record, CollectionRecord) and record.repository:
            repository = self.sub(did, "repository")
            repository.append(self.term(AccessTerm("corpname", record.repository), "corpname"))
        for element in self.daos([d for d in record.digital_objects if not d.internal]):
            did.append(element)
        if not len(did):
            self.sub(did, "unittitle")
        return did

    def _new_id(self, value: str | None, component: bool = False) -> bool:
        if not value or not NCNAME.fullmatch(value) or value in self.ids:
            return False
        if value in self.promised and not component:  # a component's, further down
            return False
        self.ids.add(value)
        return True

    def unitdate(self, span: DateSpan) -> Any:
        normal = span.normal
        if normal and self.version == "2002" and not NORMAL_2002.fullmatch(normal):
            normal = None
        kind = span.type if span.type in ("bulk", "inclusive") else None
        attrib = {"normal": normal, "type" if self.version == "2002" else "unitdatetype": kind}
        # a date said by its normal alone ("1990/9999", which ead2002.xsd refuses) is
        # written as the text it reads as ("1990-")
        text = span.text or ("" if normal else span_label(span))
        return self.el("unitdate", attrib, text)

    def quantity(self, extent: str, note: Note | None) -> Any:
        """An EAD3 physdescstructured: the extent, with a physdesc note's paragraphs."""
        match = _QUANTITY.fullmatch(extent)
        quantity, unit = (match.group(1), match.group(2)) if match else (extent, "")
        if "_" in unit:
            quantity, unit = extent, ""
        kind = "spaceoccupied" if _SPACE_UNITS.search(unit) else "materialtype"
        element = self.el(
            "physdescstructured", {"physdescstructuredtype": kind, "coverage": "whole"}
        )
        self.sub(element, "quantity", text=quantity)
        self.sub(element, "unittype", text=unit)
        if note is not None:
            self.convert.fill(self.sub(element, "descriptivenote"), parse_html(note.html).children)
        return element

    def langmaterial(self, did: Any, note: Note, languages: list[Language]) -> list[Language]:
        """Write a langmaterial note with its languages (their codes restored) and
        those before it; return the languages still to write."""
        nodes = parse_html(note.html).children
        names = [plain(n.text()) for n in _walk(nodes) if n.classes == ["ead-language"]]
        start = next(
            (
                i
                for i in range(len(languages) - len(names) + 1)
                if [lang.name for lang in languages[i : i + len(names)]] == names
            ),
            None,
        )
        own: list[Language] = []
        if start is not None and names:
            for language in languages[:start]:
                self.sub(did, "langmaterial").append(self.language(language))
            own = languages[start : start + len(names)]
            languages = languages[start + len(names) :]
        element = self.sub(did, "langmaterial", {"label": note.head})
        if self.version == "2002":
            self.convert.fill(element, nodes)
            codes = iter(own)
            for language in element.iter(f"{{{self.ns}}}language"):
                known = next(codes, None)
                if known is not None and known.code:
                    language.set("langcode", known.code)
            return languages
        for language in own or [Language(None, "")]:
            element.append(self.language(language))
        self.convert.fill(self.sub(element, "descriptivenote"), nodes)
        return languages

    def language(self, language: Language) -> Any:
        text = "" if language.name == language.code else language.name
        return self.el("language", {"langcode": language.code}, text)

    def did_note(self, note: Note) -> Any:
        name = DID_NOTES[self.version][note.type]
        nodes = parse_html(note.html).children
        if name == "repository" and self.version == "3" and _has_text(nodes):
            name = "didnote"  # an EAD3 repository holds names only
        element = self.el(name, {"label": note.head})
        self.convert.fill(element, nodes)
        return element

    def note(self, note: Note) -> Any:
        """A note of the description (not of the did)."""
        nodes = parse_html(note.html).children
        kind = note.type
        if kind in DESC_ONLY[self.version]:
            element = self.el(kind)
            holder = element
        elif self.version == "2002" and kind in GROUPED_BLOCKS:
            element = self.el("descgrp")
            holder = self.sub(element, kind)
            if kind == "p":
                self.convert.fill(holder, nodes)
                return element
        else:  # nowhere to stand in this version: the content of an odd
            element = holder = self.el("odd")
            if kind in self.convert.model("odd").children:
                holder = self.sub(element, kind)
        if note.head and holder is element:
            self.sub(element, "head", text=note.head)
        self.convert.fill(holder, nodes)
        if 'class="chronlist"' in note.html and text_of(holder, _HEAD) != note.text:
            self.chronology(holder, nodes, note.text)
        empty = all(c.tag == f"{{{self.ns}}}head" for c in holder)
        if empty and "p" in self.convert.model(_local(holder)).children:
            self.sub(holder, "p")  # a note holds at least a paragraph
        return element

    def chronology(self, holder: Any, nodes: list[Node | str], text: str) -> None:
        """Write the note again with what its plain text says of its chronlists."""
        convert = self.convert
        kept = list(holder)
        for child in kept:
            if child.tag != f"{{{self.ns}}}head":
                holder.remove(child)
        holder.text = None
        convert.spaced_dates = True
        for node in _walk(nodes):
            if node.tag == "dt" and (date := node.text()) and date not in text:
                split = next((i for i in range(1, len(date)) if _spaced(date, i) in text), 0)
                convert.date_ranges[date] = split
        convert.fill(holder, nodes)
        convert.spaced_dates, convert.date_ranges = False, {}
        if text_of(holder, _HEAD) != text:  # no better: as it was
            for child in list(holder):
                holder.remove(child)
            holder.extend(kept)

    # -- names and digital objects ----------------------------------------------

    def term(self, term: AccessTerm, kind: str) -> Any:
        if self.version == "2002":
            role = term.role if kind in (*NAME_KINDS, "geogname") else None
            attrib = {
                "source": nmtoken(term.source),
                "authfilenumber": term.identifier,
                "role": role,
            }
            return self.el(kind, attrib, term.text)
        attrib = {"source": term.source, "identifier": term.identifier, "relator": term.role}
        element = self.el(kind, attrib)
        self.sub(element, "part", text=term.text)
        return element

    def access(self, terms: Iterable[AccessTerm]) -> Iterator[Any]:
        """controlaccess (and EAD3 relations) for runs of terms, in their order."""
        current: Any = None
        for term in terms:
            related = term.relation == "related" and self.version == "3"
            name = "relations" if related else "controlaccess"
            if current is None or current.tag != f"{{{self.ns}}}{name}":
                if current is not None:
                    yield current
                current = self.el(name)
            if related:
                kind = "resourcerelation" if term.kind == "title" else "cpfrelation"
                relation = self.sub(
                    current,
                    "relation",
                    {"relationtype": kind, "href": term.identifier, "arcrole": term.role},
                )
                self.sub(relation, "relationentry", text=term.text)
            else:
                kind = term.kind if term.kind in TERM_KINDS else "name"
                current.append(self.term(term, kind))
        if current is not None:
            yield current

    def daos(self, objects: list[DigitalObject]) -> Iterator[Any]:
        index = 0
        while index < len(objects):
            first = objects[index]
            group = [first]
            while (
                first.group_label
                and index + len(group) < len(objects)
                and objects[index + len(group)].group_label == first.group_label
            ):
                group.append(objects[index + len(group)])
            index += len(group)
            plain_group = all(d.href and not d.description for d in group)
            if first.group_label and plain_group and (self.version == "2002" or len(group) > 1):
                yield self.dao_group(first.group_label, group)
            else:
                yield from (self.dao(d) for d in group)

    def dao(self, dao: DigitalObject) -> Any:
        if self.version == "2002":
            attrib = {
                f"{{{XLINK_NS}}}type": "simple",
                f"{{{XLINK_NS}}}href": dao.href,
                f"{{{XLINK_NS}}}title": dao.title,
                f"{{{XLINK_NS}}}role": dao.role,
            }
            element = self.el("dao", attrib)
            if dao.description:
                self.convert.fill(
                    self.sub(element, "daodesc"), parse_html(dao.description).children
                )
            return element
        role = dao.role or "unknown"
        link_role = role if _URI.fullmatch(role) else None
        kind = role if role in DAO_TYPES else "unknown" if link_role else "otherdaotype"
        attrib = {
            "daotype": kind,
            "otherdaotype": role if kind == "otherdaotype" else None,
            "href": dao.href,
            "linkrole": link_role,
            "linktitle": dao.title,
        }
        element = self.el("dao", attrib)
        if dao.description:
            note = self.sub(element, "descriptivenote")
            self.convert.fill(note, parse_html(dao.description).children)
        return element

    def dao_group(self, label: str, group: list[DigitalObject]) -> Any:
        if self.version == "3":
            element = self.el("daoset", {"label": label})
            for dao in group:
                element.append(self.dao(dao))
            return element
        element = self.el("daogrp", {f"{{{XLINK_NS}}}type": "extended"})
        self.sub(self.sub(element, "daodesc"), "p", text=label)
        for dao in group:
            attrib = {
                f"{{{XLINK_NS}}}type": "locator",
                f"{{{XLINK_NS}}}href": dao.href,
                f"{{{XLINK_NS}}}title": dao.title,
                f"{{{XLINK_NS}}}role": dao.role,
            }
            self.sub(element, "daoloc", attrib)
        return element


def _placed(notes: list[Note], version: str) -> tuple[list[Note], list[Note]]:
    """The notes of the did and those of the description, each in stored order: the
    reader met the did's first."""
    did: list[Note] = []
    desc: list[Note] = []
    in_did = True
    for note in notes:
        capable = note.type in DID_NOTES[version]
        if capable and (in_did or note.type not in DESC_ONLY[version]):
            did.append(note)
        else:
            in_did = False
            desc.append(note)
    return did, desc


def _local(element: Any) -> str:
    return str(element.tag).rpartition("}")[2]


def _html(html: str, text: str) -> list[Node | str]:
    return parse_html(html).children if html else [text]


def _blocks(html: str) -> bool:
    return any(isinstance(n, Node) and n.tag in BLOCK_TAGS for n in parse_html(html).children)


def _has_text(nodes: list[Node | str]) -> bool:
    return any(isinstance(n, str) and n.strip() for n in nodes)


def _walk(nodes: Iterable[Node | str]) -> Iterator[Node]:
    for node in nodes:
        if isinstance(node, Node):
            yield node
            yield from _walk(node.children)


def _spaced(text: str, index: int) -> str:
    return f"{text[:index]} {text[index:]}"

"""Structure-aware mutations for bench/fuzz.py: well-formed inputs that reach the
readers' logic.

Byte mutations of a finding aid almost always break the XML, so the reader stops at
the parser. Here a seed is parsed (lxml, json, bibtexparser, rispy), its tree or
entries are changed, and the result is written out again with the same library, so
it stays well-formed while its content goes wherever the mutations take it:

* XML (EAD 2002, EAD3, EAC-CPF): elements dropped, duplicated, swapped with a
  sibling, moved elsewhere, renamed to another element of the vocabulary, nested
  hundreds deep; attributes swapped between elements, dropped or given odd values;
  text replaced by odd dates, huge numbers, long strings and Unicode oddities (RTL
  overrides, combining marks, zero-width characters, astral characters).
* JSON (TimelineJS, CSL-JSON): keys dropped, values of the wrong type, odd strings
  and numbers, events duplicated, arrays nested deep.
* BibTeX and RIS: entries parsed into fields; fields dropped, duplicated, renamed,
  given odd values (LaTeX, names, dates, braces), entry types changed.

Every mutator is deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

import bibtexparser
import rispy  # type: ignore[import-untyped]
from bibtexparser import model
from lxml import etree

ODD_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "0000",
    "9999",
    "99999",
    "1990/9999",
    "1928/13302",
    "1990-",
    "1990/..",
    "-0044/0014",
    "1970s-1980s",
    "circa 1e9",
    "undated",
    "n.d.",
    "2026-02-30",
    "1972-13-45",
    "9" * 40,
    "1e999",
    "NaN",
    "x" * 5000,
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "\u200b\u200d\ufeff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
    "Щаранский",
    "שׁרנסקי",
    "a\tb\nc",
    "javascript:alert(1)",
    "../../etc/passwd",
    "<not markup>",
    "&amp;&lt;",
    '{\\o}\\"{a}\\textit{x}',
    "%",
    "}{",
]
ODD_NUMBERS: list[Any] = [0, -1, 1, 13, 32, 10**6, -(10**6), 10**30, 1.5, -0.0, True, None]


def _odd(rng: random.Random) -> str:
    value = rng.choice(ODD_TEXT)
    if rng.random() < 0.2:
        value = value * rng.randrange(2, 50)
    return value


# -- XML ----------------------------------------------------------------------------

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_EXTRA_TAGS = (
    "c c01 c02 c12 did unitdate unitdatestructured daterange fromdate todate datesingle "
    "unittitle unitid container dao daogrp daoloc daoset controlaccess persname corpname "
    "part note p list item chronlist chronitem event table tgroup tbody row entry extref "
    "ref archref emph lb langmaterial language origination physdesc extent "
    "physdescstructured quantity unittype relations relation relationentry "
    "eadheader eadid control recordid maintenancehistory maintenanceevent localcontrol "
    "identity nameEntry entityType existDates dateRange fromDate toDate date cpfRelation "
    "relationEntry biogHist chronItem"
).split()
_ATTRIBUTES = (
    "id level otherlevel audience normal type unitdatetype standarddate notbefore "
    "notafter label parent localtype href linkrole daotype otherdaotype role "
    "authfilenumber source identifier relator langcode findaidstatus localType "
    "standardDate cpfRelationType"
).split()
XLINK = "{http://www.w3.org/1999/xlink}"


def _elements(root: Any) -> list[Any]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


def _same_namespace(root: Any, name: str) -> str:
    ns = etree.QName(root).namespace
    return f"{{{ns}}}{name}" if ns else name


def mutate_xml_tree(rng: random.Random, root: Any) -> None:
    """Change one thing in the tree (in place)."""
    elements = _elements(root)
    el = rng.choice(elements)
    parent = el.getparent()
    action = rng.randrange(12)
    if action == 0 and parent is not None:  # drop, keeping what follows it
        tail = el.tail
        index = parent.index(el)
        parent.remove(el)
        if tail and index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + tail
    elif action == 1 and parent is not None:  # duplicate
        parent.insert(parent.index(el) + 1, copy.deepcopy(el))
    elif action == 2 and parent is not None and len(parent) > 1:  # swap with a sibling
        other = rng.choice(list(parent))
        if other is not el:
            i, j = parent.index(el), parent.index(other)
            parent[i], parent[j] = copy.deepcopy(other), copy.deepcopy(el)
    elif action == 3 and parent is not None:  # move somewhere else
        target = rng.choice(elements)
        if target is not el and el not in target.iterancestors() and target is not parent:
            parent.remove(el)
            target.insert(rng.randrange(len(target) + 1), el)
    elif action == 4:  # rename to another element of the vocabulary
        names = sorted({etree.QName(e).localname for e in elements} | set(_EXTRA_TAGS))
        el.tag = _same_namespace(root, rng.choice(names))
    elif action == 5 and parent is not None:  # nest deep
        name = rng.choice(["c", "c01", "p", "emph", "list", etree.QName(el).localname])
        holder = el
        for _ in range(rng.choice([2, 20, 150, 240])):
            wrapper = etree.Element(_same_namespace(root, name))
            wrapper.append(copy.deepcopy(holder) if holder is el else holder)
            holder = wrapper
        parent.replace(el, holder)
    elif action == 6:  # an attribute given an odd value
        name = rng.choice(_ATTRIBUTES + list(el.attrib))
        if name in ("href", "role", "title") and rng.random() < 0.5:
            name = XLINK + name
        el.set(name, _odd(rng))
    elif action == 7 and el.attrib:  # an attribute dropped
        del el.attrib[rng.choice(list(el.attrib))]
    elif action == 8:  # attributes swapped with another element
        other = rng.choice(elements)
        mine, theirs = dict(el.attrib), dict(other.attrib)
        el.attrib.clear()
        other.attrib.clear()
        el.attrib.update(theirs)
        other.attrib.update(mine)
    elif action == 9:  # odd text
        el.text = _odd(rng)
    elif action == 10:  # a new element of the vocabulary, with odd content
        child = etree.SubElement(el, _same_namespace(root, rng.choice(_EXTRA_TAGS)))
        child.text = _odd(rng)
        if rng.random() < 0.5:
            child.set(rng.choice(_ATTRIBUTES), _odd(rng))
    elif action == 11 and parent is not None:  # children reversed
        children = list(el)
        for child in children:
            el.remove(child)
        el.extend(reversed(children))


def mutate_xml(rng: random.Random, seed: bytes) -> bytes:
    root = etree.fromstring(seed, _XML_PARSER)
    for _ in range(rng.randrange(1, 7)):
        mutate_xml_tree(rng, root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def xml_wellformed(data: bytes) -> bool:
    try:
        etree.fromstring(data, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return False
    return True


# -- JSON ---------------------------------------------------------------------------


def _odd_json(rng: random.Random) -> Any:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(ODD_NUMBERS)
    if kind == 1:
        return _odd(rng)
    if kind == 2:
        return []
    if kind == 3:
        return {}
    if kind == 4:
        value: Any = "deep"
        for _ in range(rng.choice([5, 50, 500])):
            value = [value]
        return value
    return {rng.choice(["year", "month", "day", "date-parts", "text", "url"]): _odd(rng)}


def _containers(value: Any, found: list[Any]) -> list[Any]:
    if isinstance(value, dict | list):
        found.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            _containers(child, found)
    return found


def mutate_json(rng: random.Random, seed: bytes) -> bytes:
    document = json.loads(seed)
    for _ in range(rng.randrange(1, 7)):
        holders = _containers(document, [])
        holder = rng.choice(holders)
        action = rng.randrange(5)
        if isinstance(holder, dict):
            keys = list(holder)
            if action == 0 and keys:
                del holder[rng.choice(keys)]
            elif action in (1, 2) and keys:
                holder[rng.choice(keys)] = _odd_json(rng)
            elif action == 3 and keys:
                key = rng.choice(keys)
                holder[_odd(rng)[:50] or "x"] = copy.deepcopy(holder[key])
            else:
                known = [
                    "year",
                    "month",
                    "day",
                    "display_date",
                    "start_date",
                    "end_date",
                    "unique_id",
                    "date-parts",
                    "issued",
                    "author",
                    "type",
                    "id",
                    "title",
                    "media",
                    "group",
                    "eras",
                    "scale",
                ]
                holder[rng.choice(known)] = _odd_json(rng)
        elif isinstance(holder, list):
            if action == 0 and holder:
                holder.pop(rng.randrange(len(holder)))
            elif action == 1 and holder:
                holder.append(copy.deepcopy(rng.choice(holder)))
            elif action == 2 and holder:
                holder[rng.randrange(len(holder))] = _odd_json(rng)
            elif action == 3:
                holder.reverse()
            else:
                holder.insert(rng.randrange(len(holder) + 1), _odd_json(rng))
    return json.dumps(document, ensure_ascii=rng.random() < 0.5).encode()


def json_wellformed(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to decode
        return False
    return True


# -- BibTeX -------------------------------------------------------------------------

_BIB_FIELDS = (
    "title author editor year date month journal journaltitle booktitle publisher "
    "address location pages volume number edition series doi url isbn note crossref "
    "language langid translator type institution school urldate"
).split()
_BIB_VALUES = [
    "Doe, Jane and Roe, Richard",
    "and and",
    "{Committee on the Present Danger}",
    "von der Hoeven, Jan",
    "Jane Doe and others",
    ", , ,",
    '{\\c{C}}elik, {\\"O}zg{\\"u}r',
    "$x^2$ \\emph{y}",
    "{unbalanced",
    "1990--1991",
    "1990/1991",
    "-500",
    "99999",
    "jan",
    "13",
    "\\url{javascript:alert(1)}",
]
_BIB_TYPES = "article book incollection inbook misc thesis phdthesis online report x".split()


def mutate_bibtex(rng: random.Random, seed: bytes) -> bytes:
    library = bibtexparser.parse_string(seed.decode("utf-8"))
    entries = list(library.entries)
    for _ in range(rng.randrange(1, 7)):
        if not entries:
            entries.append(model.Entry("misc", "k", [model.Field("title", "T")]))
        entry = rng.choice(entries)
        fields = list(entry.fields)
        action = rng.randrange(6)
        if action == 0 and fields:
            fields.pop(rng.randrange(len(fields)))
        elif action == 1:
            value = rng.choice(_BIB_VALUES) if rng.random() < 0.6 else _odd(rng)
            fields.append(model.Field(rng.choice(_BIB_FIELDS), value))
        elif action == 2 and fields:
            index = rng.randrange(len(fields))
            fields[index] = model.Field(rng.choice(_BIB_FIELDS), fields[index].value)
        elif action == 3:
            entries.append(
                model.Entry(entry.entry_type, entry.key + rng.choice(["", "x", " "]), fields)
            )
        elif action == 4:
            entry = model.Entry(rng.choice(_BIB_TYPES), entry.key, fields)
            entries[rng.randrange(len(entries))] = entry
            continue
        elif fields:
            index = rng.randrange(len(fields))
            fields[index] = model.Field(fields[index].key, rng.choice(_BIB_VALUES))
        entry.fields = fields
    return bibtexparser.write_string(bibtexparser.Library(entries)).encode()


def bibtex_wellformed(data: bytes) -> bool:
    try:
        library = bibtexparser.parse_string(data.decode("utf-8"))
    except Exception:
        return False
    return not library.failed_blocks


# -- RIS ----------------------------------------------------------------------------

_RIS_KEYS = (
    "type_of_reference title primary_title authors first_authors year publication_year "
    "date journal_name secondary_title publisher place_published start_page end_page "
    "volume number doi urls notes keywords language id edition"
).split()
_RIS_TYPES = "BOOK JOUR CHAP THES GEN ELEC NEWS RPRT XXXX".split()


def mutate_ris(rng: random.Random, seed: bytes) -> bytes:
    records = rispy.loads(seed.decode("utf-8"))
    for _ in range(rng.randrange(1, 7)):
        if not records:
            records.append({"type_of_reference": "GEN", "title": "T"})
        record = rng.choice(records)
        action = rng.randrange(5)
        key = rng.choice(_RIS_KEYS)
        if action == 0 and len(record) > 1:
            del record[rng.choice([k for k in record if k != "type_of_reference"] or [key])]
        elif action == 1:
            records.append(copy.deepcopy(record))
        elif action == 2:
            record["type_of_reference"] = rng.choice(_RIS_TYPES)
        elif key in ("authors", "first_authors", "urls", "keywords", "notes"):
            record[key] = [_odd(rng).replace("\n", " ") for _ in range(rng.randrange(0, 4))]
        else:
            record[key] = _odd(rng).replace("\n", " ")
    return rispy.dumps(records).encode()


def ris_wellformed(data: bytes) -> bool:
    try:
        rispy.loads(data.decode("utf-8"))
    except Exception:
        return False
    return True


Mutator = Callable[[random.Random, bytes], bytes]

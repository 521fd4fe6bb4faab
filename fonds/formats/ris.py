"""RIS to CSL-JSON items and back, through rispy.

rispy reads a record's tags into named fields but forgives broken structure (a record
without its ``ER`` line is silently dropped or merged into the next one), so the
records are found here first, with their line numbers, and each is handed to rispy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import rispy  # type: ignore[import-untyped]

from .csl import Item, date_parts, decode_input, make_date_parts, name_text, plain_text
from .errors import FormatError

# RIS reference types to CSL types (the RIS specification's list, as Zotero reads it).
TYPES = dict(
    pair.split(":")
    for pair in (
        "ABST:article ADVS:motion_picture AGGR:dataset ANCIENT:classic ART:graphic BILL:bill"
        " BLOG:post-weblog BOOK:book CASE:legal_case CHAP:chapter CHART:figure CLSWK:classic"
        " COMP:software CONF:paper-conference CPAPER:paper-conference CTLG:book DATA:dataset"
        " DBASE:dataset DICT:entry-dictionary EBOOK:book ECHAP:chapter EDBOOK:book"
        " EJOUR:article-journal ELEC:webpage ENCYC:entry-encyclopedia EQUA:figure FIGURE:figure"
        " GEN:document GOVDOC:report GRANT:document HEAR:hearing ICOMM:personal_communication"
        " INPR:article-journal JFULL:periodical JOUR:article-journal LEGAL:regulation"
        " MANSCPT:manuscript MAP:map MGZN:article-magazine MPCT:motion_picture MULTI:webpage"
        " MUSIC:musical_score NEWS:article-newspaper PAMP:pamphlet PAT:patent"
        " PCOMM:personal_communication RPRT:report SER:periodical SLIDE:speech SOUND:song"
        " STAND:standard STAT:legislation THES:thesis UNBILL:bill UNPB:manuscript"
        " VIDEO:motion_picture WEB:webpage"
    ).split()
)
TYPES_OUT = {
    **{csl: ris for ris, csl in TYPES.items()},
    "article": "JOUR",
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "entry": "ENCYC",
    "dataset": "DATA",
    "document": "GEN",
    "figure": "FIGURE",
    "manuscript": "UNPB",
    "motion_picture": "MPCT",
    "personal_communication": "PCOMM",
    "periodical": "JFULL",
    "report": "RPRT",
    "webpage": "ELEC",
}
# Types whose T2 is the work they are in (journal, book); for the others T2 is a series.
CONTAINED = frozenset(
    "article article-journal article-magazine article-newspaper chapter paper-conference"
    " entry entry-dictionary entry-encyclopedia webpage post post-weblog review"
    " review-book".split()
)
ISSUED_IN = frozenset({"article", "article-journal", "article-magazine", "article-newspaper"})
BOOKLIKE = frozenset({"book", "chapter", "entry", "entry-dictionary", "entry-encyclopedia"})
NAME_KEYS = {
    "authors": "author",
    "first_authors": "author",
    "secondary_authors": "editor",
    "tertiary_authors": "collection-editor",
    "subsidiary_authors": "translator",
}
TEXT_KEYS = {  # rispy's names to CSL variables, copied as they are
    "title": "title",
    "primary_title": "title",
    "short_title": "title-short",
    "alternate_title1": "container-title-short",
    "alternate_title2": "container-title-short",
    "volume": "volume",
    "edition": "edition",
    "number_of_volumes": "number-of-volumes",
    "publisher": "publisher",
    "place_published": "publisher-place",
    "doi": "DOI",
    "abstract": "abstract",
    "notes_abstract": "abstract",
    "language": "language",
    "call_number": "call-number",
    "type_of_work": "genre",
    "section": "section",
}
TEXT_OUT = {variable: key for key, variable in reversed(TEXT_KEYS.items())}  # first key wins
_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?")
_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")


# -- reading -------------------------------------------------------------------------


def read_ris(text: str | bytes, path: str) -> list[Item]:
    """Read RIS into CSL-JSON items, in file order.

    Raises FormatError naming the file and line for a record without its closing
    ``ER  -`` line, a tag outside any record, a record without a type or a repeated ID.
    Items get the record's ID, or one made from the first author and the year.
    """
    source = decode_input(text, path)
    items: list[Item] = []
    ids: dict[str, int] = {}
    for start, lines in _records(source, path):
        parsed = rispy.loads("\n".join(lines), skip_unknown_tags=False)
        if len(parsed) != 1:
            raise FormatError(path, "the record that starts here cannot be read", start, 1)
        item = _to_csl(parsed[0])
        given = item.pop("id", None)
        if given and given in ids:
            cause = f"the ID {given!r} is already used by the record on line {ids[given]}"
            raise FormatError(path, cause, start, 1)
        ident = given or _new_id(item, ids)
        ids[ident] = start
        items.append({"id": ident, **item})
    return items


def _records(source: str, path: str) -> Iterable[tuple[int, list[str]]]:
    start, lines = 0, []
    last = 0
    for number, line in enumerate(source.splitlines(), start=1):
        last = number
        match = _TAG.fullmatch(line.rstrip())
        if match is None:
            if start and line.strip():
                lines.append(line)  # a value continued on the next line
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if not start:
            if tag != "TY":
                cause = f"a {tag} line outside a record (a record starts with 'TY  - ')"
                raise FormatError(path, cause, number, 1)
            if not value:
                raise FormatError(path, "a record without a type ('TY  - ' is empty)", number, 6)
            start, lines = number, [line]
        elif tag == "TY":
            cause = (
                f"the record is not closed: no 'ER  - ' line before the next one (line {number})"
            )
            raise FormatError(path, cause, start, 1)
        else:
            lines.append(line)
            if tag == "ER":
                yield start, lines
                start, lines = 0, []
    if start:
        cause = f"the record is not closed: no 'ER  - ' line before the file ends (line {last})"
        raise FormatError(path, cause, start, 1)


def _to_csl(record: Mapping[str, Any]) -> Item:
    kind = TYPES.get(str(record.get("type_of_reference", "")).strip().upper(), "document")
    item: Item = {"type": kind}
    if record.get("id"):
        item["id"] = str(record["id"]).strip()
    unknown = record.get("unknown_tag") or {}
    for key, variable in NAME_KEYS.items():
        names = [_name(n) for n in record.get(key) or [] if n.strip()]
        if names:
            item.setdefault(variable, []).extend(names)
    editors = [_name(n) for n in unknown.get("ED", []) if n.strip()]
    if editors:
        item.setdefault("editor", []).extend(editors)
    for key, variable in TEXT_KEYS.items():
        value = _one(record.get(key))
        if value and variable not in item:
            item[variable] = value
    book_title = _one(unknown.get("BT"))
    if book_title and "title" not in item:
        item["title"], book_title = book_title, None
    secondary, tertiary = _one(record.get("secondary_title")), _one(record.get("tertiary_title"))
    journal = _one(record.get("journal_name")) or _one(record.get("alternate_title3"))
    if kind in CONTAINED:
        _put(item, "container-title", secondary or journal or book_title)
        _put(item, "collection-title", tertiary)
    else:
        _put(item, "collection-title", secondary or tertiary)
        _put(item, "container-title", journal or book_title)
    number = _one(record.get("number"))
    _put(item, "issue" if kind in ISSUED_IN else "number", number)
    if kind in ("report", "patent", "bill", "legislation"):
        _put(item, "number", _one(record.get("note")))
    _put(item, "page", _pages(_one(record.get("start_page")), _one(record.get("end_page"))))
    serial = _one(record.get("issn"))  # SN holds either: an ISSN has 8 characters
    if serial:
        item["ISSN" if _ISSN.fullmatch(serial) else "ISBN"] = serial
    urls = [u for u in record.get("urls") or [] if u.strip()]
    _put(item, "URL", urls[0] if urls else None)
    notes = [n.strip() for n in record.get("notes") or [] if n.strip()]
    _put(item, "note", "\n".join(notes))
    keywords = [k.strip() for k in record.get("keywords") or [] if k.strip()]
    _put(item, "keyword", ", ".join(keywords))
    dates = [_date(_one(record.get(key))) for key in ("date", "year", "publication_year")]
    best = max((d for d in dates if d), key=len, default=None)
    if best:
        item["issued"] = {"date-parts": [best]}
    accessed = _date(_one(record.get("access_date")))
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    return item


def _one(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _put(item: Item, variable: str, value: str | None) -> None:
    if value and variable not in item:
        item[variable] = value


def _pages(first: str | None, last: str | None) -> str | None:
    if first and last and "-" not in first:
        return f"{first}-{last}"
    return first or last


def _date(text: str | None) -> list[int] | None:
    """RIS dates: "2010", "2010/03/15/", "2010/03//Spring", "2010-03-15"."""
    if not text:
        return None
    match = re.match(r"\s*(-?\d{1,4})(?:[/-](\d{0,2})(?:[/-](\d{0,2}))?)?", text)
    if not match:
        return None
    return make_date_parts(match.group(1), match.group(2) or None, match.group(3) or None)


def _name(text: str) -> dict[str, str]:
    """RIS names are "Family, Given, Suffix"; a name without a comma is kept whole."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        return {"literal": parts[0]}
    words = parts[0].split()
    particle = []
    while len(words) > 1 and words[0].islower():  # "van Rosmalen", "de la Fontaine"
        particle.append(words.pop(0))
    name = {"family": " ".join(words), "given": parts[1], "suffix": ", ".join(parts[2:])}
    if particle:
        name["non-dropping-particle"] = " ".join(particle)
    return {key: value for key, value in name.items() if value}


def _new_id(item: Mapping[str, Any], used: Mapping[str, int]) -> str:
    """ "beckerman-2010", "толстой-1869", "beckerman-2010-2" for the second one."""
    names = item.get("author") or item.get("editor") or [{}]
    who = names[0].get("family") or names[0].get("literal") or str(item.get("title", ""))
    words = re.findall(r"\w+", who.casefold())
    year = (item.get("issued") or {}).get("date-parts", [[None]])[0][0]
    base = "-".join(str(p) for p in (words[0] if words else "ris", year) if p is not None)
    ident, count = base, 1
    while ident in used:
        count += 1
        ident = f"{base}-{count}"
    return ident


# -- writing -------------------------------------------------------------------------


def write_ris(items: Iterable[Mapping[str, Any]]) -> str:
    """RIS records for the items; read_ris reads them back to the same items (less what
    RIS has no tag for, such as CSL rich text markup)."""
    return str(rispy.dumps([_to_ris(item) for item in items]))


def _to_ris(item: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(item.get("type", ""))
    ref: dict[str, Any] = {"type_of_reference": TYPES_OUT.get(kind, "GEN")}
    ref["id"] = _line(item.get("id"))
    for key, variable in NAME_KEYS.items():
        names = item.get(variable)
        if key != "first_authors" and isinstance(names, list) and names:
            ref[key] = [_ris_name(n) for n in names if isinstance(n, Mapping)]
    for variable, key in TEXT_OUT.items():
        _set(ref, key, item.get(variable))
    if kind in CONTAINED:
        _set(ref, "secondary_title", item.get("container-title"))
        _set(ref, "tertiary_title", item.get("collection-title"))
    else:
        _set(ref, "secondary_title", item.get("collection-title"))
        _set(ref, "journal_name", item.get("container-title"))
    _set(ref, "number", item.get("issue") if kind in ISSUED_IN else item.get("number"))
    page = str(item.get("page") or "")
    if page:
        first, _, last = page.partition("-")
        _set(ref, "start_page", first)
        _set(ref, "end_page", last)
    _set(ref, "issn", item.get("ISSN") if kind not in BOOKLIKE else None)
    _set(ref, "issn", item.get("ISBN") or item.get("ISSN"))  # SN: one of the two
    if item.get("URL"):
        ref["urls"] = [_line(item["URL"])]
    if item.get("note"):
        ref["notes"] = [_line(n) for n in str(item["note"]).split("\n") if n.strip()]
    if item.get("keyword"):
        ref["keywords"] = [_line(k) for k in str(item["keyword"]).split(",") if k.strip()]
    for key, variable in (("year", "issued"), ("access_date", "accessed")):
        for year, *rest in date_parts(item.get(variable))[:1]:
            if key == "year":
                ref["year"] = str(year)
                key = "date"
            ref[key] = "/".join([str(year), *(f"{p:02d}" for p in rest)]) + "/" * (3 - len(rest))
    order = {key: index for index, key in enumerate(_RIS_ORDER)}
    kept = sorted(ref.items(), key=lambda pair: order.get(pair[0], len(order)))
    return {key: value for key, value in kept if value not in (None, "", [])}


_RIS_ORDER = (
    "type_of_reference id authors secondary_authors tertiary_authors subsidiary_authors title"
    " short_title secondary_title tertiary_title journal_name alternate_title1 volume number"
    " start_page end_page edition number_of_volumes place_published publisher year date".split()
)


def _line(value: Any) -> str:
    """One line of RIS text: markup dropped, line breaks made spaces."""
    return " ".join(plain_text(str(value)).split())


def _set(ref: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "") and key not in ref:
        ref[key] = _line(value)


def _ris_name(name: Mapping[str, Any]) -> str:
    if "literal" in name:
        return _line(name["literal"]).replace(",", "")
    family = " ".join(
        str(name[p])
        for p in ("dropping-particle", "non-dropping-particle", "family")
        if name.get(p)
    )
    text = [family, str(name.get("given") or "")]
    if name.get("suffix"):
        text.append(str(name["suffix"]))
    return _line(", ".join(text)) if family else _line(name_text(name))

"""BibTeX and BibLaTeX to CSL-JSON items and back.

bibtexparser (v2) splits the file into entries and reports the blocks it could not
parse; field values are evaluated here (braces, quotes, ``@string`` macros, ``#``
concatenation), names are split by bibtexparser's BibTeX name rules, and LaTeX
becomes Unicode through pylatexenc. Entry types and fields map to CSL as citation-js
maps them (its test pair is in the shared corpus), except where a comment says why not.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from bibtexparser import model
from bibtexparser.entrypoint import parse_string, write_string
from bibtexparser.exceptions import BlockAbortedException, ParsingException
from bibtexparser.library import Library
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.writer import BibtexFormat
from pylatexenc import latex2text, latexwalker, macrospec  # type: ignore[import-untyped]

from .csl import (
    OTHERS,
    Item,
    date_parts,
    decode_input,
    line_column,
    make_date_parts,
    markup_tokens,
    parse_iso_date,
)
from .errors import FormatError

# bibtexparser logs each block it cannot parse; read_bibtex reports the same problem
# as one FormatError line, so its own log lines would only repeat it less clearly.
logging.getLogger("bibtexparser.splitter").setLevel(logging.CRITICAL)


def _pairs(text: str) -> dict[str, str]:
    """A table written as "key:value key:value"."""
    return dict(pair.split(":", 1) for pair in text.split())


# BibLaTeX (and BibTeX) entry types to CSL types, as citation-js maps them.
TYPES = _pairs(
    "article:article-journal book:book mvbook:book inbook:chapter bookinbook:book"
    " suppbook:chapter booklet:book collection:book mvcollection:book incollection:chapter"
    " suppcollection:chapter dataset:dataset manual:report misc:document online:webpage"
    " patent:patent periodical:periodical suppperiodical:article-journal proceedings:book"
    " mvproceedings:book inproceedings:paper-conference conference:paper-conference"
    " reference:book mvreference:book inreference:entry report:report techreport:report"
    " software:software thesis:thesis mastersthesis:thesis phdthesis:thesis"
    " unpublished:manuscript artwork:graphic audio:song image:figure jurisdiction:legal_case"
    " legislation:legislation legal:treaty letter:personal_communication movie:motion_picture"
    " video:motion_picture music:musical_score performance:performance review:review"
    " standard:standard electronic:webpage www:webpage"
)
# BibLaTeX's type keys (manual §4.9.2) spelled out: citation-js keeps "phdthesis", but
# the genre is printed ("Phdthesis, Radboud University"), so we store the words.
GENRES = {
    "bathesis": "Bachelor's thesis",
    "mathesis": "Master's thesis",
    "mastersthesis": "Master's thesis",
    "phdthesis": "PhD thesis",
    "candthesis": "Candidate thesis",
    "techreport": "Technical report",
    "resreport": "Research report",
    "software": "Computer software",
    "datacd": "Data CD",
    "audiocd": "Audio CD",
    "patent": "Patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "Patent request",
    "patrequs": "U.S. patent request",
}
DEFAULT_GENRE = {"mastersthesis": "mathesis", "phdthesis": "phdthesis", "techreport": "techreport"}
# Where "number" goes (BibLaTeX manual §2.2.2: a series number for books and proceedings
# papers, an issue for journals, an identifier for reports, patents and the rest).
SERIES_NUMBERED = frozenset(
    "book mvbook inbook bookinbook suppbook collection mvcollection incollection"
    " suppcollection manual proceedings mvproceedings inproceedings conference reference"
    " mvreference inreference booklet".split()
)
ISSUE_NUMBERED = frozenset({"article", "periodical", "suppperiodical"})
NAME_FIELDS = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
}
SIMPLE_FIELDS = _pairs(  # decoded text, copied as it is
    "abstract:abstract annotation:annote annote:annote library:call-number"
    " chapter:chapter-number series:collection-title shortseries:collection-title-short"
    " shortjournal:container-title-short edition:edition venue:event-place keywords:keyword"
    " language:language note:note origlocation:original-publisher-place"
    " origpublisher:original-publisher origtitle:original-title pagetotal:number-of-pages"
    " numpages:number-of-pages part:part-number location:publisher-place"
    " address:publisher-place pubstate:status shorttitle:title-short version:version"
    " volume:volume volumes:number-of-volumes isbn:ISBN issn:ISSN pmid:PMID pmcid:PMCID"
)
VERBATIM_FIELDS = {"doi": "DOI", "url": "URL"}
PUBLISHER_FIELDS = ("publisher", "organization", "institution", "school")
MONTHS = {
    name: number
    for number, names in enumerate(
        "jan,january feb,february mar,march apr,april may jun,june jul,july aug,august"
        " sep,sept,september oct,october nov,november dec,december".split(),
        start=1,
    )
    for name in names.split(",")
}
MONTH_MACROS = {name: str(number) for name, number in MONTHS.items() if len(name) == 3}
MONTH_NAMES = list(MONTH_MACROS)  # "jan" ... "dec"
NOT_INHERITED = frozenset(
    "ids crossref xref entryset entrysubtype execute label options presort related"
    " relatedoptions relatedstring relatedtype shorthand shorthandintro sortkey shorttitle"
    " sorttitle indextitle indexsorttitle".split()
)


class _Entry:
    """One entry's evaluated fields (lower-case names) and the lines they are on."""

    def __init__(self, entry_type: str, key: str, line: int, path: str) -> None:
        self.type, self.key, self.line, self.path = entry_type, key, line, path
        self.values: dict[str, str] = {}
        self.lines: dict[str, int] = {}

    def raw(self, name: str) -> str | None:
        value = self.values.get(name, "").strip()
        return value or None

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return _to_text(value) or None
        except ValueError as problem:
            raise self.error(name, str(problem)) from None

    def verbatim(self, name: str) -> str | None:
        value = self.raw(name)
        return re.sub(r"\\([_%&#{}$])", r"\1", value).strip() if value else None

    def error(self, name: str, cause: str) -> FormatError:
        line = self.lines.get(name, self.line)
        return FormatError(self.path, f"entry {self.key!r}, field {name!r}: {cause}", line)


# -- reading -------------------------------------------------------------------------


def read_bibtex(text: str | bytes, path: str) -> list[Item]:
    """Read BibTeX or BibLaTeX into CSL-JSON items, in file order.

    Raises FormatError naming the file and line (and column where known) for an entry
    that is not closed (unbalanced braces), a stray closing brace, a duplicate key, a
    field given twice or a name list that cannot be split.
    """
    source = decode_input(text, path)
    try:
        library = parse_string(source, parse_stack=[])
    except ParsingException as error:  # bibtexparser's own state errors
        raise FormatError(path, f"cannot split the file into entries: {error}") from None
    _check_blocks(library, source, path)
    strings = dict(MONTH_MACROS)
    entries: list[_Entry] = []
    for block in library.blocks:
        try:
            if isinstance(block, model.String):
                strings[block.key.lower()] = _evaluate(str(block.value), strings)
            elif isinstance(block, model.Entry):
                entries.append(_evaluated(block, strings, path))
        except _TooLong as error:
            raise FormatError(path, str(error), (block.start_line or 0) + 1, 1) from None
    by_key = {entry.key.lower(): entry for entry in entries}
    for entry in entries:
        parent = by_key.get((entry.raw("crossref") or "").lower())
        if parent is not None and parent is not entry:
            _inherit(entry, parent)
    return [_to_csl(entry) for entry in entries]


def _check_blocks(library: Library, source: str, path: str) -> None:
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            cause = f"duplicate entry key {block.key!r} (first used on line {first})"
            raise FormatError(path, cause, line, _column(source, line, "@"))
        if isinstance(block, model.DuplicateFieldKeyBlock):
            name = sorted(block.duplicate_keys)[0]
            entry = block.ignore_error_block
            fields = entry.fields if isinstance(entry, model.Entry) else []
            lines = [(f.start_line or 0) + 1 for f in fields if f.key == name]
            cause = f"the field {name!r} is given twice in one entry (first on line {lines[0]})"
            raise FormatError(path, cause, lines[-1], _column(source, lines[-1], name))
        if isinstance(block, model.ParsingFailedBlock):
            raise _failed_block(block, source, path)
        if isinstance(block, model.ImplicitComment):
            _check_stray_braces(block, source, path)


def _failed_block(block: model.ParsingFailedBlock, source: str, path: str) -> FormatError:
    line = (block.start_line or 0) + 1
    head = re.match(r"@\s*(\w*)\s*[{(]\s*([^,\s]*)", block.raw or "")
    what = f"@{head.group(1)} entry {head.group(2)!r}" if head else "entry"
    error = block.error
    if not isinstance(error, BlockAbortedException):
        return FormatError(path, f"{what}: {error}", line, _column(source, line, "@"))
    reason = error.abort_reason
    if "end of file" in reason:
        cause = f"{what} is never closed: unbalanced braces or quotes (the file ends inside it)"
    elif reason.startswith("Unexpected block start"):
        nxt, _ = line_column(source, (error.end_index or 0) + 1)
        cause = f"{what} is not closed before the next entry on line {nxt}: unbalanced braces"
    elif error.end_index is not None:  # a syntax error inside the entry: point at it
        found = re.search(r"found (?:a )?`?(\S)", reason)
        at = source.rfind(found.group(1), 0, error.end_index + 1) if found else -1
        where, column = line_column(source, at if at >= 0 else error.end_index)
        return FormatError(path, f"{what}: {reason.strip()}", where, column)
    else:
        cause = f"{what}: {reason.strip()}"
    return FormatError(path, cause, line, _column(source, line, "@"))


def _check_stray_braces(block: model.ImplicitComment, source: str, path: str) -> None:
    """Text between entries is a comment, but a "}" there is an entry closed too early."""
    start = (block.start_line or 0) + 1
    for number, text in enumerate((block.raw or "").split("\n"), start=start):
        if text.lstrip().startswith("%"):
            continue
        depth = 0
        for column, char in enumerate(text, start=1):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                cause = "unbalanced '}' outside any entry (an entry above closed too early?)"
                raise FormatError(path, cause, number, column)


def _column(source: str, line: int, needle: str) -> int | None:
    lines = source.split("\n", line)
    if len(lines) < line:
        return None
    index = lines[line - 1].find(needle)
    return index + 1 if index >= 0 else None


# @string macros that use macros multiply ("billion laughs"); a value is bounded.
MAX_VALUE_CHARS = 1_000_000


class _TooLong(ValueError):
    pass


def _evaluate(value: str, strings: Mapping[str, str]) -> str:
    """A field value: {...} and "..." lose their delimiters, macros expand, # joins."""
    pieces, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:index])
            start = index + 1
    pieces.append(value[start:])
    out = []
    for raw in pieces:
        piece = raw.strip()
        if len(piece) >= 2 and piece[0] + piece[-1] in ("{}", '""'):
            out.append(piece[1:-1])
        else:
            out.append(strings.get(piece.lower(), piece))
    if sum(len(piece) for piece in out) > MAX_VALUE_CHARS:
        raise _TooLong(
            f"@string macros expand to more than {MAX_VALUE_CHARS:,} characters; refused"
        )
    return "".join(out)


def _evaluated(block: model.Entry, strings: Mapping[str, str], path: str) -> _Entry:
    line = (block.start_line or 0) + 1
    if not block.key.strip():
        raise FormatError(path, f"@{block.entry_type} entry without a key", line)
    if not re.fullmatch(r"[A-Za-z]\w*", block.entry_type):
        raise FormatError(path, f"entry {block.key!r} has no valid type", line)
    entry = _Entry(block.entry_type.lower(), block.key.strip(), line, path)
    for field in block.fields:
        name = field.key.strip().lower()
        if name in entry.values:
            raise entry.error(name, "the field is given twice")
        entry.values[name] = _evaluate(str(field.value), strings)
        entry.lines[name] = (field.start_line or 0) + 1
    return entry


def _inherit(child: _Entry, parent: _Entry) -> None:
    """BibLaTeX crossref inheritance, simplified: a contained work takes its container's
    title as its booktitle (maintitle from a multi-volume work), the rest as it is."""
    contained = child.type.startswith(("in", "supp")) or child.type == "bookinbook"
    prefix = "main" if parent.type.startswith("mv") else "book"
    for name, value in parent.values.items():
        target = name
        if contained and name in ("title", "subtitle", "titleaddon"):
            target = prefix + name
        if name not in NOT_INHERITED and target not in child.values:
            child.values[target] = value
            child.lines[target] = child.line


def _to_csl(entry: _Entry) -> Item:
    kind = entry.type
    item: Item = {"id": entry.key, "type": TYPES.get(kind, "document")}
    subtype = entry.raw("entrysubtype")
    if kind == "article" and subtype in ("magazine", "newspaper"):
        item["type"] = f"article-{subtype}"
    genre = entry.text("type") or (subtype if kind != "article" else None)
    genre = genre or DEFAULT_GENRE.get(kind)
    if genre:
        item["genre"] = GENRES.get(genre.lower(), genre)
    item["citation-key"] = entry.key
    for name, variable in NAME_FIELDS.items():
        names = _names(entry, name)
        if names:
            item[variable] = names
    title = _title(entry, "")
    if title:
        item["title"] = title
    container = (
        (_title(entry, "journal") if kind == "article" else None)
        or _title(entry, "main")
        or _title(entry, "book")
        or _title(entry, "journal")
        or entry.text("journal")
    )
    if container:
        item["container-title"] = container
    for name, variable in SIMPLE_FIELDS.items():
        value = entry.text(name)
        if value and variable not in item:
            item[variable] = value
    for name, variable in VERBATIM_FIELDS.items():
        value = entry.verbatim(name)
        if value:
            item[variable] = value
    _numbers(entry, item)
    _dates(entry, item)
    _publisher(entry, item)
    _pages(entry, item)
    event = _title(entry, "event")
    if event:
        item["event-title"] = event
    if kind == "patent" and "publisher-place" in item:
        item["jurisdiction"] = item["publisher-place"]
    if (entry.raw("eprinttype") or "").lower() == "pubmed" and entry.raw("eprint"):
        item.setdefault("PMID", entry.verbatim("eprint"))
    return item


def _title(entry: _Entry, prefix: str) -> str | None:
    """title + ": " + subtitle + ". " + titleaddon (for "", "book", "main", "journal",
    "event"). citation-js drops the titleaddon; BibLaTeX prints it after the title, and
    so do we (a space only before one that starts in lower case: "Act of 2002")."""
    title = entry.text(prefix + "title")
    if not title:
        return None
    subtitle = entry.text(prefix + "subtitle")
    if subtitle:
        title += (" " if title[-1] in "?!:" else ": ") + subtitle
    addon = entry.text(prefix + "titleaddon")
    if addon:  # "Sarbanes-Oxley Act of 2002", but "Edward Hopper. 1882-1967"
        title += (" " if title[-1] in ".?!" or addon[0].islower() else ". ") + addon
    return title


def _numbers(entry: _Entry, item: Item) -> None:
    number = entry.text("number")
    issue = entry.text("issue")
    if entry.type in ISSUE_NUMBERED:
        if number or issue:
            item["issue"] = number or issue
    elif number and entry.type in SERIES_NUMBERED:
        # citation-js makes a proceedings paper's number its "issue"; it is the volume's
        # number in its series (CEUR Workshop Proceedings 2275), so collection-number.
        item["collection-number"] = number
    elif number:
        # citation-js drops a thesis's number; it is the library's identifier: kept.
        item["number"] = number
    if issue and "issue" not in item:
        item["issue"] = issue
    if entry.text("eid") and "number" not in item:
        item["number"] = entry.text("eid")


def _dates(entry: _Entry, item: Item) -> None:
    for name, variable in (
        ("date", "issued"),
        ("urldate", "accessed"),
        ("origdate", "original-date"),
        ("eventdate", "event-date"),
    ):
        value = entry.raw(name)
        if value:
            item[variable] = parse_iso_date(value) or {"literal": entry.text(name) or value}
    year = entry.text("year")
    if "issued" not in item and year:
        month, day = _month_day(entry.text("month") or "")
        parts = make_date_parts(year, month, day or entry.text("day"))
        item["issued"] = {"date-parts": [parts]} if parts else {"literal": year}


def _month_day(text: str) -> tuple[int | None, int | None]:
    """A month field: "2", "feb", "February", "July 30th", "2 sep"; (None, None) for
    "unknown". Patashnik's BibTeX manual suggests putting the day there."""
    words = re.findall(r"[^\W\d_]+|\d+", text.lower())
    numbers = [int(w) for w in words if w.isdigit()]
    names = [MONTHS[w] for w in words if w in MONTHS]
    if names:
        return names[0], numbers[0] if numbers else None
    if numbers and 1 <= numbers[0] <= 12:
        return numbers[0], numbers[1] if len(numbers) > 1 else None
    return None, None


def _publisher(entry: _Entry, item: Item) -> None:
    for name in PUBLISHER_FIELDS:
        value = entry.text(name)
        if value:
            item["publisher"] = value
            return
    how = entry.raw("howpublished")
    if how:
        url = re.fullmatch(r"\\url\{(.*)\}", how.strip())
        if url:
            item.setdefault("URL", url.group(1))
        elif entry.type in ("misc", "booklet", "unpublished"):
            item["publisher"] = entry.text("howpublished")


def _pages(entry: _Entry, item: Item) -> None:
    pages = entry.text("pages")
    if not pages:
        return
    pages = re.sub(r"\s*[‐‑‒–—―]+\s*", "-", pages)  # "1--97" decodes to "1–97"
    if (entry.raw("bookpagination") or "").lower() == "section":
        item["section"] = pages
    else:
        item["page"] = pages


def _names(entry: _Entry, field: str) -> list[dict[str, str]]:
    value = entry.raw(field)
    if not value:
        return []
    try:
        raw_names = split_multiple_persons_names(" ".join(value.split()))
        names = [_name(raw) for raw in raw_names if raw.strip()]
    except (InvalidNameError, ValueError) as problem:
        raise entry.error(field, f"cannot split the names: {problem}") from None
    return [name for name in names if name]


def _name(raw: str) -> dict[str, str]:
    if raw.strip().lower() == "others":
        return dict(OTHERS)
    if re.match(r"\s*(family|given|prefix|suffix)\s*=", raw):  # BibLaTeX's extended form
        keys = {"family": "family", "given": "given", "prefix": "non-dropping-particle"}
        keys["suffix"] = "suffix"
        named = {}
        for part in _split_top_level(raw, ","):
            key, _, value = part.partition("=")
            if key.strip().lower() in keys and _to_text(value):
                named[keys[key.strip().lower()]] = _to_text(value)
        return named
    parts = parse_single_name_into_parts(raw, strict=False)
    name = {
        "family": _to_text(" ".join(parts.last)),
        "given": _to_text(" ".join(parts.first)),
        "non-dropping-particle": _to_text(" ".join(parts.von)),
        "suffix": _to_text(" ".join(parts.jr)),
    }
    return {key: value for key, value in name.items() if value}


# -- writing -------------------------------------------------------------------------

TYPES_OUT = _pairs(
    "article:article article-journal:article article-magazine:article"
    " article-newspaper:article book:book chapter:inbook paper-conference:inproceedings"
    " entry:inreference entry-dictionary:inreference entry-encyclopedia:inreference"
    " thesis:thesis report:report webpage:online post:online post-weblog:online patent:patent"
    " legislation:legislation bill:legislation dataset:dataset software:software"
    " manuscript:unpublished periodical:periodical standard:standard graphic:artwork"
    " figure:image song:audio musical_score:music motion_picture:movie"
    " personal_communication:letter legal_case:jurisdiction treaty:legal review:review"
    " performance:performance"
)
TEXT_OUT = {variable: name for name, variable in SIMPLE_FIELDS.items()} | {
    "title": "title",
    "genre": "type",
    "annote": "annotation",
    "event-title": "eventtitle",
    "event": "eventtitle",
    "volume-title": "issuetitle",
    "publisher-place": "address",
    "number-of-pages": "pagetotal",
    "PMID": "pmid",
}
NAMES_OUT = {variable: name for name, variable in NAME_FIELDS.items()}
DATES_OUT = {
    "issued": "date",
    "accessed": "urldate",
    "original-date": "origdate",
    "event-date": "eventdate",
}


def write_bibtex(items: Iterable[Mapping[str, Any]]) -> str:
    """BibTeX entries for the items; read_bibtex reads them back to the same core fields.

    Fields have the names both BibTeX styles and biber read (journal, address, school,
    year and month); what only BibLaTeX has goes in its fields (date for a day or a
    range, urldate, origdate, ...) and entry types (online, thesis, report, ...). The
    CSL id becomes the key (characters BibTeX cannot take in a key become "_")."""
    entries: list[model.Block] = []
    keys: set[str] = set()
    for item in items:
        key = re.sub(r"[\s,{}()#%\"'=\\~]+", "_", str(item.get("id", ""))) or "item"
        while key.lower() in keys:
            key += "_"
        keys.add(key.lower())
        pairs = sorted(_entry_fields(item), key=lambda pair: _ORDER.get(pair[0], len(_ORDER)))
        fields = [
            model.Field(name, value, enclosing="no-enclosing" if name == "month" else None)
            for name, value in pairs
        ]
        entries.append(model.Entry(TYPES_OUT.get(str(item.get("type")), "misc"), key, fields))
    layout = BibtexFormat()  # type: ignore[no-untyped-call]
    layout.indent, layout.block_separator = "  ", "\n"
    return write_string(Library(entries), bibtex_format=layout)


_ORDER = {
    name: index
    for index, name in enumerate(
        "author editor translator bookauthor title shorttitle journal booktitle"
        " entrysubtype type series volume number issue chapter pages bookpagination edition"
        " address school institution publisher year month date".split()
    )
}


def _entry_fields(item: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    kind = str(item.get("type", ""))
    bib_type = TYPES_OUT.get(kind, "misc")
    if kind in ("article-magazine", "article-newspaper"):
        yield "entrysubtype", kind.removeprefix("article-")
    for variable, name in NAMES_OUT.items():
        names = item.get(variable)
        if isinstance(names, list) and names:
            yield name, " and ".join(_bib_name(n) for n in names if isinstance(n, Mapping))
    if item.get("container-title"):
        journal = bib_type in ("article", "periodical")
        yield (
            ("journal" if journal else "booktitle"),
            _escape(str(item["container-title"])),
        )
    for variable, name in TEXT_OUT.items():
        value = item.get(variable)
        if variable == "event" and item.get("event-title"):
            continue
        if variable == "publisher-place" and kind == "patent":
            value = item.get("jurisdiction") or value
        if value not in (None, ""):
            yield name, _escape(str(value))
    for name, variable in VERBATIM_FIELDS.items():
        if item.get(variable):
            yield name, str(item[variable]).replace("{", "%7B").replace("}", "%7D")
    if item.get("publisher"):
        name = {"thesis": "school", "report": "institution"}.get(bib_type, "publisher")
        yield name, _escape(str(item["publisher"]))
    yield from _numbers_out(item, bib_type)
    if item.get("page"):
        yield "pages", _escape(str(item["page"])).replace("-", "--")
    elif item.get("section"):
        yield "pages", _escape(str(item["section"]))
        yield "bookpagination", "section"
    for variable, name in DATES_OUT.items():
        date = item.get(variable)
        parts = date_parts(date)
        if variable == "issued" and parts and parts[0][0] > 0:
            yield "year", str(parts[0][0])  # for BibTeX's own styles; biber takes the date
            circa = isinstance(date, Mapping) and date.get("circa")
            month_ok = len(parts[0]) == 1 or 1 <= parts[0][1] <= 12
            if len(parts) == 1 and len(parts[0]) <= 2 and month_ok and not circa:
                if len(parts[0]) == 2:
                    yield "month", MONTH_NAMES[parts[0][1] - 1]
                continue
        text = _iso_date(date) if isinstance(date, Mapping) else None
        if text:
            yield name, text


def _numbers_out(item: Mapping[str, Any], bib_type: str) -> Iterable[tuple[str, str]]:
    number = item.get("number")
    if bib_type in ISSUE_NUMBERED and item.get("issue") not in (None, ""):
        yield "number", _escape(str(item["issue"]))
    elif bib_type in SERIES_NUMBERED and item.get("collection-number") not in (None, ""):
        yield "number", _escape(str(item["collection-number"]))
    elif number not in (None, ""):
        yield "number", _escape(str(number))
    elif item.get("issue") not in (None, ""):
        yield "issue", _escape(str(item["issue"]))


def _iso_date(date: Mapping[str, Any]) -> str | None:
    texts = [
        "-".join([f"{year:04d}" if year >= 0 else str(year), *(f"{p:02d}" for p in rest)])
        for year, *rest in date_parts(date)
    ]
    if texts:
        return "/".join(texts) + ("~" if date.get("circa") else "")
    literal = date.get("literal") or date.get("raw")
    return _escape(str(literal)) if literal else None


def _bib_name(name: Mapping[str, Any]) -> str:
    if "literal" in name:
        literal = str(name["literal"])
        return "others" if literal == "others" else "{" + _escape(literal) + "}"

    def part(key: str) -> str:
        text = _escape(str(name.get(key) or ""))
        if re.search(r"\band\b|,", text, re.IGNORECASE):
            return "{" + text + "}"
        return text

    family, given, suffix = part("family"), part("given"), part("suffix")
    particle = " ".join(p for p in (part("dropping-particle"), part("non-dropping-particle")) if p)
    if particle and not particle[:1].islower():
        family, particle = "{" + particle + " " + family + "}", ""
    elif not particle and (" " in family or not (given or suffix)):
        family = "{" + family + "}"  # "Edusupport Biosciences", "Martínez Romero"
    last = f"{particle} {family}" if particle else family
    return ", ".join(p for p in (last, suffix, given) if p) if (given or suffix) else last


# -- LaTeX ---------------------------------------------------------------------------

MAX_BRACE_DEPTH = 50
_MARKUP_MACROS = {  # LaTeX markup kept as CSL rich text, as citation-js keeps it
    "textit": ("<i>", "</i>"),
    "emph": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"),
    "textsl": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"),
    "mkbibbold": ("<b>", "</b>"),
    "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
    "textsuperscript": ("<sup>", "</sup>"),
    "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "mkbibsubscript": ("<sub>", "</sub>"),
    "mkbibquote": ("\u201c", "\u201d"),
    "enquote": ("\u201c", "\u201d"),
    "url": ("", ""),
    "mbox": ("", ""),
    "textnormal": ("", ""),
    "noopsort": None,  # sorting hint: dropped
}
_SYMBOLS = {"textasciicircum": "^", "textbraceleft": "{", "textbraceright": "}"}
_NEEDS_LATEX = re.compile(r"[\\{}$~%^_&#]|--|``|''")


def _wrapped(opening: str, closing: str) -> Any:
    def repl(node: Any, l2tobj: Any) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        inner = l2tobj.nodelist_to_text([args[-1]]) if args and args[-1] is not None else ""
        return opening + inner + closing if inner else ""

    return repl


def _contexts() -> tuple[Any, Any]:
    walker = latexwalker.get_default_latex_context_db()
    one_arg = [macrospec.std_macro(name, False, 1) for name in _MARKUP_MACROS]
    walker.add_context_category("fonds", prepend=True, macros=one_arg)
    text = latex2text.get_default_latex_context_db()
    specs = [
        latex2text.MacroTextSpec(name, discard=True)
        if wrap is None
        else latex2text.MacroTextSpec(name, simplify_repl=_wrapped(*wrap))
        for name, wrap in _MARKUP_MACROS.items()
    ] + [latex2text.MacroTextSpec(name, simplify_repl=char) for name, char in _SYMBOLS.items()]
    text.add_context_category("fonds", prepend=True, macros=specs)
    return walker, text


_WALKER_CONTEXT, _TEXT_CONTEXT = _contexts()
_TO_TEXT = latex2text.LatexNodes2Text(
    latex_context=_TEXT_CONTEXT, math_mode="text", strict_latex_spaces=False
)


def _to_text(value: str) -> str:
    """LaTeX to Unicode NFC: accents ({\\"u}, \\v{s}), dashes (--, ---), ~, case-keeping
    braces dropped, \\textit and kin kept as CSL rich text (<i>...</i>)."""
    if _NEEDS_LATEX.search(value):
        depth = deepest = 0
        for char in value:
            depth += {"{": 1, "}": -1}.get(char, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_BRACE_DEPTH:
            raise ValueError(f"braces nested {deepest} deep (at most {MAX_BRACE_DEPTH})")
        value = re.sub(r"(?<!\\)%", r"\\%", value)  # not a comment inside a field
        try:
            walker = latexwalker.LatexWalker(
                value, latex_context=_WALKER_CONTEXT, tolerant_parsing=True
            )
            nodes, _pos, _len = walker.get_latex_nodes()
            value = _TO_TEXT.nodelist_to_text(nodes)
        except (latexwalker.LatexWalkerError, RecursionError) as error:
            raise ValueError(f"cannot read the LaTeX: {error}") from None
    return unicodedata.normalize("NFC", re.sub(r"[ \t\r\n]+", " ", value).strip())


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return [*parts, text[start:]]


_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\xa0": "~",
}
_ESCAPED = re.compile("|".join(re.escape(c) for c in _ESCAPES) + r"|--|``|''")


def _escape_plain(text: str) -> str:
    """Plain text as LaTeX that _to_text reads back to the same text."""
    return _ESCAPED.sub(lambda m: _ESCAPES.get(m.group(0)) or "{}".join(m.group(0)), text)


def _escape(text: str) -> str:
    """CSL rich text as LaTeX: <i> becomes \\textit{...}, the rest is escaped."""
    macros = {
        "i": r"\textit{",
        "b": r"\textbf{",
        "sup": r"\textsuperscript{",
        "sub": r"\textsubscript{",
        "sc": r"\textsc{",
        "nocase": "{",
    }
    out = []
    for kind, value in markup_tokens(text):
        if kind == "text":
            out.append(_escape_plain(value))
        else:
            out.append(macros[value] if kind == "open" else "}")
    return "".join(out)

"""CSL-JSON, the record of truth for the bibliography: items are plain dicts.

An item is what the Citation Style Language calls one: ``{"id", "type", "title",
"author": [{"family", "given"}], "issued": {"date-parts": [[2010]]}, ...}``. Our own
links to the roster and the timeline sit in the non-CSL key ``"fonds"``, which
:func:`write_csl_json` leaves out. The BibTeX and RIS readers produce these dicts too,
and share the helpers here (decoding, dates, names).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import FormatError

Item = dict[str, Any]

EXTENSION_KEY = "fonds"  # our links (agents, events): not CSL, never exported
MAX_INPUT_BYTES = 64 * 1024 * 1024  # a bibliography file past this is a mistake

# CSL 1.0.2 item types.
TYPES = frozenset(
    "article article-journal article-magazine article-newspaper bill book broadcast chapter"
    " classic collection dataset document entry entry-dictionary entry-encyclopedia event"
    " figure graphic hearing interview legal_case legislation manuscript map motion_picture"
    " musical_score pamphlet paper-conference patent performance periodical"
    " personal_communication post post-weblog regulation report review review-book software"
    " song speech standard thesis treaty webpage".split()
)
NAME_VARIABLES = frozenset(
    "author chair collection-editor compiler composer container-author contributor curator"
    " director editor editorial-director editor-translator executive-producer guest host"
    " illustrator interviewer narrator organizer original-author performer producer"
    " recipient reviewed-author script-writer series-creator translator".split()
)
DATE_VARIABLES = frozenset(
    "accessed available-date container event-date issued original-date submitted".split()
)
NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
OTHERS = {"literal": "others"}  # BibTeX's "and others": more authors than listed


# -- reading -------------------------------------------------------------------------


def decode_input(data: bytes | str, path: str) -> str:
    """Text of an input file: UTF-8 (a BOM is dropped), size-checked, NFC."""
    size = len(data)
    if size > MAX_INPUT_BYTES:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        cause = f"file too large: {size:,} {unit} (the limit is {MAX_INPUT_BYTES:,} bytes)"
        raise FormatError(path, cause)
    if isinstance(data, bytes):
        raw = data
        try:
            data = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = line_column(raw[: error.start].decode("utf-8", "replace"), None)
            raise FormatError(
                path, f"not UTF-8: {error.reason} at byte {error.start}", line, column
            ) from None
    return unicodedata.normalize("NFC", data.removeprefix("\ufeff"))


def line_column(text: str, offset: int | None) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (its end when None)."""
    if offset is None:
        offset = len(text)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_csl_json(data: bytes | str, path: str) -> list[Item]:
    """Read CSL-JSON: a list of items (or one item), each an object with ``id`` and ``type``.

    Raises FormatError with line and column for bad JSON and for a bad item, naming the
    item's index. Strings come back NFC; numeric ids become strings.
    """
    text = decode_input(data, path)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(path, f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise FormatError(path, "not valid JSON: nested too deeply", 1, 1) from None
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise FormatError(path, "CSL-JSON must be a list of items (objects)", 1, 1)
    items: list[Item] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(parsed):
        try:
            item = _checked_item(raw)
            if item["id"] in seen:
                raise ValueError(
                    f"the id {item['id']!r} is already used by item {seen[item['id']]}"
                )
        except ValueError as problem:
            line, column = line_column(text, _item_offset(text, index))
            label = f" ({raw['id']!r})" if isinstance(raw, dict) and "id" in raw else ""
            raise FormatError(path, f"item {index}{label}: {problem}", line, column) from None
        seen[item["id"]] = index
        items.append(item)
    return items


# A CSL item nests four levels (item, date, date-parts, a date); anything far deeper is
# no CSL-JSON, and walking it would exhaust Python's stack.
MAX_DEPTH = 32


def _depth_within(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and objects at most ``limit`` levels deep."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict | list):
            if depth > limit:
                return False
            inner = current.values() if isinstance(current, dict) else current
            pending.extend((child, depth + 1) for child in inner)
    return True


def _checked_item(raw: object) -> Item:
    if not isinstance(raw, dict):
        raise ValueError(f"an item must be an object, not {_json_kind(raw)}")
    if not _depth_within(raw, MAX_DEPTH):
        raise ValueError(f"values nest more than {MAX_DEPTH} levels deep")
    ident = raw.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or str(ident).strip() == "":
        raise ValueError('missing "id" (a non-empty string or number)')
    kind = raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError('missing "type"')
    if kind not in TYPES:
        raise ValueError(f"unknown CSL type {kind!r}")
    item: Item = nfc(raw)
    item["id"] = str(ident)
    for key, value in item.items():
        if key in NAME_VARIABLES:
            _check_names(key, value)
        elif key in DATE_VARIABLES:
            item[key] = _checked_date(key, value)
    return item


def _check_names(key: str, value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(name, dict) for name in value):
        raise ValueError(f'"{key}" must be a list of name objects')
    for name in value:
        for part in ("literal", *NAME_PARTS):
            if part in name and not isinstance(name[part], str):
                raise ValueError(f'"{key}": the name part "{part}" must be a string')


def _checked_date(key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f'"{key}" must be a date object such as {{"date-parts": [[2010]]}}')
    parts = value.get("date-parts")
    if parts is None:
        if not isinstance(value.get("literal", value.get("raw")), str):
            raise ValueError(f'"{key}" needs "date-parts", "literal" or "raw"')
        return value
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        raise ValueError(f'"{key}": "date-parts" must hold one date or two (a range)')
    checked = []
    for date in parts:
        if not isinstance(date, list) or len(date) > 3:
            raise ValueError(f'"{key}": each date in "date-parts" is [year, month, day]')
        numbers = []
        for number in date:
            if isinstance(number, str) and re.fullmatch(r"-?\d+", number.strip()):
                number = int(number)
            if isinstance(number, bool) or not isinstance(number, int):
                raise ValueError(f'"{key}": date parts must be numbers, not {number!r}')
            numbers.append(number)
        checked.append(numbers)
    return {**value, "date-parts": checked}


def _json_kind(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _item_offset(text: str, index: int) -> int:
    """Where the ``index``-th element of the top-level array starts (error path only)."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        return pos
    pos = _skip_space(text, pos + 1)
    for _ in range(index):
        _value, pos = decoder.raw_decode(text, pos)
        pos = _skip_space(text, _skip_space(text, pos) + 1)  # past the comma
    return pos


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def nfc(value: Any) -> Any:
    """The value with every string in it (keys too) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(key): nfc(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [nfc(inner) for inner in value]
    return value


# -- writing -------------------------------------------------------------------------


def write_csl_json(items: Iterable[Mapping[str, Any]]) -> str:
    """CSL-JSON text of the items, without our non-CSL ``"fonds"`` key."""
    clean = [{k: v for k, v in item.items() if k != EXTENSION_KEY} for item in items]
    return json.dumps(clean, ensure_ascii=False, indent=2) + "\n"


# -- dates shared by the readers ---------------------------------------------------------

_EDTF = re.compile(r"^(?P<year>Y?-?\d{1,9})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")


def parse_iso_date(text: str) -> dict[str, Any] | None:
    """A CSL date from an ISO 8601/EDTF date or range ("2016-03", "2018-12-03/2018-12-06",
    "1990~", "2001/.."); None when the text is not one (the caller keeps it as a literal)."""
    pieces = text.strip().split("/")
    if len(pieces) > 2:
        return None
    circa = False
    ranges: list[list[int]] = []
    for index, piece in enumerate(pieces):
        piece = piece.split("T", 1)[0].strip()
        if piece in ("", ".."):
            if index == 0:
                return None  # no date, or an open start ("../2001"): no CSL form
            continue  # an open end keeps the start only
        if piece[-1] in "?~%":
            circa, piece = True, piece[:-1]
        match = _EDTF.match(piece.replace("X", "0"))
        date = match and make_date_parts(match["year"].lstrip("Y"), match["month"], match["day"])
        if not date:
            return None
        ranges.append(date)
    result: dict[str, Any] = {"date-parts": ranges}
    if circa:
        result["circa"] = True
    return result


def date_parts(date: object) -> list[list[int]]:
    """The [year, month, day] lists of a CSL date (two for a range), numbers only."""
    parts = date.get("date-parts") if isinstance(date, Mapping) else None
    found: list[list[int]] = []
    for part in parts[:2] if isinstance(parts, list) else []:
        try:
            numbers = [int(n) for n in part[:3]] if isinstance(part, list) else []
        except (TypeError, ValueError):
            break
        if not numbers:
            break
        found.append(numbers)
    return found


def make_date_parts(
    year: str | int, month: str | int | None, day: str | int | None
) -> list[int] | None:
    """[year, month, day] with the parts that are there; None if the year is not a number
    or the month or day is out of range. Seasons (months 21-24) keep the year only."""
    try:
        parts = [int(year)]
        if month is not None and str(month).strip():
            number = int(month)
            if 21 <= number <= 24:
                return parts
            if not 1 <= number <= 12:
                return None
            parts.append(number)
            if day is not None and str(day).strip():
                number = int(day)
                if not 1 <= number <= 31:
                    return None
                parts.append(number)
    except ValueError:
        return None
    return parts


# -- helpers for displaying and sorting ------------------------------------------------------


def name_text(name: Mapping[str, Any]) -> str:
    """A name in reading order: "Gal Beckerman", "Ruud van Rosmalen", "Martin Luther King Jr."."""
    if "literal" in name:
        return str(name["literal"])
    parts = [name.get(part) for part in ("given", "dropping-particle", "non-dropping-particle")]
    text = " ".join(str(p) for p in [*parts, name.get("family")] if p)
    return f"{text} {name['suffix']}" if name.get("suffix") else text


def display_authors(item: Mapping[str, Any]) -> str:
    """The item's authors for a list or a heading: "Gal Beckerman", "A and B", "A, B, and C",
    "A et al." past three; editors (with "ed."/"eds.") when there is no author."""
    role = ""
    names = [n for n in item.get("author") or [] if isinstance(n, Mapping)]
    if not names:
        names = [n for n in item.get("editor") or [] if isinstance(n, Mapping)]
        role = " (ed.)" if len(names) == 1 else " (eds.)"
    others = any(dict(n) == OTHERS for n in names)
    texts = [t for t in (name_text(n) for n in names if dict(n) != OTHERS) if t]
    if not texts:
        return ""
    if len(texts) > 3 or others:
        return f"{texts[0]} et al.{role}"
    if len(texts) == 3:
        return f"{texts[0]}, {texts[1]}, and {texts[2]}{role}"
    return " and ".join(texts) + role


def issued_year(item: Mapping[str, Any]) -> int | None:
    """The year the item was issued, from its date parts or a year in a literal date."""
    issued = item.get("issued")
    if not isinstance(issued, Mapping):
        return None
    parts = date_parts(issued)
    if parts:
        return parts[0][0]
    for key in ("literal", "raw"):
        match = re.search(r"\b(\d{4})\b", str(issued.get(key, "")))
        if match:
            return int(match.group(1))
    return None


def _folded(text: str) -> str:
    """Text for sorting: case and accents ignored ("Ö" with "O")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(item: Mapping[str, Any]) -> tuple[str, int, str, str]:
    """Bibliography order: first author (or editor, or the title), year, title, id."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names and isinstance(names[0], Mapping) else {}
    if "literal" in first:
        who = str(first["literal"])
    else:
        who = " ".join(str(first.get(p, "")) for p in ("family", "given")).strip()
    title = str(item.get("title", ""))
    year = issued_year(item)
    filed = re.sub(r"^(the|an?)\s+", "", title.strip(), flags=re.IGNORECASE)  # Chicago
    return (
        _folded(who or filed),
        year if year is not None else 10**6,
        _folded(filed),
        str(item.get("id", "")),
    )


# -- CSL rich text: the few HTML-like tags CSL-JSON strings may carry -------------------

_MARKUP = re.compile(
    r'<(/?)(i|b|sup|sub)>|<span\s+style="font-variant:\s*small-caps;?">'
    r'|<span\s+class="nocase">|</span>'
)
MARKUP_NAMES = ("i", "b", "sup", "sub", "sc", "nocase")


def markup_tokens(text: str) -> list[tuple[str, str]]:
    """Split CSL rich text into ("text", s), ("open", name) and ("close", name) tokens.

    Names are those of MARKUP_NAMES ("sc" is small caps, "nocase" keeps case). A tag
    without its partner is text, so the tokens always nest properly.
    """
    tokens: list[tuple[str, str]] = []
    stack: list[tuple[str, int, str]] = []  # (name, index of its token, raw tag)
    pos = 0
    for match in _MARKUP.finditer(text):
        if match.start() > pos:
            tokens.append(("text", text[pos : match.start()]))
        pos = match.end()
        raw = match.group(0)
        if raw == "</span>":
            name, closing = (stack[-1][0] if stack else "span"), True
        elif match.group(2):
            name, closing = match.group(2), bool(match.group(1))
        else:
            name, closing = ("nocase" if "nocase" in raw else "sc"), False
        if not closing:
            stack.append((name, len(tokens), raw))
            tokens.append(("open", name))
        elif stack and stack[-1][0] == name and (raw == "</span>") == (name in ("sc", "nocase")):
            stack.pop()
            tokens.append(("close", name))
        else:
            tokens.append(("text", raw))
    if pos < len(text):
        tokens.append(("text", text[pos:]))
    for _name, index, raw in stack:
        tokens[index] = ("text", raw)
    return tokens


def plain_text(text: str) -> str:
    """CSL rich text without its tags."""
    return "".join(value for kind, value in markup_tokens(text) if kind == "text")

"""What the EAC-CPF reader and writer share: namespaces, and the text and dates of
elements (dates read as EDTF, see :mod:`fonds.formats.eaccpf`)."""

from __future__ import annotations

import re
from typing import Any

from edtf import parse_edtf

from .markup import plain
from .xmlsafe import localname

EAC2010_NS = "urn:isbn:1-931666-33-4"
EAC2_NS = "https://archivists.org/ns/eac/v2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XLINK_NS = "http://www.w3.org/1999/xlink"
OPEN_WORDS = frozenset({"present", "ongoing", "open", "..", "now"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
WHITE_SPACE = re.compile(r"\s+")
_EDGE_MARKS = " \u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CORE_DATE = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?")
_CIRCA = re.compile(r"^(?:circa|ca\.?|c\.|approx(?:imately|\.)?|about)\s*", re.IGNORECASE)
_EDTF_CHARS = re.compile(r"[0-9X?~%\-/{}\[\],.]+")
_YEARS = re.compile(r"^(\d{4})\s*[-\u2013]\s*(\d{4})$")


def clean(text: str | None) -> str:
    """Collapsed, NFC, without control characters or directional marks at the ends."""
    return plain(CONTROL_CHARACTERS.sub("", text)).strip(_EDGE_MARKS) if text else ""


def text_of(el: Any) -> str:
    return clean("".join(el.itertext())) if el is not None else ""


def children(el: Any, *names: str) -> list[Any]:
    """Child elements (of any namespace), those named ``names`` if given."""
    if el is None:
        return []
    found = (c for c in el if isinstance(c.tag, str))
    return [c for c in found if not names or localname(c.tag) in names]


def is_edtf(value: str) -> bool:
    """Valid EDTF, and an interval that does not run backwards."""
    try:
        parse_edtf(value)
    except Exception:  # the parser raises several exception types
        return False
    start, slash, end = value.partition("/")
    if slash and value[0] not in "{[":
        low, high = _bounds(start.rstrip("?~%"), 1, 1), _bounds(end.rstrip("?~%"), 12, 31)
        return low is None or high is None or low <= high
    return True


def _bounds(core: str, month: int, day: int) -> tuple[int, int, int] | None:
    if not CORE_DATE.fullmatch(core):
        return None
    pieces = [int(p) for p in core.lstrip("-").split("-")]
    pieces += [month, day][len(pieces) - 1 :]
    return (-pieces[0] if core.startswith("-") else pieces[0], pieces[1], pieces[2])


def qualifier(text: str) -> str:
    """The EDTF qualifier a date's text says: "ca. 1964" ~, "1964?" ?, both %."""
    circa, doubt = bool(_CIRCA.match(text)), text.rstrip(" ]").endswith("?")
    return "%" if circa and doubt else "~" if circa else "?" if doubt else ""


def _point(el: Any, end: bool) -> str | None:
    """A date point as EDTF: "" when empty (unknown), None when only text."""
    text, standard = text_of(el), (el.get("standardDate") or "").strip()
    if el.get("status") == "ongoing" or text.lower() in OPEN_WORDS:
        return ".."
    if standard.startswith("9999") and not text:
        return ".." if end else ""  # the placeholder year of an open end
    qualified = standard + qualifier(text)
    if CORE_DATE.fullmatch(standard) and not standard.startswith("9999") and is_edtf(qualified):
        return qualified
    if not text:
        return ""
    if _EDTF_CHARS.fullmatch(text) and "/" not in text and text[0] not in "{[":
        return text if is_edtf(text) else None
    body = _CIRCA.sub("", text)
    if body != text and CORE_DATE.fullmatch(body.rstrip("?")):
        return body.rstrip("?") + ("%" if body.endswith("?") else "~")
    return None


def date_label(el: Any) -> str:
    if localname(el.tag) in ("date", "fromDate", "toDate"):
        return text_of(el) or (el.get("standardDate") or "").strip()
    labels = [date_label(c) for c in children(el)]
    return ("-" if localname(el.tag) == "dateRange" else "; ").join(x for x in labels if x)


def dates_in(parent: Any) -> tuple[str | None, str | None]:
    """(EDTF, text) of the first date/dateRange/dateSet child."""
    found = children(parent, "date", "dateRange", "dateSet")
    return read_dates(found[0]) if found else (None, None)


def read_dates(el: Any) -> tuple[str | None, str | None]:
    name, text = localname(el.tag), text_of(el)
    years = _YEARS.match(text)
    whole = _EDTF_CHARS.fullmatch(text) and ("/" in text or text[0] in "{[")  # EDTF as text
    if name == "date" and not el.get("standardDate") and (years or whole):
        written = f"{years.group(1)}/{years.group(2)}" if years else text
        return (written, None) if is_edtf(written) else (None, text)
    value: str | None
    if name == "date":
        value = _point(el, end=False)
    elif name == "dateRange":
        ends = children(el, "fromDate"), children(el, "toDate")
        begin = _point(ends[0][0], end=False) if ends[0] else ""
        finish = _point(ends[1][0], end=True) if ends[1] else ""
        value = None if begin is None or finish is None else f"{begin}/{finish}"
        if value == "/":
            return None, None
    else:  # dateSet: {a,b..c}
        members = [read_dates(m) for m in children(el, "date", "dateRange")]
        values = [v.replace("/", "..") if v and ".." not in v else v for v, _ in members]
        ok = all(v and not v.startswith("..") and not v.endswith("..") for v in values)
        value = "{" + ",".join(v or "" for v in values) + "}" if ok else None
    if value == "":
        return None, None
    if value is not None and is_edtf(value):
        return value, None
    return None, date_label(el) or None

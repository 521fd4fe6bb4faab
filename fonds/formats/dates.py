"""Normalizing archival dates: ``unitdate@normal`` first, the text otherwise.

Rules, in order:

* Text that says the material is undated ("undated", "n.d.", "no date") stays undated
  even when a ``normal`` attribute claims a range: finding aids exported from
  collection-management systems often carry the collection's range on every
  undated folder, and believing it would put those folders in every date search.
* ``normal`` is an ISO 8601 date or interval (``1933/1985``, ``1972-05-05``,
  ``0700/1937``, in the subset ead2002.xsd takes); an end year of 9999, ``..`` or an
  empty end means the range is open. A ``normal`` of another form (``1928/13302``,
  ``0``, ``undated``) is neither believed nor kept: the text says the date.
* Otherwise years and decades are read from the text ("1970-1975", "1970s",
  "circa 1965", "May 5, 1972; 1980").
"""

from __future__ import annotations

import re

from .archival import DateSpan

_UNDATED = re.compile(
    r"^[\s,;:]*[\[(]?\s*"  # exports leave ", undated" after a date that is not there
    r"(undated|n\.\s*d\.?|nd|no dates?|date unknown|unknown date|sine dato|s\.\s*d\.)"
    r"\s*[\])]?\s*\.?\s*$",
    re.IGNORECASE,
)
_APPROX = re.compile(r"\b(circa|ca\.|c\.|approximately|about|\?)", re.IGNORECASE)
_YEAR_TEXT = re.compile(r"(?<![\d])(1[0-9]{3}|20[0-9]{2})(s|'s)?(?![\d])")
_ISO_YEAR = re.compile(r"^\s*(-?\d{1,4})")
OPEN_END_YEARS = {9999}
# ead2002.xsd's am.date.normal: a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYYMMDD) or two
_ISO_DATE = (
    r"-?[012]\d{3}(((0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))"
    r"|-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
)
ISO_NORMAL = re.compile(f"{_ISO_DATE}(/{_ISO_DATE})?")
_NORMAL = re.compile(f"{_ISO_DATE}(/({_ISO_DATE}|9999|\\.\\.|open)?)?")
_OPEN_TEXT = re.compile(r"^\D*\d{4}\s*[-\u2013]\s*(present)?\s*$", re.IGNORECASE)


def _iso_year(value: str) -> int | None:
    match = _ISO_YEAR.match(value)
    if match is None:
        return None
    return int(match.group(1))


def parse_normal(normal: str) -> tuple[int | None, int | None, bool] | None:
    """Read an ISO 8601 date or interval: (begin year, end year, open end)."""
    value = normal.strip()
    if not value:
        return None
    if "/" in value:
        start, _, finish = value.partition("/")
        begin = _iso_year(start)
        finish = finish.strip()
        if finish in ("", "..", "open"):
            return (begin, None, True) if begin is not None else None
        end = _iso_year(finish)
        if end in OPEN_END_YEARS:
            return (begin, None, True) if begin is not None else None
        if begin is None:
            return (end, end, False) if end is not None else None
        if end is None:
            return begin, begin, False
        if end < begin:
            begin, end = end, begin
        return begin, end, False
    year = _iso_year(value)
    if year is None:
        return None
    return year, year, False


def years_in_text(text: str) -> tuple[int | None, int | None]:
    years: list[int] = []
    for match in _YEAR_TEXT.finditer(text):
        year = int(match.group(1))
        years.append(year)
        if match.group(2):  # a decade: "1970s"
            years.append(year + 9 if year % 10 == 0 else year)
    if not years:
        return None, None
    return min(years), max(years)


def normalize(text: str, normal: str | None = None, type_: str | None = None) -> DateSpan:
    text = " ".join(text.split())
    if normal and not _NORMAL.fullmatch(normal.strip()):
        normal = None
    span = DateSpan(text=text, normal=(normal or None), type=(type_ or None))
    if text and _UNDATED.match(text):
        span.undated = True
        return span
    span.approximate = bool(text and _APPROX.search(text))
    parsed = parse_normal(normal) if normal else None
    if parsed is not None:
        span.begin, span.end, span.open_end = parsed
        return span
    span.begin, span.end = years_in_text(text)
    if span.begin is not None and _OPEN_TEXT.search(text):  # "1990-" runs on
        span.end, span.open_end = None, True
    if span.begin is None and not text:
        span.undated = True
    return span

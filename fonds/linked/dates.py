"""Dates for linked data: EDTF as stored, and ISO 8601 where a date is exact.

schema.org wants ISO 8601 (``1964-04-27``, ``1971-02``, ``1970``); RiC-O keeps the
EDTF text in ``rico:normalizedDateValue`` and, where a point is exact, a typed value
(``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``). "Exact" means known to the day,
month or year, neither approximate nor uncertain: ``1962?``, ``1980~`` and ``1970s``
give no ISO date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fonds.formats.edtf_dates import EDTFDate, EDTFPoint, parse


@dataclass(frozen=True)
class ExactDates:
    start: str | None  # ISO 8601 text of an exact start, or None
    end: str | None  # of an exact end (intervals only)
    start_precision: str | None = None
    end_precision: str | None = None


def edtf(value: str) -> EDTFDate | None:
    try:
        return parse(value) if value and value.strip() else None
    except ValueError:
        return None


def iso(point: EDTFPoint | None) -> str | None:
    """ISO 8601 text of an exact point; None for decades, qualified or BCE dates."""
    if point is None or point.approximate or point.uncertain:
        return None
    if point.precision not in ("day", "month", "year") or not 1 <= point.year <= 9999:
        return None
    text = f"{point.year:04d}"
    if point.month is not None:
        text += f"-{point.month:02d}"
        if point.day is not None:
            text += f"-{point.day:02d}"
    return text


def exact_dates(value: str) -> ExactDates:
    """The exact start and end of an EDTF date ("1926/2014" -> 1926, 2014).

    A single date is a start ("1964-04-27" founded, born); an interval gives both
    ends, each when exact ("/1991-12-26" has only an end)."""
    parsed = edtf(value)
    if parsed is None:
        return ExactDates(None, None)
    start = iso(parsed.start)
    end = iso(parsed.end) if parsed.is_interval else None
    return ExactDates(
        start,
        end,
        parsed.start.precision if start and parsed.start else None,
        parsed.end.precision if end and parsed.end else None,
    )


def label(value: str) -> str:
    parsed = edtf(value)
    return parsed.label if parsed else value


def unit_date_edtf(date: dict[str, Any]) -> str | None:
    """EDTF for a finding aid's unitdate: its ``normal`` attribute (ISO 8601, which
    EDTF extends), else its begin and end years; "circa" marks both ends "~"."""
    normal = str(date.get("normal") or "").strip()
    if not normal:
        begin, end = date.get("begin"), date.get("end")
        if begin is None and end is None:
            return None
        first = f"{begin:04d}" if isinstance(begin, int) and begin >= 0 else ".."
        last = f"{end:04d}" if isinstance(end, int) and end >= 0 else ".."
        normal = first if first == last else f"{first}/{last}"
    if date.get("approximate"):
        normal = "/".join(p if p in ("", "..") else f"{p}~" for p in normal.split("/"))
    return normal


def coverage(dates: list[dict[str, Any]], begin: int | None, end: int | None) -> str | None:
    """One ISO 8601 interval for schema.org's temporalCoverage (inclusive dates first)."""
    inclusive = [d for d in dates if d.get("type") != "bulk"] or dates
    for date in inclusive:
        normal = str(date.get("normal") or "").strip()
        if normal and "~" not in normal and "?" not in normal:
            return normal
    if begin is None:
        return None
    return f"{begin:04d}" if end in (None, begin) else f"{begin:04d}/{end:04d}"

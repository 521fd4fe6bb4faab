"""EDTF dates as a timeline needs them: bounds, precision, qualifiers, an English label.

Accepted (Library of Congress EDTF, the subset a timeline uses)::

    1970-06-15   1971-02   1970   0700   -0044        a day, a month, a year
    197X  "1970s"   19XX                             a decade, a century ("1970s" -> 197X)
    1962?  1980~  1970%                              uncertain, approximate, both
    1964-04-05/1964-04-06  1881/1884  1987-12/1988   intervals (either end qualified)
    1990/..  ../1990  1990/                          open (or unknown) ends

Years are astronomical, as in EDTF: ``0000`` is 1 BCE, ``-0044`` is 45 BCE. The forms
above are read here, with the calendar (``edtf`` accepts 1970-02-29, this module does
not); everything else goes to the ``edtf`` package, whose grammar tells "not EDTF" from
"EDTF the timeline does not use". The package takes milliseconds a date, so it is not
asked about the forms above: the tests check that it accepts every one of them.

``lower``/``upper`` are the earliest and latest day allowed, ignoring the qualifiers
(``1980~`` spans 1980); they are ``None`` on an open side and, since
:class:`datetime.date` stops at year 1, before 1 CE, where ``lower_year`` and
``upper_year`` still answer.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import re
from dataclasses import dataclass, field

from edtf import parse_edtf

PRECISIONS = ("day", "month", "year", "decade", "century")
MAX_LENGTH = 100
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_POINT = re.compile(
    r"(?P<year>-?\d{4}|\d{3}X|\d{2}XX)(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<q>[?~%]?)"
)
_DECADE_WORD = re.compile(r"(?<![-\dX])(\d{3})0s(?=[?~%]?(?:/|$))", re.IGNORECASE)
_OPEN = ".."


@dataclass(frozen=True)
class EDTFPoint:
    """One end of an interval, or the whole of a single date."""

    edtf: str
    year: int  # the first year it allows (astronomical: 0 is 1 BCE)
    last_year: int  # the last: year + 9 for a decade, + 99 for a century
    month: int | None
    day: int | None
    precision: str
    approximate: bool = False
    uncertain: bool = False

    @property
    def first_day(self) -> tuple[int, int, int]:
        return self.year, self.month or 1, self.day or 1

    @property
    def last_day(self) -> tuple[int, int, int]:
        month = self.month or 12
        return self.last_year, month, self.day or _days_in(self.last_year, month)

    @property
    def bare_label(self) -> str:
        """The label without the qualifiers: "15 June 1970", "the 1970s"."""
        if self.precision == "century":
            return f"the {_ordinal(self.year // 100 + 1)} century"
        if self.precision == "decade":
            if self.year >= 10:
                return f"the {self.year}s"
            return f"{_year_label(self.year)}–{_year_label(self.last_year)}"
        if self.month is None:
            return _year_label(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {_year_label(self.year)}"
        return f"{self.day} {MONTHS[self.month - 1]} {_year_label(self.year)}"

    @property
    def label(self) -> str:
        return _qualify(self.bare_label, self.approximate, self.uncertain)


@dataclass
class EDTFDate:
    edtf: str  # normalized: "1970s" -> "197X"
    lower: datetime.date | None  # earliest day allowed; None when open or before 1 CE
    upper: datetime.date | None  # latest day allowed; None when open or before 1 CE
    precision: str  # day | month | year | decade | century (an interval: its coarser end)
    approximate: bool
    uncertain: bool
    is_interval: bool
    label: str  # "15 June 1970", "about 1980", "5–6 April 1964", "from 1990"
    decades: list[int] = field(default_factory=list)  # an open side adds only its known end
    start: EDTFPoint | None = None  # None: open start ("../1990")
    end: EDTFPoint | None = None  # None: open or unknown end ("1990/..", "1990/")

    @property
    def lower_year(self) -> int | None:
        return self.start.year if self.start else None

    @property
    def upper_year(self) -> int | None:
        return self.end.last_year if self.end else None

    @property
    def open_start(self) -> bool:
        return self.start is None

    @property
    def open_end(self) -> bool:
        return self.end is None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological order: by the first day, an open start by its end."""
        point = self.start or self.end
        assert point is not None
        return point.first_day


class Unsupported(ValueError):
    """Text outside the forms this module reads (it may still be EDTF)."""


def parse(value: str) -> EDTFDate:
    """Read an EDTF date; ``ValueError`` says what is wrong with it."""
    if not isinstance(value, str):
        raise ValueError(f"a date must be text in EDTF, not {type(value).__name__}")
    text = normalize(value)
    if not text:
        raise ValueError("the date is empty")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the date is longer than {MAX_LENGTH} characters")
    shown = value.strip()
    try:
        return build(text, original=shown)
    except Unsupported:
        problem = _grammar_problem(text)
        if problem is not None:
            raise ValueError(f"{shown!r} is not an EDTF date ({problem})") from None
        raise


def normalize(value: str) -> str:
    """Strip spaces, read "1970s" as 197X and a lower-case x as X."""
    text = "".join(value.split())
    text = _DECADE_WORD.sub(lambda m: f"{m.group(1)}X", text)
    return text.replace("x", "X")


def build(text: str, original: str | None = None) -> EDTFDate:
    """An :class:`EDTFDate` from normalized text (see :func:`normalize`).

    Raises :class:`Unsupported` for text outside the forms read here, ``ValueError``
    for a date the calendar does not have; :func:`parse` says which is not EDTF at all.
    """
    shown = original if original is not None else text
    if "/" not in text:
        point = _point(text, shown)
        return EDTFDate(
            edtf=text,
            lower=_date(point.first_day),
            upper=_date(point.last_day),
            precision=point.precision,
            approximate=point.approximate,
            uncertain=point.uncertain,
            is_interval=False,
            label=point.label,
            decades=_decades(point.year, point.last_year),
            start=point,
            end=point,
        )
    first, _, second = text.partition("/")
    if "/" in second:
        raise Unsupported(f"{shown!r} has more than one '/': an interval has two ends")
    if first in ("", _OPEN) and second in ("", _OPEN):
        raise ValueError(f"{shown!r} has no known end: one side of '/' must be a date")
    start = None if first in ("", _OPEN) else _point(first, shown)
    end = None if second in ("", _OPEN) else _point(second, shown)
    if start is not None and end is not None and start.first_day > end.last_day:
        raise ValueError(f"{shown!r} ends ({end.label}) before it begins ({start.label})")
    known = [p for p in (start, end) if p is not None]
    if any(p.precision in ("decade", "century") for p in known) and (
        len(known) < 2 or any(p.approximate or p.uncertain for p in known)
    ):
        # The EDTF grammar (as the edtf package reads it) has no such intervals.
        raise Unsupported(f"{shown!r}: a decade or century in an interval takes no ?, ~ or ..")
    if start is not None and end is not None:
        decades = _decades(start.year, end.last_year)
    else:
        decades = _decades(known[0].year, known[0].last_year)
    return EDTFDate(
        edtf=text,
        lower=_date(start.first_day) if start else None,
        upper=_date(end.last_day) if end else None,
        precision=max((p.precision for p in known), key=PRECISIONS.index),
        approximate=any(p.approximate for p in known),
        uncertain=any(p.uncertain for p in known),
        is_interval=True,
        label=_interval_label(start, end, unknown_end=second == ""),
        decades=decades,
        start=start,
        end=end,
    )


@functools.lru_cache(maxsize=4096)
def _grammar_problem(text: str) -> str | None:
    """What the ``edtf`` package says is wrong with the text, or None (cached: it is slow)."""
    try:
        # The package prints debugging lines on some input ("../000X"); only errors
        # come here, so the brief swap of stdout is acceptable.
        with contextlib.redirect_stdout(io.StringIO()):
            parse_edtf(text)
    except Exception as exc:  # the package raises TypeError on some input ("../..")
        message = str(exc).split(". Please")[0] or type(exc).__name__
        return message if "EDTF" in type(exc).__name__ else "unreadable"
    return None


def _point(text: str, shown: str) -> EDTFPoint:
    match = _POINT.fullmatch(text)
    if match is None:
        where = "" if text == shown else f"in {shown!r}, "
        raise Unsupported(
            f"{where}{text!r} is EDTF the timeline does not use; write a day "
            "(1970-06-15), a month (1970-06), a year (1970), a decade (197X) or a "
            "century (19XX), with ? or ~ after it, or an interval of those"
        )
    digits, month_text, day_text, qualifier = match.group("year", "month", "day", "q")
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if "X" in digits:
        if month is not None:
            raise ValueError(f"{shown!r}: a decade or century has no month")
        unspecified = digits.count("X")
        year = int(digits.replace("X", "0"))
        last_year = year + 10**unspecified - 1
        precision = "decade" if unspecified == 1 else "century"
    else:
        if digits == "-0000":
            raise Unsupported(f"{shown!r}: year zero is 0000, without a minus sign")
        year = last_year = int(digits)
        precision = "day" if day is not None else "month" if month is not None else "year"
    if month is not None and 21 <= month <= 41:
        raise Unsupported(f"{shown!r}: seasons (-21 to -41) are EDTF the timeline does not use")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{shown!r}: there is no month {month_text}")
    if month is not None and day is not None and not 1 <= day <= _days_in(year, month):
        raise ValueError(f"{shown!r}: {MONTHS[month - 1]} {_year_label(year)} has no day {day}")
    return EDTFPoint(
        edtf=text,
        year=year,
        last_year=last_year,
        month=month,
        day=day,
        precision=precision,
        approximate=qualifier in ("~", "%"),
        uncertain=qualifier in ("?", "%"),
    )


def _interval_label(start: EDTFPoint | None, end: EDTFPoint | None, unknown_end: bool) -> str:
    if end is None:
        assert start is not None
        return f"from {start.label}" + (" (end unknown)" if unknown_end else "")
    if start is None:
        return f"until {end.label}"
    if start == end:
        return start.label
    plain = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    if plain and start.year == end.year and start.precision == end.precision:
        year = _year_label(start.year)
        if start.precision == "day" and start.month == end.month:
            assert start.month is not None
            return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {year}"
        if start.precision == "day":
            assert start.month is not None and end.month is not None
            first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
            return f"{start.day} {first} – {end.day} {last} {year}"
        if start.precision == "month":
            assert start.month is not None and end.month is not None
            return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {year}"
    first_label, last_label = start.label, end.label
    dash = " – " if " " in first_label + last_label else "–"
    return f"{first_label}{dash}{last_label}"


def _qualify(label: str, approximate: bool, uncertain: bool) -> str:
    if approximate:
        label = f"about {label}"
    if uncertain:
        label = f"{label} (uncertain)"
    return label


def _year_label(year: int) -> str:
    return str(year) if year > 0 else f"{1 - year} BCE"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _days_in(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _DAYS[month - 1]


def _date(ymd: tuple[int, int, int]) -> datetime.date | None:
    year, month, day = ymd
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    return datetime.date(year, month, day)


def _decades(first_year: int, last_year: int) -> list[int]:
    return list(range(first_year // 10 * 10, last_year // 10 * 10 + 1, 10))

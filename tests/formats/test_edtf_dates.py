"""EDTF dates for the timeline (fonds.formats.edtf_dates): every form a timeline uses,
with its bounds, precision, qualifiers, English label and decades."""

from __future__ import annotations

from datetime import date

import pytest
from edtf import parse_edtf
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fonds.formats.edtf_dates import build, normalize, parse

D = date
# value -> edtf, lower, upper, precision, approximate, uncertain, interval, label, decades
CASES = [
    ("1970-06-15", "1970-06-15", D(1970, 6, 15), D(1970, 6, 15), "day", False, False, False,
     "15 June 1970", [1970]),
    ("1971-02", "1971-02", D(1971, 2, 1), D(1971, 2, 28), "month", False, False, False,
     "February 1971", [1970]),
    ("1972-02", "1972-02", D(1972, 2, 1), D(1972, 2, 29), "month", False, False, False,
     "February 1972", [1970]),
    ("1970", "1970", D(1970, 1, 1), D(1970, 12, 31), "year", False, False, False,
     "1970", [1970]),
    ("197X", "197X", D(1970, 1, 1), D(1979, 12, 31), "decade", False, False, False,
     "the 1970s", [1970]),
    ("1970s", "197X", D(1970, 1, 1), D(1979, 12, 31), "decade", False, False, False,
     "the 1970s", [1970]),
    ("197x", "197X", D(1970, 1, 1), D(1979, 12, 31), "decade", False, False, False,
     "the 1970s", [1970]),
    ("19XX", "19XX", D(1900, 1, 1), D(1999, 12, 31), "century", False, False, False,
     "the 20th century", list(range(1900, 2000, 10))),
    ("1962?", "1962?", D(1962, 1, 1), D(1962, 12, 31), "year", False, True, False,
     "1962 (uncertain)", [1960]),
    ("1980~", "1980~", D(1980, 1, 1), D(1980, 12, 31), "year", True, False, False,
     "about 1980", [1980]),
    ("1970%", "1970%", D(1970, 1, 1), D(1970, 12, 31), "year", True, True, False,
     "about 1970 (uncertain)", [1970]),
    ("1970-06~", "1970-06~", D(1970, 6, 1), D(1970, 6, 30), "month", True, False, False,
     "about June 1970", [1970]),
    ("1964-04-05/1964-04-06", "1964-04-05/1964-04-06", D(1964, 4, 5), D(1964, 4, 6), "day",
     False, False, True, "5–6 April 1964", [1960]),
    ("1964-04-28/1964-05-03", "1964-04-28/1964-05-03", D(1964, 4, 28), D(1964, 5, 3), "day",
     False, False, True, "28 April – 3 May 1964", [1960]),
    ("1964-04/1964-06", "1964-04/1964-06", D(1964, 4, 1), D(1964, 6, 30), "month",
     False, False, True, "April–June 1964", [1960]),
    ("1881/1884", "1881/1884", D(1881, 1, 1), D(1884, 12, 31), "year", False, False, True,
     "1881–1884", [1880]),
    ("1972/1990", "1972/1990", D(1972, 1, 1), D(1990, 12, 31), "year", False, False, True,
     "1972–1990", [1970, 1980, 1990]),
    ("1987-12/1988", "1987-12/1988", D(1987, 12, 1), D(1988, 12, 31), "year", False, False,
     True, "December 1987 – 1988", [1980]),
    ("1970~/1980?", "1970~/1980?", D(1970, 1, 1), D(1980, 12, 31), "year", True, True, True,
     "about 1970 – 1980 (uncertain)", [1970, 1980]),
    ("1960s/1970s", "196X/197X", D(1960, 1, 1), D(1979, 12, 31), "decade", False, False, True,
     "the 1960s – the 1970s", [1960, 1970]),
    ("1990/..", "1990/..", D(1990, 1, 1), None, "year", False, False, True,
     "from 1990", [1990]),
    ("1990/", "1990/", D(1990, 1, 1), None, "year", False, False, True,
     "from 1990 (end unknown)", [1990]),
    ("../1990", "../1990", None, D(1990, 12, 31), "year", False, False, True,
     "until 1990", [1990]),
    ("1547", "1547", D(1547, 1, 1), D(1547, 12, 31), "year", False, False, False,
     "1547", [1540]),
    ("0700", "0700", D(700, 1, 1), D(700, 12, 31), "year", False, False, False, "700", [700]),
    ("0700/1937", "0700/1937", D(700, 1, 1), D(1937, 12, 31), "year", False, False, True,
     "700–1937", list(range(700, 1940, 10))),
    (" 1970-06-15 ", "1970-06-15", D(1970, 6, 15), D(1970, 6, 15), "day", False, False, False,
     "15 June 1970", [1970]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "edtf", "lower", "upper", "precision", "approximate", "uncertain", "interval",
     "label", "decades"),
    CASES,
    ids=[case[0].strip() for case in CASES],
)  # fmt: skip
def test_forms(value, edtf, lower, upper, precision, approximate, uncertain, interval, label,
               decades):  # fmt: skip
    parsed = parse(value)
    assert parsed.edtf == edtf
    assert (parsed.lower, parsed.upper) == (lower, upper)
    assert parsed.precision == precision
    assert (parsed.approximate, parsed.uncertain, parsed.is_interval) == (
        approximate,
        uncertain,
        interval,
    )
    assert parsed.label == label
    assert parsed.decades == decades
    assert parse(parsed.edtf) == parsed  # the normalized form reads the same


@pytest.mark.parametrize(
    ("value", "lower_year", "upper_year", "label", "decades"),
    [
        ("-0044", -44, -44, "45 BCE", [-50]),
        ("0000", 0, 0, "1 BCE", [0]),
        ("-0044-03-15", -44, -44, "15 March 45 BCE", [-50]),
        ("-0100/0100", -100, 100, "101 BCE – 100", list(range(-100, 110, 10))),
    ],
)
def test_years_before_the_common_era(value, lower_year, upper_year, label, decades):
    """Astronomical years, as EDTF and TimelineJS count them; datetime.date cannot hold them."""
    parsed = parse(value)
    assert (parsed.lower_year, parsed.upper_year) == (lower_year, upper_year)
    assert parsed.label == label
    assert parsed.decades == decades
    assert parsed.lower is None or parsed.lower.year >= 1


def test_open_ends_and_order():
    assert parse("1990/..").open_end and not parse("1990/..").open_start
    assert parse("../1990").open_start and parse("../1990").upper_year == 1990
    dates = ["1970-06-15", "../1965", "197X", "1969-12", "-0044", "1970"]
    ordered = sorted(dates, key=lambda value: parse(value).sort_key)
    assert ordered == ["-0044", "../1965", "1969-12", "197X", "1970", "1970-06-15"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1970-02-29", "February 1970 has no day 29"),
        ("1970-02-30", "no day 30"),
        ("1970-13", "there is no month 13"),
        ("197O", "is not an EDTF date"),
        ("June 1970", "is not an EDTF date"),
        ("15/06/1970", "is not an EDTF date"),
        ("1884/1881", "ends (1881) before it begins (1884)"),
        ("../..", "no known end"),
        ("/", "no known end"),
        ("2001-21", "seasons"),
        ("[1667,1668]", "the timeline does not use"),
        ("Y170000002", "the timeline does not use"),
        ("1984-06-02T19:00:00", "the timeline does not use"),
        ("1" * 200, "longer than 100"),
        ("-0000", "is not an EDTF date"),
    ],
)
def test_invalid_dates_say_why(value, message):
    with pytest.raises(ValueError) as caught:
        parse(value)
    assert message in str(caught.value)


def test_a_date_must_be_text():
    with pytest.raises(ValueError, match="must be text"):
        parse(1970)  # type: ignore[arg-type]


def test_normalize_reads_decades_only_where_they_are():
    assert normalize("1970s") == "197X"
    assert normalize("1960s/1970s~") == "196X/197X~"
    assert normalize("1975s") == "1975s"  # not a decade: left for the grammar to reject
    assert build("197X") == parse("1970s")


def _point(year: int, month: int | None, day: int | None, unspecified: int, qualifier: str):
    if unspecified:
        text = f"{year:04d}"[: 4 - unspecified] + "X" * unspecified
    else:
        text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
        if month:
            text += f"-{month:02d}"
            if day:
                text += f"-{day:02d}"
    return text + qualifier


points = st.builds(
    _point,
    year=st.integers(-9999, 9999).filter(bool),
    month=st.one_of(st.none(), st.integers(1, 12)),
    day=st.one_of(st.none(), st.integers(1, 28)),
    unspecified=st.sampled_from([0, 0, 0, 1, 2]),
    qualifier=st.sampled_from(["", "", "?", "~", "%"]),
).filter(lambda text: not (text.startswith("-") and "X" in text))


@st.composite
def dates(draw):
    first = draw(points)
    shape = draw(st.sampled_from(["point", "interval", "open", "unknown", "until"]))
    if shape == "point":
        return first
    if shape == "open":
        return f"{first}/.."
    if shape == "unknown":
        return f"{first}/"
    if shape == "until":
        return f"../{first}"
    second = draw(points)
    a, b = build(first).start, build(second).start
    assert a is not None and b is not None
    if a.first_day > b.last_day:
        first, second = second, first
    return f"{first}/{second}"


@settings(max_examples=200, deadline=None)
@given(dates())
def test_every_form_read_here_is_edtf_to_the_edtf_package(value):
    """The edtf grammar is not asked about the forms this module reads (it is slow):
    it must accept each of them, and agree on the bounds the calendar gives."""
    try:
        parsed = parse(value)
    except ValueError:
        assume(False)  # not read here: nothing to compare
    library = parse_edtf(value)
    if parsed.start is None or parsed.end is None or value.endswith("/"):
        return  # open: the package's bounds are infinities (or a guess, for "1990/")
    assert tuple(library.lower_strict())[:3] == parsed.start.first_day
    assert tuple(library.upper_strict())[:3] == parsed.end.last_day


@pytest.mark.parametrize("value", ["197X/..", "../19XX", "197X~/1985", "1960/197X?", "196X/"])
def test_decades_in_intervals_take_no_qualifier_or_open_end(value):
    """Where the edtf package draws the line: such text is not EDTF to it."""
    with pytest.raises(ValueError, match="is not an EDTF date"):
        parse(value)

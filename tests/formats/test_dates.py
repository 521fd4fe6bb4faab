"""Date normalization (fonds.formats.dates), alone and on the real corpus."""

from __future__ import annotations

import io

import pytest

from fonds.formats.dates import normalize, parse_normal
from fonds.formats.ead import EADReader
from tests.formats.helpers import EAD_NAMES, collapse, components, elements, local, read

# text, normal -> begin, end, open end, approximate, undated
NORMALIZE = [
    ("undated", "1933/1985", None, None, False, False, True),
    ("Undated.", None, None, None, False, False, True),
    ("[undated]", "1900/1910", None, None, False, False, True),
    ("n.d.", "1900", None, None, False, False, True),
    (", undated", "undated ", None, None, False, False, True),
    ("no date", None, None, None, False, False, True),
    ("", None, None, None, False, False, True),
    ("1970s", None, 1970, 1979, False, False, False),
    ("1880s-1890s", None, 1880, 1899, False, False, False),
    ("approximately 1950s", None, 1950, 1959, False, True, False),
    ("circa 1965", None, 1965, 1965, False, True, False),
    ("ca. 1965", None, 1965, 1965, False, True, False),
    ("1965?", None, 1965, 1965, False, True, False),
    ("1965, 1970-1980", None, 1965, 1980, False, False, False),
    ("May 5, 1972; 1980", None, 1972, 1980, False, False, False),
    ("undated, 1955", None, 1955, 1955, False, False, False),
    ("1972 May 5", "1972-05-05", 1972, 1972, False, False, False),
    ("1985-1933", "1985/1933", 1933, 1985, False, False, False),
    ("", "1990/9999", 1990, None, True, False, False),
    ("", "1990/", 1990, None, True, False, False),
    ("", "1990/..", 1990, None, True, False, False),
    ("circa 700-1937", "0700/1937", 700, 1937, False, True, False),
    ("1950-1960", "garbage", 1950, 1960, False, False, False),
    # normals of no ISO 8601 form are not believed: the text says the date
    ("1928-Jun-36", "1928/13302", 1928, 1928, False, False, False),
    ("", "0", None, None, False, False, True),
    ("1951", "19510", 1951, 1951, False, False, False),
]
NOT_ISO = {"undated ", "garbage", "1928/13302", "0", "19510"}


@pytest.mark.parametrize(
    ("text", "normal", "begin", "end", "open_end", "approximate", "undated"),
    NORMALIZE,
    ids=[f"{t or 'empty'}|{n}" for t, n, *_ in NORMALIZE],
)
def test_normalize(text, normal, begin, end, open_end, approximate, undated):
    span = normalize(text, normal)
    assert (span.begin, span.end, span.open_end) == (begin, end, open_end)
    assert (span.approximate, span.undated) == (approximate, undated)
    # an ISO 8601 normal is kept as written; one of another form is not kept
    assert span.normal == (None if normal in NOT_ISO else normal or None)
    assert span.text == " ".join(text.split())


@pytest.mark.parametrize(
    ("normal", "expected"),
    [
        ("1933/1985", (1933, 1985, False)),
        ("0700/1937", (700, 1937, False)),
        ("1945-01-01/2005-12-31", (1945, 2005, False)),
        ("1990/9999", (1990, None, True)),
        ("1990/open", (1990, None, True)),
        ("1972-05-05", (1972, 1972, False)),
        ("1985/1933", (1933, 1985, False)),
        ("  ", None),
        ("unknown", None),
    ],
)
def test_parse_normal(normal, expected):
    assert parse_normal(normal) == expected


def test_undated_with_a_normal_range_stays_undated_in_goldstein():
    name = "nyu-wag232-goldstein-jlc-files.xml"
    trap = [
        el
        for el in elements(name, "unitdate")
        if collapse("".join(el.itertext())) == "undated" and el.get("normal") == "1933/1985"
    ]
    assert len(trap) == 49
    reading = read(name)
    spans = [d for r in reading.everything for d in r.dates if d.text == "undated"]
    assert len([d for d in spans if d.normal == "1933/1985"]) == 49
    assert all(d.undated and d.begin is None and d.end is None for d in spans)
    undated = [r for r in reading.records if r.date_text == "undated"]
    assert len(undated) >= 49
    for record in undated:
        assert record.begin_year is None and record.end_year is None
        assert record.undated
    # the collection itself keeps its range
    assert (reading.collection.begin_year, reading.collection.end_year) == (1933, 1985)


def test_open_end_written_as_9999():
    collection = read("cul-open-ended-9999.xml").collection
    (span,) = collection.dates
    assert (span.text, span.normal) == ("", "1990/9999")
    assert span.open_end and not span.undated
    assert collection.begin_year == 1990
    assert collection.end_year is None
    assert collection.date_text == "1990-"


def test_year_below_1000():
    collection = read("cul-too-large-date-range.xml").collection
    (span,) = collection.dates
    assert span.text == "circa 700-1937"
    assert (span.begin, span.end, span.approximate) == (700, 1937, True)
    assert (collection.begin_year, collection.end_year) == (700, 1937)


@pytest.mark.parametrize("name", ["saa-c1571-ead3.xml", "saa-c1571-ead3-undeprecated.xml"])
def test_ead3_unitdatestructured(name):
    reading = read(name)
    structured = elements(name, "unitdatestructured")
    ranges = [el for s in structured for el in s.iter() if local(el) in ("daterange", "datesingle")]
    assert ranges
    expected = []
    for el in ranges:
        from_ = [p.get("standarddate") for p in el if local(p) == "fromdate"]
        to = [p.get("standarddate") for p in el if local(p) == "todate"]
        expected.append((int(from_[0]), int(to[0])))
    spans = [(d.begin, d.end) for r in reading.everything for d in r.dates]
    assert len(spans) == len(ranges) + len(elements(name, "unitdate"))
    for pair in expected:
        assert pair in spans
    assert (reading.collection.begin_year, reading.collection.end_year) == (1907, 2005)
    davenport = next(r for r in reading.records if r.xml_id == "C1571_c2")
    (span,) = davenport.dates
    assert (span.text, span.begin, span.end, span.type) == ("1945-2005", 1945, 2005, "inclusive")


def test_unitdatestructured_forms():
    data = (
        b'<ead xmlns="http://ead3.archivists.org/schema/"><control><recordid>r</recordid>'
        b"</control><archdesc level='collection'><did><unitid>U</unitid><unittitle>T"
        b"</unittitle><unitdatestructured unitdatetype='bulk'><daterange>"
        b"<fromdate standarddate='1950'>1950</fromdate></daterange></unitdatestructured>"
        b"<unitdatestructured><datesingle standarddate='1972-05-05'>May 5, 1972"
        b"</datesingle></unitdatestructured><unitdate unitdatetype='inclusive'>1940-1990"
        b"</unitdate></did></archdesc></ead>"
    )
    reader = EADReader(io.BytesIO(data), "snippet.xml", "3")
    list(reader)
    bulk, single, inclusive = reader.collection.dates
    assert (bulk.begin, bulk.end, bulk.open_end, bulk.type) == (1950, None, True, "bulk")
    assert (single.text, single.begin, single.end) == ("May 5, 1972", 1972, 1972)
    assert (inclusive.begin, inclusive.end, inclusive.type) == (1940, 1990, "inclusive")
    # bulk dates do not widen the collection's range
    assert (reader.collection.begin_year, reader.collection.end_year) == (1940, 1990)


def test_ead3_unitdatetype_is_read():
    name = "saa-umn-yusa0008-ead3.xml"
    reading = read(name)
    by_element = dict(zip(components(name), reading.records, strict=True))
    bulk = [el for el in elements(name, "unitdate") if el.get("unitdatetype") == "bulk"]
    assert bulk
    for el in bulk:
        owner = next((by_element[a] for a in el.iterancestors() if a in by_element), None)
        record = owner or reading.collection
        text = collapse("".join(el.itertext())).rstrip(" ,;:")
        assert [d.type for d in record.dates if d.text == text] == ["bulk"]
    inclusive = [d for r in reading.everything for d in r.dates if d.type == "inclusive"]
    assert len(inclusive) == len(
        [el for el in elements(name, "unitdate") if el.get("unitdatetype") == "inclusive"]
    )


@pytest.mark.parametrize("name", EAD_NAMES)
def test_every_span_is_coherent(name):
    for record in read(name).everything:
        for span in record.dates:
            if span.undated:
                assert span.begin is None and span.end is None
            if span.begin is not None and span.end is not None:
                assert span.begin <= span.end
            if span.open_end:
                assert span.end is None and span.begin is not None
            if span.normal and not span.undated:
                parsed = parse_normal(span.normal)
                if parsed is not None:
                    assert (span.begin, span.end, span.open_end) == parsed
        years = [d.begin for d in record.dates if d.begin is not None]
        if record.begin_year is not None:
            assert record.begin_year in years


def test_voorhis_every_normal_is_used():
    name = "aspace-voorhis-doctype.xml"
    dated = elements(name, "unitdate")
    assert len(dated) == 572 and all(el.get("normal") for el in dated)
    spans = [d for r in read(name).everything for d in r.dates]
    assert len(spans) == 572
    assert all(d.begin is not None or d.undated for d in spans)


@pytest.mark.parametrize("text", ["1990-", "1990 - present", "1990–"])
def test_a_range_that_runs_on_is_open(text):
    span = normalize(text)
    assert (span.begin, span.end, span.open_end) == (1990, None, True)

"""Properties over random input: the readers raise FormatError and nothing else; a
finding aid written by fonds reads back the same; any query string searches.

Each reader is given arbitrary bytes, and valid files with random edits (the seeds
of tests/hostile/corpus.py), which reach far deeper into a reader than noise does.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fonds.formats.bibtex import read_bibtex
from fonds.formats.csl import read_csl_json
from fonds.formats.detect import decode_text, detect
from fonds.formats.eaccpf import read_eac
from fonds.formats.ead import EADReader
from fonds.formats.ead_write import write_ead
from fonds.formats.errors import FormatError
from fonds.formats.ris import read_ris
from fonds.formats.roster import read_roster_csv, read_roster_yaml
from fonds.formats.timeline import read_events_csv, read_events_yaml
from fonds.formats.timelinejs import read_timelinejs
from fonds.search.query import parse
from tests.hostile import corpus

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
SEEDS = {
    "ead2002": corpus.ead(abstract="A <emph>short</emph> abstract").encode(),
    "ead3": corpus.ead(abstract="Abstract", v3=True).encode(),
    "eac-cpf": corpus.eac(abstract="History").encode(),
    "timelinejs": corpus.TIMELINEJS.encode(),
    "csl-json": corpus.CSL.encode(),
    "bibtex": corpus.BIBTEX.encode(),
    "ris": corpus.RIS.encode(),
    "roster-yaml": corpus.ROSTER_YAML.encode(),
    "roster-csv": corpus.ROSTER_CSV.encode(),
    "events-yaml": corpus.EVENTS_YAML.encode(),
    "events-csv": corpus.EVENTS_CSV.encode(),
}
# Bytes that matter to one format or another, inserted by the mutations.
TOKENS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b'"',
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"\n",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"@",
    b"#",
    b"%",
    b"\\",
    b"- ",
    b"*a",
    b"&a ",
    b"!!",
    b"TY  - ",
    b"ER  - ",
    b"<c>",
    b"</c>",
    b"<![CDATA[",
    b"<!--",
    b"<!DOCTYPE ead>",
    b'<!ENTITY e "x">',
    b"<?xml ?>",
    b"\xef\xbb\xbf",
    b"9" * 30,
    b"-1",
    b"1e999",
    b"null",
    b"true",
    b'"year": ',
    b'"date-parts": [[',
]


@st.composite
def mutated(draw: Any, seed: bytes) -> bytes:
    """``seed`` with a few random edits: insert a token or a byte, delete, cut."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["token", "byte", "delete", "cut", "repeat"]))
        if action == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif action == "byte":
            data[at:at] = bytes([draw(st.integers(0, 255))])
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "cut":
            del data[at:]
        else:
            end = min(len(data), at + draw(st.integers(1, 40)))
            data[at:at] = data[at:end] * draw(st.integers(2, 50))
    return bytes(data)


def inputs(kind: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=2000), mutated(SEEDS[kind]))


def read_ead(data: bytes, version: str) -> int:
    return sum(1 for _ in EADReader(io.BytesIO(data), "fuzz.xml", version))


TEXT_READERS = {
    "timelinejs": lambda text: read_timelinejs(text, "fuzz.json"),
    "csl-json": lambda text: read_csl_json(text, "fuzz.json"),
    "bibtex": lambda text: read_bibtex(text, "fuzz.bib"),
    "ris": lambda text: read_ris(text, "fuzz.ris"),
    "roster-yaml": lambda text: read_roster_yaml(text, "fuzz.yaml"),
    "roster-csv": lambda text: read_roster_csv(text, "fuzz.csv"),
    "events-yaml": lambda text: read_events_yaml(text, "fuzz.yaml"),
    "events-csv": lambda text: read_events_csv(text, "fuzz.csv"),
}


def read_as(kind: str, data: bytes) -> object:
    """Read ``data`` the way ``fonds load`` reads a file of that format."""
    if kind in ("ead2002", "ead3"):
        return read_ead(data, "3" if kind == "ead3" else "2002")
    if kind == "eac-cpf":
        return read_eac(data, "fuzz.xml")
    return TEXT_READERS[kind](decode_text(data, f"fuzz.{kind}"))


def only_format_errors(call: Any, *args: Any) -> None:
    try:
        call(*args)
    except FormatError as error:
        report = error.line_report()
        assert "\n" not in report, report
        assert ": error: " in report


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_a_reader_raises_only_format_errors(kind):
    @FAST
    @given(data=inputs(kind))
    def check(data: bytes) -> None:
        only_format_errors(read_as, kind, data)

    check()


@pytest.mark.parametrize("kind", sorted(TEXT_READERS))
def test_a_text_reader_takes_any_string(kind):
    """Strings as well as bytes: surrogates, NUL, RTL marks and combining marks."""

    @FAST
    @given(text=st.text(max_size=500) | mutated(SEEDS[kind]).map(lambda b: b.decode("latin-1")))
    def check(text: str) -> None:
        only_format_errors(TEXT_READERS[kind], text)

    check()


def test_telling_the_format_raises_only_format_errors():
    folder = Path(tempfile.mkdtemp(prefix="fonds-detect-"))
    seeds = st.sampled_from(sorted(SEEDS)).flatmap(lambda kind: mutated(SEEDS[kind]))

    @FAST
    @given(data=st.binary(max_size=500) | seeds)
    def check(data: bytes) -> None:
        path = folder / "input"
        path.write_bytes(data)
        only_format_errors(detect, path)

    check()


# -- round trip: what fonds writes, it reads back ------------------------------------------

WORDS = st.text(
    alphabet=st.sampled_from(list("abcxyz ABC 019 &<>\"'-.,;Щаранский שרנסקי éü ")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())


@st.composite
def components(draw: Any, depth: int = 0) -> str:
    """A random ``<c>`` with a title, a date, a container and maybe children."""
    from xml.sax.saxutils import escape

    title = escape(draw(WORDS))
    year = draw(st.integers(1900, 2020))
    span = draw(st.integers(0, 30))
    level = draw(st.sampled_from(["series", "subseries", "file", "item", "otherlevel"]))
    other = ' otherlevel="clipping"' if level == "otherlevel" else ""
    box = draw(st.integers(1, 500))
    children = ""
    if depth < 3:
        children = "".join(draw(st.lists(components(depth + 1), max_size=3)))
    return (
        f'<c level="{level}"{other}><did><unittitle>{title}</unittitle>'
        f'<unitdate normal="{year}/{year + span}">{year}-{year + span}</unitdate>'
        f'<container type="box">{box}</container></did>{children}</c>'
    )


def described(data: bytes, version: str) -> list[tuple[Any, ...]]:
    reader = EADReader(io.BytesIO(data), "round-trip.xml", version)
    rows = [
        (c.path, c.level, c.title, c.begin_year, c.end_year, [x.as_dict() for x in c.containers])
        for c in reader
    ]
    record = reader.collection
    return [(record.identifier, record.title, record.component_count), *sorted(rows)]


@pytest.mark.parametrize("version", ["2002", "3"])
def test_a_written_finding_aid_reads_back_the_same(version):
    @settings(max_examples=60, deadline=None)
    @given(title=WORDS, tree=st.lists(components(), min_size=1, max_size=4))
    def check(title: str, tree: list[str]) -> None:
        from xml.sax.saxutils import escape

        source = corpus.ead(ident="ROUND-1", title=escape(title), v3=version == "3")
        source = source.replace(
            source[source.index('<c level="file">') : source.index("</dsc>")], "".join(tree)
        )
        reader = EADReader(io.BytesIO(source.encode()), "source.xml", version)
        records = sorted(reader, key=lambda c: c.sequence)  # read at end tags: re-order
        assume(records)
        written = write_ead(reader.collection, records, version)
        assert described(written, version) == described(source.encode(), version)

    check()


# -- the query parser and the real search engine -----------------------------------------

QUERY_ALPHABET = st.sampled_from(
    [
        *'AND OR NOT()"":*~^[]{}\\/!+-&|<>=@#%$?., \t\n\x00',
        *["\u200f", "\u202e", "\u0301", "\u05b8", "Щ", "ש", "é", "\ufeff", "𝔸", "\ud800"],
        *["Sharansky", "Щаранский", "1970", "TO", "title:", "field:value"],
    ]
)
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(QUERY_ALPHABET, max_size=60).map("".join),
    st.text(min_size=1, max_size=3).map(lambda s: s * 5000),  # huge strings
)


def test_any_string_parses():
    @settings(max_examples=300, deadline=None)
    @given(text=QUERIES)
    def check(text: str) -> None:
        query = parse(text)
        assert len(query.terms) <= 32 and len(query.excluded) <= 32

    check()


@pytest.mark.django_db(transaction=True)
def test_any_string_searches_the_embedded_index():
    from fonds.loader import load_file
    from fonds.search.service import SearchRequest, search, sync

    demo = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "findingaids"
    assert not load_file(demo / "DEMO-001.xml").error
    sync()
    assert search(SearchRequest(text="Cleveland")).total > 0

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(text=QUERIES, sort=st.sampled_from(["relevance", "date", "-date", "title", "x"]))
    def check(text: str, sort: str) -> None:
        results = search(SearchRequest(text=text, sort=sort, limit=5))
        assert results.total >= 0
        assert len(results.hits) <= 5

    check()

"""Bibliography formats: CSL-JSON (fonds.formats.csl), BibTeX/BibLaTeX
(fonds.formats.bibtex) and RIS (fonds.formats.ris).

The BibTeX reader is held to citation-js's own mapping test: the corpus pair
citationjs-biblatex-input.bib / citationjs-biblatex-csl.json, entry by entry and field
by field. Hostile input fails with a FormatError naming file, line and column.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.formats import csl
from fonds.formats.bibtex import read_bibtex, write_bibtex
from fonds.formats.csl import (
    display_authors,
    issued_year,
    read_csl_json,
    sort_key,
    write_csl_json,
)
from fonds.formats.errors import FormatError
from fonds.formats.ris import read_ris, write_ris
from tests.conftest import corpus_file

FIXTURES = Path(__file__).parent / "fixtures_bib"
BIB = "citationjs-biblatex-input.bib"
CSL = "citationjs-biblatex-csl.json"
CORE = (
    "type title author editor issued container-title publisher publisher-place page volume"
    " issue DOI URL ISBN".split()
)
# Where we map differently from citation-js, on purpose (entry id, CSL field): why.
DELIBERATE = {
    ("renner:single", "title"): "titleaddon kept after the title, as BibLaTeX prints it;"
    " citation-js drops it (here the painter's dates 1882-1967)",
    ("renner:chapter", "container-title"): "booktitleaddon kept, as for titleaddon",
    ("sarbanes:act", "title"): 'titleaddon kept: "Sarbanes-Oxley Act of 2002" is the'
    " act's name (joined with a space as the addon starts in lower case)",
    ("swat4hcls:paper", "issue"): "a proceedings paper's number is its volume's number in"
    " the series (BibLaTeX manual 2.2.2): collection-number, not issue",
    ("swat4hcls:paper", "collection-number"): "see issue: CEUR Workshop Proceedings 2275",
    ("terano:thesis", "number"): "citation-js drops a thesis's number; kept (library id)",
    ("doerr:report", "author"): '"May, Keith," has a stray trailing comma: BibTeX makes'
    ' "Keith" a suffix (Jr. part); we read the given name the author meant',
    ("doerr:report", "genre"): 'BibLaTeX type keys spelled out: "Technical report", since'
    ' citeproc prints the genre ("Techreport" otherwise)',
    ("tesla:patent", "genre"): '"patentus" spelled out: "U.S. patent"',
    ("spruijt_characterizing_2022", "genre"): '"mathesis" spelled out: "Master\'s thesis"',
    ("willighagen2008", "genre"): '"phdthesis" spelled out: "PhD thesis"',
    ("Willighagen2019CitationjsAF", "custom"): "citation-js's non-CSL custom.S2ID (a"
    " Semantic Scholar id) is not kept",
}


def bib_items() -> list[dict]:
    path = corpus_file(BIB)
    return read_bibtex(path.read_bytes(), str(path))


def expected_items() -> dict[str, dict]:
    return {item["id"]: item for item in json.loads(corpus_file(CSL).read_text("utf-8"))}


def raises(reader, text, name="input"):
    with pytest.raises(FormatError) as caught:
        reader(text, name)
    assert caught.value.path == name
    return caught.value


# -- CSL-JSON ----------------------------------------------------------------------------


def test_reads_the_corpus_csl_json():
    path = corpus_file(CSL)
    items = read_csl_json(path.read_bytes(), str(path))
    assert len(items) == 28
    assert len({item["id"] for item in items}) == 28
    assert {item["type"] for item in items} >= {"book", "chapter", "article-journal", "thesis"}
    assert items[2]["author"] == [{"given": "Rolf Günter", "family": "Renner"}]
    for item in items:
        text = json.dumps(item, ensure_ascii=False)
        assert unicodedata.is_normalized("NFC", text)


def test_csl_json_text_comes_back_nfc_and_ids_as_strings():
    decomposed = "Ko\u0308ln"
    data = json.dumps({"id": 7, "type": "book", "publisher-place": decomposed})
    [item] = read_csl_json(data, "one.json")  # a single item is a list of one
    assert item["id"] == "7"
    assert item["publisher-place"] == "Köln" and len(item["publisher-place"]) == 4


def test_write_csl_json_leaves_our_links_out_and_reads_back():
    items = [
        {
            "id": "beckerman-2010",
            "type": "book",
            "title": "When They Come for Us, We'll Be Gone",
            "author": [{"family": "Beckerman", "given": "Gal"}],
            "issued": {"date-parts": [[2010]]},
            "publisher-place": "Boston",
            "fonds": {"agents": ["sssj", "ncsj"], "events": ["1987-freedom-sunday"]},
        }
    ]
    text = write_csl_json(items)
    assert "fonds" not in json.loads(text)[0]
    assert "sssj" not in text
    [back] = read_csl_json(text, "out.json")
    assert back == {k: v for k, v in items[0].items() if k != "fonds"}


def test_bad_json_names_line_and_column():
    text = '[\n  {"id": "a", "type": "book"},\n  {"id": "b", "type": "book",}\n]\n'
    error = raises(read_csl_json, text, "bad.json")
    assert (error.line, error.column) == (3, 30)  # the "}" after the trailing comma
    assert str(error).startswith("bad.json:3:30: not valid JSON: ")


@pytest.mark.parametrize(
    ("item", "cause"),
    [
        ('{"id": "b"}', 'missing "type"'),
        ('{"type": "book"}', 'missing "id"'),
        ('{"id": "b", "type": "boek"}', "unknown CSL type 'boek'"),
        ('"a string"', "an item must be an object, not a string"),
        ('{"id": "a", "type": "book"}', "the id 'a' is already used by item 0"),
        ('{"id": "b", "type": "book", "author": "Gal Beckerman"}', '"author" must be a list'),
        ('{"id": "b", "type": "book", "author": [{"family": 3}]}', '"family" must be a string'),
        ('{"id": "b", "type": "book", "issued": "2010"}', '"issued" must be a date object'),
        ('{"id": "b", "type": "book", "issued": {"date-parts": [["x"]]}}', "must be numbers"),
    ],
)
def test_a_bad_item_is_named_by_index_line_and_column(item, cause):
    text = '[\n  {"id": "a", "type": "book"},\n    ' + item + "\n]"
    error = raises(read_csl_json, text, "items.json")
    assert error.cause.startswith("item 1")
    assert cause in error.cause
    assert (error.line, error.column) == (3, 5)


def test_date_parts_given_as_strings_become_numbers():
    [item] = read_csl_json(
        '[{"id": "a", "type": "book", "issued": {"date-parts": [["2010", "3"]]}}]', "x"
    )
    assert item["issued"] == {"date-parts": [[2010, 3]]}


@pytest.mark.parametrize(
    ("data", "cause", "where"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply", (1, 1)),
        # found by bench/fuzz.py --mode structure: JSON deep enough to parse, too deep
        # to walk (it was a RecursionError)
        (
            '[{"id": "a", "type": "book", "note": ' + "[" * 900 + "]" * 900 + "}]",
            "item 0 ('a'): values nest more than 32 levels deep",
            (1, 2),
        ),
        ('{"id": "a"', "not valid JSON", (1, 11)),
        ("", "not valid JSON", (1, 1)),
        ("42", "must be a list of items", (1, 1)),
        (b'[{"id": "a", "type": "book", "title": "\xff"}]', "not UTF-8", (1, 40)),
    ],
)
def test_hostile_json(data, cause, where):
    error = raises(read_csl_json, data, "hostile.json")
    assert cause in error.cause
    assert (error.line, error.column) == where


def test_a_file_past_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(csl, "MAX_INPUT_BYTES", 1000)
    for reader in (read_csl_json, read_bibtex, read_ris):
        error = raises(reader, b" " * 1001, "huge")
        assert "file too large: 1,001 bytes" in error.cause


def test_display_authors():
    def item(**fields):
        return {"id": "x", "type": "book", **fields}

    gal = {"family": "Beckerman", "given": "Gal"}
    natan = {"family": "Sharansky", "given": "Natan"}
    ruud = {"family": "Rosmalen", "given": "Ruud", "non-dropping-particle": "van"}
    lev = {"family": "Толстой", "given": "Лев"}
    assert display_authors(item(author=[gal])) == "Gal Beckerman"
    assert display_authors(item(author=[gal, natan])) == "Gal Beckerman and Natan Sharansky"
    assert display_authors(item(author=[gal, natan, ruud])) == (
        "Gal Beckerman, Natan Sharansky, and Ruud van Rosmalen"
    )
    assert display_authors(item(author=[gal, natan, ruud, lev])) == "Gal Beckerman et al."
    assert display_authors(item(author=[lev, {"literal": "others"}])) == "Лев Толстой et al."
    assert display_authors(item(editor=[natan])) == "Natan Sharansky (ed.)"
    assert display_authors(item(editor=[gal, natan])) == "Gal Beckerman and Natan Sharansky (eds.)"
    assert display_authors(item(author=[{"literal": "Edusupport Biosciences"}])) == (
        "Edusupport Biosciences"
    )
    assert display_authors(item()) == ""


def test_issued_year():
    assert issued_year({"issued": {"date-parts": [[2010, 3]]}}) == 2010
    assert issued_year({"issued": {"date-parts": [[1990], [1992]]}}) == 1990
    assert issued_year({"issued": {"literal": "Spring 1987"}}) == 1987
    assert issued_year({"issued": {"raw": "ca. 1903"}}) == 1903
    assert issued_year({"issued": {"literal": "undated"}}) is None
    assert issued_year({"title": "no date"}) is None


def test_sort_key_orders_by_author_then_year_ignoring_case_and_accents():
    items = [
        {
            "id": "b",
            "title": "B",
            "author": [{"family": "Beckerman"}],
            "issued": {"date-parts": [[2010]]},
        },
        {
            "id": "z",
            "title": "Z",
            "author": [{"family": "bátori"}],
            "issued": {"date-parts": [[2020]]},
        },
        {
            "id": "a2",
            "title": "A",
            "author": [{"family": "Beckerman"}],
            "issued": {"date-parts": [[1999]]},
        },
        {"id": "n", "title": "Undated", "author": [{"family": "Beckerman"}]},
        {"id": "t", "title": "Anonymous Work"},
    ]
    assert [i["id"] for i in sorted(items, key=sort_key)] == ["t", "z", "a2", "b", "n"]


# -- BibTeX against citation-js -------------------------------------------------------------


ENTRY_IDS = (
    "tolkien:single tolkien:all renner:single renner:chapter francis:chapter francis:book"
    " francis:omnibus gabaldon:book gabaldon:set winklerprins:entry winklerprins:entire"
    " gowers:book sarbanes:act willighagen:blog swat4hcls:paper swat4hcls:proceedings"
    " radboud:manual yakovlev:thesis terano:thesis tesla:patent doerr:report"
    " hutchinson:article loir:B6 cdli:Born2019 Willighagen2019CitationjsAF"
    " spruijt_characterizing_2022 willighagen2008 batori_river_2020"
).split()


def test_reads_all_28_entries_in_order():
    assert [item["id"] for item in bib_items()] == list(expected_items()) == ENTRY_IDS


@pytest.mark.parametrize("ident", ENTRY_IDS)
def test_core_fields_match_citation_js(ident):
    ours = {item["id"]: item for item in bib_items()}[ident]
    theirs = expected_items()[ident]
    for field in CORE:
        if (ident, field) in DELIBERATE:
            assert ours.get(field) != theirs.get(field), f"{field}: no longer differs"
        else:
            assert ours.get(field) == theirs.get(field), field


def test_field_by_field_agreement_with_citation_js(capsys):
    ours = {item["id"]: item for item in bib_items()}
    theirs = expected_items()
    compared, equal = Counter(), Counter()
    differences = set()
    for ident, expected in theirs.items():
        mine = ours[ident]
        for field in set(mine) | set(expected):
            compared[field] += 1
            if mine.get(field) == expected.get(field):
                equal[field] += 1
            else:
                differences.add((ident, field))
    rows = [
        f"{field:<26}{equal[field]:>4}/{compared[field]:<4}"
        f"{100 * equal[field] / compared[field]:6.1f}%" + ("  core" if field in CORE else "")
        for field in sorted(compared, key=lambda f: (f not in CORE, f))
    ]
    total, agreed = sum(compared.values()), sum(equal.values())
    core_total = sum(compared[f] for f in CORE)
    core_agreed = sum(equal[f] for f in CORE)
    with capsys.disabled():
        print("\nBibLaTeX -> CSL-JSON, fonds against citation-js (entries with the field):")
        print("\n".join(rows))
        print(
            f"all fields {agreed}/{total} = {100 * agreed / total:.1f}%;"
            f" core fields {core_agreed}/{core_total} = {100 * core_agreed / core_total:.1f}%"
        )
    assert differences == set(DELIBERATE), "every difference is listed in DELIBERATE"
    assert agreed / total > 0.95
    assert core_agreed / core_total > 0.95


# -- BibTeX in detail ---------------------------------------------------------------------


def test_latex_becomes_unicode_nfc():
    text = r"""@book{k,
  author = {G{\"u}nter Grass and {\v{S}}koda, Emil and Ren{\'{e}} Char},
  title = {Stra{\ss}e~und {\O}re --- 1950--1960, \textit{Opus}, 100\% \& 3\textsuperscript{rd}},
  publisher = {Edi\c{c}{\~o}es Pol{\'\i}ticas},
}"""
    [item] = read_bibtex(text, "accents.bib")
    assert item["author"] == [
        {"family": "Grass", "given": "Günter"},
        {"family": "Škoda", "given": "Emil"},
        {"family": "Char", "given": "René"},
    ]
    assert item["title"] == "Straße\xa0und Øre — 1950–1960, <i>Opus</i>, 100% & 3<sup>rd</sup>"
    assert item["publisher"] == "Edições Políticas"
    for value in (item["title"], item["publisher"], item["author"][1]["family"]):
        assert unicodedata.is_normalized("NFC", value)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("Beckerman, Gal", [{"family": "Beckerman", "given": "Gal"}]),
        ("Gal Beckerman", [{"family": "Beckerman", "given": "Gal"}]),
        (
            "Ruud van Rosmalen",
            [{"family": "Rosmalen", "given": "Ruud", "non-dropping-particle": "van"}],
        ),
        (
            "de la Fontaine, Jean",
            [{"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"}],
        ),
        (
            "King, Jr., Martin Luther",
            [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}],
        ),
        ("{Edusupport Biosciences}", [{"family": "Edusupport Biosciences"}]),
        ("{Barnes and Noble}", [{"family": "Barnes and Noble"}]),
        ("Толстой, Лев Николаевич", [{"family": "Толстой", "given": "Лев Николаевич"}]),
        ("שרנסקי, נתן", [{"family": "שרנסקי", "given": "נתן"}]),
        (
            "Sharansky, Natan and Beckerman, Gal and others",
            [
                {"family": "Sharansky", "given": "Natan"},
                {"family": "Beckerman", "given": "Gal"},
                {"literal": "others"},
            ],
        ),
        (
            "family=Rosmalen, given=Ruud, prefix=van",
            [{"family": "Rosmalen", "given": "Ruud", "non-dropping-particle": "van"}],
        ),
    ],
)
def test_names(names, expected):
    [item] = read_bibtex("@book{k, author = {" + names + "}}", "names.bib")
    assert item["author"] == expected


@pytest.mark.parametrize(
    ("fields", "issued"),
    [
        ("year = 1987", {"date-parts": [[1987]]}),
        ("year = 1987, month = dec", {"date-parts": [[1987, 12]]}),
        ("year = 1987, month = {December}", {"date-parts": [[1987, 12]]}),
        ("year = 1987, month = {6 Dec}", {"date-parts": [[1987, 12, 6]]}),
        ("year = 1987, month = 12, day = 6", {"date-parts": [[1987, 12, 6]]}),
        ("year = 1987, month = {unknown}", {"date-parts": [[1987]]}),
        ("year = {forthcoming}", {"literal": "forthcoming"}),
        ("date = {1987-12-06}", {"date-parts": [[1987, 12, 6]]}),
        ("date = {1971/1991}", {"date-parts": [[1971], [1991]]}),
        ("date = {1987~}", {"date-parts": [[1987]], "circa": True}),
        ("date = {1987/..}", {"date-parts": [[1987]]}),
        ("date = {Winter 1987}", {"literal": "Winter 1987"}),
        ("date = {1987-13}", {"literal": "1987-13"}),
    ],
)
def test_dates(fields, issued):
    [item] = read_bibtex("@book{k, " + fields + "}", "dates.bib")
    assert item["issued"] == issued


def test_biblatex_dates_and_fields():
    text = """@online{k,
  title = {Soviet Jewry},
  titleaddon = {An Exhibition},
  date = {2016-08-18},
  urldate = {2021-01-23},
  origdate = {1987},
  url = {https://example.org/a_b%20c},
  doi = {10.1000/x\\_y},
  isbn = {978-0-618-57654-8},
}"""
    [item] = read_bibtex(text, "online.bib")
    assert item["type"] == "webpage"
    assert item["title"] == "Soviet Jewry. An Exhibition"
    assert item["accessed"] == {"date-parts": [[2021, 1, 23]]}
    assert item["original-date"] == {"date-parts": [[1987]]}
    assert item["URL"] == "https://example.org/a_b%20c"  # verbatim: no LaTeX, no comment
    assert item["DOI"] == "10.1000/x_y"
    assert item["ISBN"] == "978-0-618-57654-8"


def test_classic_bibtex_fields():
    text = """@string{hmh = "Houghton Mifflin " # "Harcourt"}
@phdthesis{t, author = {Levin, Miriam}, title = {Refuseniks}, school = {New York University},
  address = {New York}, year = 2012}
@article{a, author = {Gitelman, Zvi}, title = {Emigrants}, journal = {Soviet Jewish Affairs},
  volume = 7, number = 1, pages = {31--46}, year = 1977, month = mar}
@incollection{c, author = {Orbach, William W.}, title = {The Student Struggle},
  booktitle = {A Second Exodus}, editor = {Friedman, Murray and Chernin, Albert D.},
  publisher = hmh, pages = {104--118}, year = 1999}
"""
    thesis, article, chapter = read_bibtex(text, "classic.bib")
    assert thesis["type"] == "thesis" and thesis["genre"] == "PhD thesis"
    assert (thesis["publisher"], thesis["publisher-place"]) == ("New York University", "New York")
    assert article["type"] == "article-journal"
    assert (article["container-title"], article["volume"], article["issue"], article["page"]) == (
        "Soviet Jewish Affairs",
        "7",
        "1",
        "31-46",
    )
    assert article["issued"] == {"date-parts": [[1977, 3]]}
    assert chapter["type"] == "chapter"
    assert chapter["container-title"] == "A Second Exodus"
    assert chapter["publisher"] == "Houghton Mifflin Harcourt"
    assert [e["family"] for e in chapter["editor"]] == ["Friedman", "Chernin"]


def test_crossref_gives_the_container_title():
    text = """@inbook{chap, author = {Orbach, William W.}, title = {The Student Struggle},
  crossref = {book}, pages = {104--118}}
@book{book, editor = {Friedman, Murray}, title = {A Second Exodus}, publisher = {Brandeis},
  date = 1999}
"""
    chapter, book = read_bibtex(text, "crossref.bib")
    assert chapter["container-title"] == "A Second Exodus"
    assert chapter["title"] == "The Student Struggle"
    assert chapter["publisher"] == "Brandeis"
    assert chapter["issued"] == {"date-parts": [[1999]]}
    assert chapter["editor"] == book["editor"]


def test_write_bibtex_reads_back_the_corpus_core_fields():
    items = bib_items()
    text = write_bibtex(items)
    back = read_bibtex(text, "written.bib")
    assert [item["id"] for item in back] == [item["id"] for item in items]
    for before, after in zip(items, back, strict=True):
        for field in CORE:
            assert after.get(field) == before.get(field), (before["id"], field)
        assert after == before  # and everything else read from the corpus


def test_write_bibtex_escapes_what_latex_would_eat():
    item = {
        "id": "odd key, {x}",
        "type": "article-magazine",
        "title": "50% of $5 & #1_a ~b^c \\ {brace} -- ``q'' <i>Italic</i> Ш",
        "author": [
            {"family": "Barnes and Noble", "given": "Inc"},
            {"literal": "Committee on Soviet Jewry, Inc."},
            {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        ],
        "container-title": "Moment",
        "issued": {"date-parts": [[1987, 12, 6]]},
        "URL": "https://example.org/?a=1&b=%7B",
    }
    text = write_bibtex([item])
    assert text.startswith("@article{odd_key_x_,")
    [back] = read_bibtex(text, "escaped.bib")
    # A one-part name is written in braces, and BibTeX braces read as a family name (as
    # citation-js reads them): the literal comes back as a family.
    item["author"][1] = {"family": item["author"][1]["literal"]}
    assert {k: v for k, v in back.items() if k not in ("id", "citation-key")} == {
        k: v for k, v in item.items() if k != "id"
    }


# -- RIS ----------------------------------------------------------------------------------


def ris_items() -> list[dict]:
    path = FIXTURES / "soviet-jewry.ris"
    return read_ris(path.read_bytes(), str(path))


def test_reads_the_ris_fixture():
    items = {item["id"]: item for item in ris_items()}
    assert list(items) == [
        "beckerman-2010",
        "sharansky-1988",
        "толстой-1869",
        "gitelman-1977",
        "рои-2000",
        "orbach-1999",
        "כהן-2005",
        "levin-2012",
    ]
    assert [item["type"] for item in items.values()] == [
        "book",
        "book",
        "book",
        "article-journal",
        "article-journal",
        "chapter",
        "thesis",
        "thesis",
    ]
    assert items["sharansky-1988"]["translator"] == [{"family": "Hoffman", "given": "Stefani"}]
    tolstoy = items["толстой-1869"]
    assert tolstoy["author"] == [{"family": "Толстой", "given": "Лев Николаевич"}]
    assert (tolstoy["title"], tolstoy["publisher-place"]) == ("Война и мир", "Москва")
    assert tolstoy["collection-title"] == "Собрание сочинений"  # T2 of a book: its series
    article = items["gitelman-1977"]
    assert article["author"][1] == {
        "family": "Berg",
        "given": "Anna",
        "non-dropping-particle": "van der",
    }
    assert (article["container-title"], article["volume"], article["issue"], article["page"]) == (
        "Soviet Jewish Affairs",
        "7",
        "1",
        "31-46",
    )
    assert article["issued"] == {"date-parts": [[1977, 3, 15]]}  # DA beats PY
    assert (article["ISSN"], article["keyword"]) == ("0038-545X", "emigration, Soviet Union")
    assert items["beckerman-2010"]["ISBN"] == "9780618576548"
    chapter = items["orbach-1999"]
    assert [e["family"] for e in chapter["editor"]] == ["Friedman", "Chernin"]
    assert chapter["container-title"].startswith("A Second Exodus")
    assert chapter["note"] == "First note.\nSecond note."
    hebrew = items["כהן-2005"]
    assert hebrew["author"] == [{"family": "כהן", "given": "דוד"}]
    assert hebrew["title"] == "המאבק למען יהדות ברית המועצות, 1963–1991"
    assert (hebrew["genre"], hebrew["publisher"]) == ("PhD thesis", "האוניברסיטה העברית בירושלים")


def test_ris_round_trip():
    items = ris_items()
    text = write_ris(items)
    assert text.count("TY  - ") == text.count("ER  - ") == len(items)
    assert read_ris(text, "written.ris") == items


def test_write_ris_reads_back_the_bibtex_corpus_core_fields():
    items = bib_items()
    back = read_ris(write_ris(items), "written.ris")
    for before, after in zip(items, back, strict=True):
        assert after["id"] == before["id"]
        for field in (
            "title",
            "author",
            "editor",
            "publisher",
            "publisher-place",
            "page",
            "volume",
            "DOI",
            "URL",
            "ISBN",
        ):
            expected = before.get(field)
            if field == "title" and expected:
                expected = csl.plain_text(expected)  # RIS has no markup
            assert after.get(field) == expected, (before["id"], field)
        assert issued_year(after) == issued_year(before)


def test_ris_with_bom_and_crlf():
    text = "\ufeffTY  - BOOK\r\nAU  - Beckerman, Gal\r\nTI  - When They Come\r\n"
    text += "PY  - 2010\r\nER  -\r\n"
    [item] = read_ris(text.encode("utf-8"), "windows.ris")
    assert item == {
        "id": "beckerman-2010",
        "type": "book",
        "author": [{"family": "Beckerman", "given": "Gal"}],
        "title": "When They Come",
        "issued": {"date-parts": [[2010]]},
    }


@pytest.mark.parametrize(
    ("text", "where", "cause"),
    [
        (
            "TY  - BOOK\nTI  - One\nER  - \n\nTY  - BOOK\nTI  - Two\n",
            (5, 1),
            "before the file ends (line 6)",
        ),
        (
            "TY  - BOOK\nTI  - One\n\nTY  - BOOK\nTI  - Two\nER  - \n",
            (1, 1),
            "before the next one (line 4)",
        ),
        ("AU  - Beckerman, Gal\nTY  - BOOK\nER  - \n", (1, 1), "a AU line outside a record"),
        ("TY  - \nER  - \n", (1, 6), "a record without a type"),
        ("TY  - BOOK\nID  - a\nER  - \nTY  - BOOK\nID  - a\nER  - \n", (4, 1), "already used"),
        (b"TY  - BOOK\nTI  - \xd0\nER  - \n", (2, 7), "not UTF-8"),
    ],
)
def test_hostile_ris(text, where, cause):
    error = raises(read_ris, text, "bad.ris")
    assert (error.line, error.column) == where
    assert cause in error.cause


# -- hostile BibTeX -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "cause"),
    [
        (
            "@book{a,\n  title = {Unbalanced,\n  year = 2000\n}\n",
            (1, 1),
            "@book entry 'a' is never closed: unbalanced braces",
        ),
        (
            "@book{a,\n  title = {Unbalanced,\n  year = 2000}\n\n@book{b, title = {Fine}}\n",
            (1, 1),
            "@book entry 'a' is not closed before the next entry on line 5: unbalanced braces",
        ),
        (
            "@book{a,\n  title = {Closed too early}},\n  year = 2000}\n",
            (3, 14),
            "unbalanced '}' outside any entry",
        ),
        (
            "% a comment\n  @book{a, title = {x}}\n@book{a, title = {y}}\n",
            (3, 1),
            "duplicate entry key 'a' (first used on line 2)",
        ),
        ("@book{a,\n title = {x},\n  title = {y}}\n", (3, 3), "the field 'title' is given twice"),
        ("@book{a\n title = {x}}\n", (2, 8), "Expected comma after entry key"),
        ('@book{a, title = "unclosed}\n', (1, 1), "is never closed: unbalanced braces or quotes"),
        ("@book{, title = {x}}\n", (1, None), "entry without a key"),
        (
            "@book{a, title = {" + "{" * 5000 + "}" * 5000 + "}}",
            (1, None),
            "braces nested 5000 deep",
        ),
        (b"@book{a,\n title = {\xe9t\xe9}}", (2, 11), "not UTF-8"),
    ],
)
def test_hostile_bibtex(text, where, cause):
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    error = raises(read_bibtex, text, "bad.bib")
    assert (error.line, error.column) == where
    assert cause in error.cause
    assert str(error).startswith("bad.bib:" + str(where[0]))


def test_a_large_bibtex_file_reads_whole():
    source = corpus_file(BIB).read_text("utf-8")
    text = "\n".join(_renamed(source, n) for n in range(40))
    items = read_bibtex(text, "large.bib")
    assert len(items) == 40 * 28 and len({i["id"] for i in items}) == 40 * 28


def _renamed(source: str, n: int) -> str:
    for ident in ENTRY_IDS:
        source = source.replace("{" + ident + ",", "{" + ident + f"-{n},")
    return source


TOKENS = [*'@{}"=,#%\\\n abé~$[]', "book", "TY  - ", "ER  - ", " and ", "\\'", "--"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80).map("".join))
def test_no_input_crashes_a_reader(text):
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    for reader in (read_bibtex, read_ris, read_csl_json):
        try:
            items = reader(text, "fuzz")
        except FormatError as error:
            assert error.path == "fuzz"
        else:
            assert all(isinstance(item["id"], str) and item["type"] for item in items)


ODD_ITEMS = [
    {"id": "a", "type": "book", "title": 5, "author": "not a list", "issued": "1999"},
    {"id": "b", "type": "no-such-type", "issued": {"date-parts": [["x"]]}, "page": 7},
    {
        "id": "c",
        "type": "article-journal",
        "author": [{"literal": "others"}, "x"],
        "volume": {"x": 1},
    },
    {"type": "chapter", "editor": [{"given": "Only"}], "issued": {"date-parts": []}},
    {"id": "e", "type": "thesis", "issued": {"literal": "Spring 1987"}, "note": "a\nb"},
    {"id": "f", "type": "book", "issued": {"date-parts": [[1987, 13]]}},
    {"id": "g", "type": "book", "issued": {"date-parts": [[1987, 0]]}, "accessed": {"x": 1}},
]


@pytest.mark.parametrize("writer", [write_bibtex, write_ris, write_csl_json])
def test_writers_take_odd_items(writer):
    text = writer(ODD_ITEMS)
    assert isinstance(text, str) and text

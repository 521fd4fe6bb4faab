"""The word forms both backends index and query: folds and romanization keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.search.analysis import fold, highlight, key, words
from fonds.search.query import parse

SPELLINGS = [
    ["Щаранский", "Shcharansky", "Sharansky", "Scharansky", "Shcharanskiy", "Szaranski"],
    ["Найман", "Naiman", "Nayman"],
    ["Бродский", "Brodsky", "Brodskii", "Brodskij"],
    ["Анатолий", "Anatoly", "Anatoli", "Anatolij", "Anatoliy"],
    ["Владимир", "Vladimir", "Wladimir"],
    ["Чернобыль", "Chernobyl", "Tschernobyl"],
    ["Ефим", "Efim", "Yefim"],
    ["Михаил", "Mikhail"],
]


@pytest.mark.parametrize("group", SPELLINGS, ids=lambda g: g[1])
def test_spellings_of_a_name_share_one_key(group):
    assert len({key(word) for word in group}) == 1, {w: key(w) for w in group}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Židova", "Zidova"),
        (unicodedata.normalize("NFD", "Bélima"), "Belima"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("שָׁלוֹם", "שלום"),  # pointed and unpointed Hebrew
        ("ריצ׳רד", "ריצ'רד"),  # geresh, or the apostrophe typed for it
        ("צה״ל", "צהל"),  # gershayim
        ("ЁЛКА", "ёлка"),
    ],
)
def test_folding_meets_accents_case_and_points(a, b):
    assert [fold(w) for w in words(a)] == [fold(w) for w in words(b)]


def test_scripts_keep_their_own_words():
    assert fold("Щаранский") == "щаранскии"
    assert key("שרנסקי") == ""  # no useful romanization of unvoweled Hebrew
    assert words("נתן שרנסקי") == ["נתן", "שרנסקי"]


def test_nfd_words_are_not_split_by_combining_marks():
    assert words(unicodedata.normalize("NFD", "Rodríguez Bélima")) == ["Rodríguez", "Bélima"]


def test_highlight_marks_every_form_and_escapes():
    text = "<b>Letters</b> for Анатолий Щаранский / Anatoly Shcharansky"
    html = highlight(text, {"sharansky"}, {"sharansky"})
    assert "<mark>Щаранский</mark>" in html and "<mark>Shcharansky</mark>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html


@settings(deadline=None)  # a first call builds ICU's transliterators
@given(st.text(max_size=300))
def test_any_string_parses(text):
    query = parse(text)
    assert len(query.terms) <= 32
    for term in query.terms + query.excluded:
        assert term.fold


def test_query_syntax_is_plain_words():
    query = parse('Sharansky "let my people go" -Moscow AND (x OR y) field:value*')
    assert [t.fold for t in query.terms] == ["sharansky", "and", "x", "or", "y", "field", "value"]
    assert query.phrases == [["let", "my", "people", "go"]]
    assert [t.fold for t in query.excluded] == ["moscow"]

"""What Pagefind is told about each page, and the spellings table of names."""

from __future__ import annotations

import html
import re

from fonds.search.backends.base import SearchDocument
from fonds.staticsite.search import Spellings, entry_of, fold, hidden_block


def test_spellings_bring_the_archives_spellings_of_a_name_to_one_key():
    spellings = Spellings(
        [
            "Anatoly Shcharansky",
            "Анатолий Щаранский",
            "Natan Sharansky",
            "Anatoli Scharansky",
            "Ida Nudel",
            "Ида Нудель",
            "Refuseniks",
        ]
    )
    keys = {spellings.key_of[fold(w)] for w in ("Щаранский", "Shcharansky", "Sharansky")}
    assert keys == {"sharansky"}
    assert spellings.key_of[fold("Нудель")] == spellings.key_of["nudel"]
    # a word spelled one way only needs no key
    assert "refuseniks" not in spellings.key_of
    # a page naming one spelling gets the key; one already spelling it does not
    assert spellings.keys("Letters for Анатолий Щаранский") == ["anatoly", "sharansky"]
    assert spellings.keys("Natan Sharansky") == []


def test_fold_is_what_the_search_page_script_computes():
    # toLowerCase, NFKD, marks removed, NFC: й loses its breve, as in search.js
    assert fold("Щаранский") == "щаранскии"
    assert fold("Ži\u0301dová") == "zidova"


def test_hidden_block_carries_filters_context_and_other_names():
    document = SearchDocument(
        key="component:C1/r1",
        owner="collection:C1",
        type="component",
        title="Letters",
        variants=["Натан Щаранский", "נתן שרנסקי"],
        facets={
            "type": ["component"],
            "collection": ["C1"],
            "person": ["Shcharansky, Anatoly"],
            "decade": ["1970s"],
            "digital": ["no"],
        },
        data={
            "collection": {"identifier": "C1", "title": "Council records"},
            "path": [{"title": "Correspondence", "url": "/x/"}],
        },
    )
    entry = entry_of(document)
    assert ("Record type", "Series, folder or item") in entry.filters
    assert ("Collection", "Council records") in entry.filters
    assert ("Person", "Shcharansky, Anatoly") in entry.filters
    assert not any(name == "Digital object" for name, _ in entry.filters)
    assert entry.context == "Council records › Correspondence"
    block = hidden_block(
        entry, "Letters about Shcharansky", Spellings(["Shcharansky", "Щаранский"])
    )
    assert block.count("<div") == 1 and " hidden>" in block
    assert 'data-pagefind-filter="Person[data-value]" data-value="Shcharansky, Anatoly"' in block
    assert 'data-pagefind-meta="Part of[data-value]"' in block
    words = html.unescape(re.search(r'<p class="search-spellings">(.*?)</p>', block).group(1))
    assert "Натан Щаранский" in words and "נתן שרנסקי" in words
    assert "sharansky" in words.split()

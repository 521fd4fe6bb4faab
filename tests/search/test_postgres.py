"""What PostgreSQL's search adds: the unaccent dictionary in its text search
configuration, and trigram matching (pg_trgm) of misspelled names.

These run in the PostgreSQL pass of the suite (``make test`` runs it with
FONDS_DATABASE_URL and FONDS_SEARCH_BACKEND=postgres); on SQLite they skip, since the
embedded index has neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from fonds.loader import load_file
from fonds.search.service import SearchRequest, search, sync
from tests.factories import ead2002, write

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "findingaids"


@pytest.fixture(autouse=True)
def on_postgres(settings):
    if connection.vendor != "postgresql" or settings.FONDS_SEARCH_BACKEND != "postgres":
        pytest.skip(
            "PostgreSQL search only: runs in the PostgreSQL pass "
            "(FONDS_DATABASE_URL=postgres://..., FONDS_SEARCH_BACKEND=postgres)"
        )


def load(*paths: Path) -> None:
    for path in paths:
        result = load_file(path)
        assert not result.error, result.error
    sync()


def keys_of(text: str) -> set[str]:
    results = search(SearchRequest(text=text, limit=100, facets=[]))
    assert results.total <= 100
    return {h.key for h in results.hits}


def sql(statement: str, *params: object) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def test_unaccent_folds_letters_that_unicode_does_not_decompose(tmp_path):
    # ħ (Maltese) and ŧ (Northern Sami) have no decomposition: Python's folding keeps
    # them, PostgreSQL's unaccent dictionary in the `fonds` configuration does not
    folder = (
        '<c level="file" id="f1"><did><unittitle>Ħal Far airfield, Malta</unittitle></did></c>'
        '<c level="file" id="f2"><did><unittitle>Letters from Ŧana Bru</unittitle></did></c>'
    )
    load(write(tmp_path / "u.xml", ead2002("UNACC-1", folder)))
    assert sql("SELECT to_tsvector('fonds', 'Ħal Ŧana Židova')") == [
        ("'hal':1 'tana':2 'zidova':3",)
    ]
    # a phrase is matched on folded words only (no romanization keys), so only the
    # unaccented index finds it
    assert "component:UNACC-1/f1" in keys_of('"Hal Far"')
    assert "component:UNACC-1/f1" in keys_of('"Ħal Far"')
    assert "component:UNACC-1/f2" in keys_of('"tana bru"')
    [(title_words,)] = sql(
        "SELECT document FROM search_searchrecord WHERE key = %s", "component:UNACC-1/f1"
    )
    assert "'hal':1A" in title_words


def test_misspelled_names_are_found_by_trigrams():
    load(DEMO / "DEMO-001.xml")
    right = keys_of("Sharansky")
    assert "collection:DEMO-001" in right
    # letters swapped or left out: no spelling rule makes these meet
    for typo in ("Sharanksy", "Sharnsky", "Shcharanksy", "Щаранскйи"):
        found = keys_of(typo)
        assert "collection:DEMO-001" in found, typo
    # and with another word that is spelled right
    assert "collection:DEMO-001" in keys_of("Sharanksy Cleveland")


def test_the_words_as_typed_come_before_their_look_alikes(tmp_path):
    folder = (
        '<c level="file" id="f1"><did><unittitle>Letters</unittitle></did>'
        "<controlaccess><persname>Slepak, Vladimir</persname></controlaccess></c>"
        '<c level="file" id="f2"><did><unittitle>Letters</unittitle></did>'
        "<controlaccess><persname>Slepakov, Maria</persname></controlaccess></c>"
    )
    load(write(tmp_path / "t.xml", ead2002("TRGM-1", folder)))
    results = search(SearchRequest(text="Slepakov", facets=["type"]))
    keys = [h.key for h in results.hits]
    # one record has the name as typed: its look-alike Slepak is searched too, after it
    assert keys[:1] == ["component:TRGM-1/f2"]
    assert "component:TRGM-1/f1" in keys
    assert results.total == len(keys)
    assert sum(v.count for v in results.facets["type"]) == results.total


def test_enough_records_as_typed_means_no_look_alikes(tmp_path):
    folders = "".join(
        f'<c level="file" id="f{i}"><did><unittitle>Letters {i}</unittitle></did>'
        "<controlaccess><persname>Slepak, Vladimir</persname></controlaccess></c>"
        for i in range(1, 7)
    ) + (
        '<c level="file" id="g1"><did><unittitle>Notes</unittitle></did>'
        "<controlaccess><persname>Slepakov, Maria</persname></controlaccess></c>"
    )
    load(write(tmp_path / "t.xml", ead2002("TRGM-2", folders)))
    assert "component:TRGM-2/g1" not in keys_of("Slepak")
    assert "component:TRGM-2/g1" in keys_of("Slepakov")


def test_names_are_matched_through_a_trigram_index():
    load(DEMO / "DEMO-001.xml")
    assert sql("SELECT 1 FROM search_nameword WHERE word = 'sharansky'") == [(1,)]
    filler = "^x[0-9a-f]{32}$"
    with connection.cursor() as cursor:
        # among as many names as a large archive has, the planner takes the trigram index
        cursor.execute(
            "INSERT INTO search_nameword SELECT 'x' || md5(i::text)"
            " FROM generate_series(1, 50000) AS i"
        )
        try:
            cursor.execute("ANALYZE search_nameword")
            cursor.execute(
                "EXPLAIN SELECT word FROM search_nameword WHERE word %% %s", ["sharanksy"]
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "search_nameword_trigrams" in plan, plan
            assert "collection:DEMO-001" in keys_of("Sharanksy")
        finally:
            cursor.execute("DELETE FROM search_nameword WHERE word ~ %s", [filler])

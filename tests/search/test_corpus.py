"""Search over the real files of the shared corpus, loaded as `fonds load` loads them:
Hebrew names of an EAC-CPF record, every facet counted against the database, hits on
roster and bibliography records, and orderings that really order. Runs on both
backends (FONDS_SEARCH_BACKEND=postgres with PostgreSQL)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import AccessTerm, Collection, Component, DigitalObject
from fonds.loader import after_loading, load_paths
from fonds.search.backends.base import FACETS
from fonds.search.indexing import FACET_OF_KIND
from fonds.search.service import SearchRequest, search
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)

# Between them: every facet (persons, organizations, places, subjects, genres, digital
# objects in C0140 and yusa0008), internal names (C0140), EAD3 (yusa0008), undated
# folders and dates across decades (wag_232), Cyrillic (C1752).
FACET_FILES = [
    "pulfa-c0140-single-items.xml",
    "saa-umn-yusa0008-ead3.xml",
    "nyu-wag232-goldstein-jlc-files.xml",
    "pulfa-c1752-naiman-cyrillic.xml",
]


def load(*names: str) -> None:
    """Load corpus files the way `fonds load` does, after-loading steps included."""
    report = load_paths([corpus_file(n) for n in names])
    assert all(not r.error for r in report.results), [r.error for r in report.results]
    after_loading(report)


def every_hit(text: str = "", **options) -> list:
    hits, offset = [], 0
    while True:
        results = search(SearchRequest(text=text, offset=offset, limit=100, facets=[], **options))
        hits += results.hits
        offset += 100
        if offset >= results.total:
            assert len(hits) == results.total
            return hits


# -- Hebrew --------------------------------------------------------------------------


def test_hebrew_name_forms_of_an_eac_cpf_record_find_it():
    load("aspace-eac-feynman.xml")
    feynman = Agent.objects.get(identifier="oac-caltech-feynmanr-c")
    hebrew = [n for n in feynman.names.values_list("name", flat=True) if "פינמן" in n]
    assert len(hebrew) == 2  # "פינמן, ריצ'רד פ., 1918-1988" and "...פיליפס." (with a bidi mark)
    for query in (
        "פינמן",
        "ריצ'רד פינמן",  # the apostrophe as the file writes it
        "ריצ׳רד פינמן",  # the geresh a Hebrew keyboard writes
        "פיליפס",  # the word before the directional formatting mark
        "פִינְמַן",  # pointed
        '"פינמן ריצ\'רד"',  # as a phrase, in the file's order
    ):
        keys = [h.key for h in every_hit(query)]
        assert keys == ["agent:oac-caltech-feynmanr-c"], query
    # and the Latin and Arabic forms find the same record
    assert [h.key for h in every_hit("Fejnman")] == ["agent:oac-caltech-feynmanr-c"]
    assert [h.key for h in every_hit("فاينمان")] == ["agent:oac-caltech-feynmanr-c"]
    assert every_hit("פינמן אלברט") == []  # every word must match


# -- facets --------------------------------------------------------------------------


def _decades(row: Collection | Component) -> set[str]:
    if row.begin_year is None:
        return set()
    this_year = datetime.date.today().year
    if row.end_year is not None:
        end = row.end_year
    elif any(d.get("open_end") for d in row.dates):
        end = this_year
    else:
        end = row.begin_year
    end = max(row.begin_year, min(end, this_year))
    return {f"{d}s" for d in range(row.begin_year // 10 * 10, end // 10 * 10 + 1, 10)}


def expected_facets() -> dict[str, Counter[str]]:
    """Each facet's count of documents per value, read from the database's public rows."""
    counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    terms: dict[tuple[int, int | None], dict[str, set[str]]] = {}
    for collection_id, component_id, kind, text in AccessTerm.objects.values_list(
        "collection_id", "component_id", "kind", "text"
    ):
        if kind in FACET_OF_KIND:
            slot = terms.setdefault((collection_id, component_id), {})
            slot.setdefault(FACET_OF_KIND[kind], set()).add(text)

    def count(values: dict[str, set[str]]) -> None:
        for facet, found in values.items():
            counts[facet].update(found)

    for collection in Collection.objects.all():
        digital = (
            DigitalObject.objects.filter(collection=collection, component__isnull=True).exists()
            or Component.objects.filter(collection=collection, has_digital_object=True).exists()
        )
        count(
            {
                "type": {"collection"},
                "collection": {collection.identifier},
                "level": {collection.level or "collection"},
                "decade": _decades(collection),
                "digital": {"yes" if digital else "no"},
                **terms.get((collection.pk, None), {}),
            }
        )
    for component in Component.objects.select_related("collection"):
        count(
            {
                "type": {"component"},
                "collection": {component.collection.identifier},
                "level": {component.level} if component.level else set(),
                "decade": _decades(component),
                "digital": {"yes" if component.has_digital_object else "no"},
                **terms.get((component.collection_id, component.pk), {}),
            }
        )
    return counts


def test_every_facet_counts_exactly_what_the_database_holds():
    load(*FACET_FILES)
    expected = expected_facets()
    results = search(SearchRequest(text="", facet_limit=10_000))
    assert results.exact
    assert results.total == Collection.objects.count() + Component.objects.count()
    for facet in FACETS:
        found = {v.value: v.count for v in results.facets[facet]}
        assert found == dict(expected[facet]), facet
    # every facet has values to count in these files
    assert all(expected[f] for f in FACETS), [f for f in FACETS if not expected[f]]
    assert expected["digital"]["yes"] > 0 and expected["digital"]["no"] > 0
    # names marked internal in C0140 are not facet values
    hidden = set(AccessTerm.all_objects.filter(internal=True).values_list("text", flat=True)) - set(
        AccessTerm.objects.values_list("text", flat=True)
    )
    assert (
        hidden
        and not hidden & set(expected["person"])
        and not hidden
        & {
            v.value
            for f in ("person", "organization", "place", "subject", "genre")
            for v in results.facets[f]
        }
    )


@pytest.mark.parametrize("facet", FACETS)
def test_a_chosen_facet_value_narrows_to_its_count(facet):
    load("pulfa-c0140-single-items.xml", "nyu-wag232-goldstein-jlc-files.xml")
    results = search(SearchRequest(text="", facet_limit=10_000))
    value = results.facets[facet][-1]  # the least frequent: a small, exact set
    chosen = search(SearchRequest(text="", filters={facet: [value.value]}, facet_limit=10_000))
    assert chosen.total == value.count
    # the other facets are counted within the choice
    for other in FACETS:
        if other != facet:
            assert sum(v.count for v in chosen.facets[other]) <= sum(
                v.count for v in results.facets[other]
            )
    assert {v.value: v.count for v in chosen.facets[facet]} == {
        v.value: v.count for v in results.facets[facet]
    }


# -- roster and bibliography records ---------------------------------------------------


def test_person_organization_and_work_records_are_hits():
    load(
        "saa-eac-einstein.xml",
        "aspace-eac-sia-nmah.xml",
        "citationjs-biblatex-csl.json",
    )
    person = every_hit("Einstein Albert")
    assert ("agent:75121530", "person") in [(h.key, h.type) for h in person]
    einstein = next(h for h in person if h.key == "agent:75121530")
    assert einstein.url == Agent.objects.get(identifier="75121530").get_absolute_url()
    organization = every_hit("National Museum of American History")
    assert organization[0].key == "agent:dsi-ai-218078-a"
    assert organization[0].type == "organization"
    work = every_hit("Dragonfly in Amber")
    assert [(h.key, h.type) for h in work][:1] == [("work:gabaldon-book", "work")]
    assert work[0].url == Work.objects.get(identifier="gabaldon-book").get_absolute_url()
    # each kind of record is a value of the type facet, and filters
    types = {v.value: v.count for v in search(SearchRequest(text="")).facets["type"]}
    assert types["person"] == 1 and types["organization"] == 1
    assert types["work"] == Work.objects.count()
    only_works = every_hit("", filters={"type": ["work"]})
    assert {h.type for h in only_works} == {"work"}


# -- orderings -----------------------------------------------------------------------


def test_title_sort_orders_every_result_by_title():
    load("nyu-wag232-goldstein-jlc-files.xml", "pulfa-c1752-naiman-cyrillic.xml")
    hits = every_hit("", sort="title")
    assert len(hits) == Component.objects.count() + 2
    titles = [h.title.casefold() for h in hits]
    assert titles == sorted(titles)
    assert titles[0] != titles[-1]
    # with a query as well
    found = every_hit("correspondence", sort="title")
    assert len(found) > 10
    assert [h.title.casefold() for h in found] == sorted(h.title.casefold() for h in found)


def test_date_sort_orders_by_first_year_both_ways():
    load("nyu-wag232-goldstein-jlc-files.xml")
    begin = {
        f"component:wag_232/{ref}": year
        for ref, year in Component.objects.values_list("ref", "begin_year")
    }
    begin["collection:wag_232"] = Collection.objects.get(identifier="wag_232").begin_year
    for sort, reverse in (("date", False), ("-date", True)):
        years = [begin[h.key] for h in every_hit("", sort=sort)]
        dated = [y for y in years if y is not None]
        assert len(set(dated)) > 5
        assert dated == sorted(dated, reverse=reverse), sort
        # undated records come after the dated ones, whichever way
        assert years == dated + [None] * (len(years) - len(dated)), sort

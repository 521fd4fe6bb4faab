"""The bibliography: the demo CSL-JSON with its links, the formatted list in both
Chicago styles, work pages, the three exports read back, the real citation-js pair, a
broken BibTeX file, and the roster pages that list the works."""

from __future__ import annotations

import json
import re
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fonds.authorities.models import Agent
from fonds.bibliography.loading import work_identifier
from fonds.bibliography.models import Work
from fonds.formats.bibtex import read_bibtex
from fonds.formats.csl import read_csl_json
from fonds.formats.ris import read_ris
from fonds.loader import FileResult, in_load_order, load_file
from fonds.search.service import sync
from fonds.timeline.models import Event
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
ROSTER = DEMO / "roster.yaml"
TIMELINE = DEMO / "timeline.yaml"
BIBLIOGRAPHY = DEMO / "bibliography.json"
STYLES = ("chicago-notes-bibliography", "chicago-author-date")


def demo_items() -> list[dict]:
    return json.loads(BIBLIOGRAPHY.read_text(encoding="utf-8"))


def load(*paths: Path) -> list[FileResult]:
    results = [load_file(path, detected=found) for path, found in in_load_order(paths)]
    for result in results:
        assert not result.error, result.error
    sync()
    return results


def load_demo() -> FileResult:
    results = load(BIBLIOGRAPHY, TIMELINE, ROSTER)  # in_load_order puts them right
    assert [r.path for r in results] == [ROSTER, TIMELINE, BIBLIOGRAPHY]
    return results[-1]


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def entries(html: str) -> list[tuple[str, str]]:
    """(work id, entry text) in page order."""
    listing = html[html.index('<ol class="bibliography">') :]
    listing = listing[: listing.index("</ol>")]
    found = []
    for item in re.findall(r"<li>(.*?)</li>", listing, re.S):
        identifier = re.search(r'href="/bibliography/([^/"]+)/"', item).group(1)
        text = unescape(re.sub(r"<[^>]+>", "", item.split('<a class="more"')[0])).strip()
        found.append((identifier, text))
    return found


def first_creator(item: dict) -> dict:
    return (item.get("author") or item.get("editor"))[0]


def works_state() -> list[tuple]:
    return sorted(
        (w.identifier, json.dumps(w.csl, sort_keys=True), w.title, w.creators_text, w.issued_year)
        for w in Work.objects.all()
    )


def test_demo_bibliography_loads_every_item_with_its_links():
    result = load_demo()
    items = demo_items()
    assert (result.status, result.records, result.warnings) == ("loaded", len(items), [])
    assert Work.objects.count() == len(items) == 22
    for item in items:
        work = Work.objects.get(identifier=item["id"])
        assert work.title == item["title"]
        assert "fonds" in work.csl  # kept in the record, left out of exports
        assert set(work.agents.values_list("identifier", flat=True)) == set(
            item["fonds"]["agents"]
        ), item["id"]
        assert set(work.events.values_list("identifier", flat=True)) == set(
            item["fonds"]["events"]
        ), item["id"]


@pytest.mark.parametrize("style", STYLES)
def test_bibliography_page_prints_full_given_names_sorted_by_author(client, style):
    load_demo()
    default = style == "chicago-notes-bibliography"
    response = client.get("/bibliography/" if default else f"/bibliography/?style={style}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{style}" selected>' in html
    listed = entries(html)
    items = {item["id"]: item for item in demo_items()}
    assert sorted(i for i, _ in listed) == sorted(items)
    text = "\n".join(t for _, t in listed)
    assert "Beckerman, Gal." in text
    assert not re.search(r"Beckerman, G\.", text)
    for identifier, entry in listed:
        item = items[identifier]
        creators = item.get("author") or item.get("editor")
        first, *others = creators
        assert entry.startswith(f"{first['family']}, {first['given']}"), entry
        for person in others:  # the others in reading order, in full
            assert f"{person['given']} {person['family']}" in entry, entry
        for person in creators:  # never an initial for a written given name
            initial = person["given"][0]
            assert f"{person['family']}, {initial}." not in entry or person["given"].startswith(
                f"{initial}."
            ), entry
    # in the order of the first author's family name
    families = [folded(first_creator(items[i])["family"]) for i, _ in listed]
    assert families == sorted(families)
    if not default:  # author-date: one author's works by year
        gilbert = [i for i, _ in listed if i.startswith("gilbert")]
        assert gilbert == ["gilbert-1985", "gilbert-1986"]


def test_work_page_shows_both_citations_and_a_note(client):
    load_demo()
    response = client.get("/bibliography/sharansky-1988/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Fear No Evil</h1>" in html
    cited = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S))
    assert set(cited) == {
        "Chicago, notes and bibliography",
        "Chicago, author-date",
        "Chicago note",
    }
    assert cited["Chicago, notes and bibliography"] == (
        "Sharansky, Natan. <i>Fear No Evil</i>. New York: Random House, 1988."
    )
    assert cited["Chicago, author-date"] == (
        "Sharansky, Natan. 1988. <i>Fear No Evil</i>. New York: Random House."
    )
    assert cited["Chicago note"] == (
        "Natan Sharansky, <i>Fear No Evil</i> (New York: Random House, 1988)."
    )
    for identifier in ("natan-sharansky", "avital-sharansky"):
        assert f'href="/roster/{identifier}/"' in html
    for identifier in ("1977-03-15-shcharansky-arrested", "1986-02-11-shcharansky-freed"):
        assert f'href="/timeline/{identifier}/"' in html
    assert client.get("/bibliography/no-such-work/").status_code == 404


def test_exports_read_back_with_the_same_works(client):
    load_demo()
    stored = dict(Work.objects.values_list("identifier", "title"))
    csl = client.get("/bibliography/bibliography.json")
    assert csl.status_code == 200 and csl["Content-Type"] == "application/json"
    document = json.loads(csl.content)
    assert all("fonds" not in item for item in document)
    items = read_csl_json(csl.content, "bibliography.json")
    assert {i["id"]: i["title"] for i in items} == stored
    assert {i["id"]: i.get("author") for i in items} == {
        i["id"]: i.get("author") for i in demo_items()
    }

    bib = client.get("/bibliography/bibliography.bib")
    assert bib.status_code == 200 and "attachment" in bib["Content-Disposition"]
    entries_bib = read_bibtex(bib.content, "bibliography.bib")
    assert {work_identifier(i): i["title"] for i in entries_bib} == stored

    ris = client.get("/bibliography/bibliography.ris")
    assert ris.status_code == 200
    records = read_ris(ris.content, "bibliography.ris")
    assert sorted(i["title"] for i in records) == sorted(stored.values())


def test_real_biblatex_and_csl_pair_load_as_one_set_of_works():
    bib_path = corpus_file("citationjs-biblatex-input.bib")
    csl_path = corpus_file("citationjs-biblatex-csl.json")
    load_demo()
    before = Work.objects.count()
    from_bib = load_file(bib_path)
    assert (from_bib.status, from_bib.records, from_bib.error) == ("loaded", 28, "")
    assert Work.objects.count() == before + 28
    expected = read_csl_json(csl_path.read_bytes(), str(csl_path))
    bib_ids = {work_identifier(i) for i in read_bibtex(bib_path.read_bytes(), str(bib_path))}
    csl_ids = {work_identifier(i) for i in expected}
    from_csl = load_file(csl_path)
    assert (from_csl.records, from_csl.error) == (28, "")
    new = csl_ids - bib_ids
    assert from_csl.status == ("replaced" if csl_ids & bib_ids else "loaded")
    assert Work.objects.count() == before + len(bib_ids | csl_ids)
    assert len(bib_ids | csl_ids) == 28 + len(new)
    # the last load wins: each work is the CSL-JSON item, as read
    for item in expected:
        work = Work.objects.get(identifier=work_identifier(item))
        assert work.csl == item
        assert work.title == item.get("title", "")
    # the demo works are untouched
    assert Work.objects.filter(identifier__in=[i["id"] for i in demo_items()]).count() == 22


def test_broken_bibtex_is_skipped_with_its_line_and_changes_nothing(tmp_path):
    load_demo()
    before = works_state()
    broken = tmp_path / "broken.bib"
    broken.write_text(
        "@book{beckerman-2010,\n"
        "  title = {A Title That Must Not Land},\n"
        "  author = {Beckerman, Gal},\n"
        "  year = 2010\n"
        "}\n"
        "\n"
        "@book{new-work-2000,\n"
        "  title = {Unbalanced {brace},\n"
        "  author = {Roe, Richard},\n"
        "  year = 2000\n"
        "}\n",
        encoding="utf-8",
    )
    result = load_file(broken)
    assert result.status == "skipped"
    assert re.match(rf"{re.escape(str(broken))}:(7|8)(:\d+)?: error: ", result.error), result.error
    assert works_state() == before
    assert not Work.objects.filter(identifier="new-work-2000").exists()


def test_agent_and_event_pages_list_their_works(client):
    load_demo()
    html = client.get("/roster/natan-sharansky/").content.decode()
    assert "Fear No Evil" in html
    assert 'href="/bibliography/sharansky-1988/"' in html
    for item in demo_items():
        for identifier in item["fonds"]["agents"]:
            page = client.get(Agent.objects.get(identifier=identifier).get_absolute_url())
            assert f'href="/bibliography/{item["id"]}/"' in page.content.decode(), identifier
        for identifier in item["fonds"]["events"]:
            page = client.get(Event.objects.get(identifier=identifier).get_absolute_url())
            assert f'href="/bibliography/{item["id"]}/"' in page.content.decode(), identifier
    # an agent no work names lists none
    assert "In the bibliography" not in client.get("/roster/glenn-richter/").content.decode()


def test_distinct_ids_in_one_file_stay_distinct_works(tmp_path):
    written = {
        "Бегун-1990": "Begun's book",
        "Нудель-1990": "Nudel's book",
        "smith:2000": "Smith, colon",
        "smith-2000": "Smith, hyphen",
    }
    items = [{"id": i, "type": "book", "title": title} for i, title in written.items()]
    path = tmp_path / "works.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    result = load_file(path)
    assert (result.status, result.records, result.error) == ("loaded", 4, "")
    assert sorted(Work.objects.values_list("title", flat=True)) == sorted(i["title"] for i in items)


def test_article_titles_take_the_period_inside_the_quotes(client):
    load_demo()
    html = client.get("/bibliography/kochavi-2005/").content.decode()
    assert "Demise of Detente.”" in html
    assert "Demise of Detente,”" in html  # the note
    assert "Detente”." not in html and "Detente”," not in html


def test_one_authors_titles_sort_without_their_article(client):
    load_demo()
    listed = [i for i, _ in entries(client.get("/bibliography/").content.decode())]
    assert [i for i in listed if i.startswith("gilbert")] == ["gilbert-1985", "gilbert-1986"]


def test_bibliography_page_queries_do_not_grow_with_the_works(client):
    def works(start: int, count: int) -> None:
        for n in range(start, start + count):
            Work.objects.create(
                identifier=f"work-{n}",
                csl={
                    "id": f"work-{n}",
                    "type": "book",
                    "title": f"Work {n}",
                    "author": [{"family": f"Author{n}", "given": "Anna"}],
                },
                title=f"Work {n}",
            )

    def queries(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(entries(response.content.decode())), len(captured.captured_queries)

    works(0, 2)
    few = {style: queries(f"/bibliography/?style={style}") for style in STYLES}
    works(2, 8)
    many = {style: queries(f"/bibliography/?style={style}") for style in STYLES}
    for style in STYLES:
        assert (few[style][0], many[style][0]) == (2, 10)
        assert many[style][1] == few[style][1]


def test_a_changed_work_is_cited_anew(client):
    """Citations are kept once rendered, by what the work says: a change shows at once."""
    load_demo()
    assert "Fear No Evil" in client.get("/bibliography/").content.decode()
    work = Work.objects.get(identifier="sharansky-1988")
    work.csl = dict(work.csl, title="Fear No Evil, Revised")
    work.save()
    listed = dict(entries(client.get("/bibliography/").content.decode()))
    assert "Fear No Evil, Revised" in listed["sharansky-1988"]
    page = client.get("/bibliography/sharansky-1988/").content.decode()
    assert "<i>Fear No Evil, Revised</i>" in page

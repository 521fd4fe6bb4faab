"""`fonds export-site` on the demo archive: every public record has its page, every
link of every page leads to a file of the export, nothing needs the server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.servers import database_rows, fonds_env

pytestmark = pytest.mark.slow


def rows(home: Path, sql: str) -> list[tuple]:
    return database_rows(fonds_env(home), sql)


def public_components(home: Path) -> list[tuple[str, str, bool]]:
    return [
        (identifier, ref, subtree_end > sequence)
        for identifier, ref, sequence, subtree_end in rows(
            home,
            "SELECT c.identifier, p.ref, p.sequence, p.subtree_end "
            "FROM findingaids_component p JOIN findingaids_collection c ON p.collection_id = c.id "
            "WHERE NOT p.internal AND NOT c.internal",
        )
    ]


def html_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.html") if "pagefind" not in p.parts]


def test_the_export_reports_what_it_wrote(exported):
    out = exported.result.stdout
    assert "fonds export-site" in out
    assert re.search(r"[\d,]+ files, [\d.]+ MB", out)
    assert "Pagefind 1." in out
    assert "problems" not in out
    assert "linked but not exported" not in exported.result.stderr
    assert (exported.folder / ".fonds-export").is_file()
    assert not list(exported.folder.parent.glob(".site.partial-*"))


def test_every_public_record_has_its_page(exported):
    home, site = exported.home, exported.folder
    collections = [
        c for (c,) in rows(home, "SELECT identifier FROM findingaids_collection WHERE NOT internal")
    ]
    components = public_components(home)
    agents = [a for (a,) in rows(home, "SELECT identifier FROM authorities_agent WHERE published")]
    events = [e for (e,) in rows(home, "SELECT identifier FROM timeline_event WHERE published")]
    works = [w for (w,) in rows(home, "SELECT identifier FROM bibliography_work WHERE published")]
    pages = [s for (s,) in rows(home, "SELECT slug FROM pages_page WHERE published")]
    assert len(collections) == 7 and len(components) > 10_000
    assert agents and events and works and pages

    for identifier in collections:
        folder = site / "collections" / identifier
        for name in ("index.html", "print/index.html", "ead.xml", "finding-aid.pdf"):
            assert (folder / name).is_file(), f"{identifier}: {name}"
        assert (folder / "finding-aid.pdf").read_bytes().startswith(b"%PDF")
        assert b"<ead" in (folder / "ead.xml").read_bytes()[:2000]
    missing = [
        (c, r)
        for c, r, branch in components
        if not (site / "collections" / c / r / "index.html").is_file()
        or (branch and not (site / "collections" / c / r / "children" / "index.html").is_file())
    ]
    assert missing == []
    written = sum(
        1
        for c in collections
        for p in (site / "collections" / c).glob("*/index.html")
        if p.parent.name not in ("print", "page")
    )
    assert written == len(components)
    for identifier in agents:
        assert (site / "roster" / identifier / "index.html").is_file()
        assert b"eac-cpf" in (site / "roster" / identifier / "eac-cpf.xml").read_bytes()[:2000]
        two = (site / "roster" / identifier / "eac-cpf-2.0.xml").read_bytes()
        assert b"https://archivists.org/ns/eac/v2" in two[:2000]
    for identifier in events:
        assert (site / "timeline" / identifier / "index.html").is_file()
    for identifier in works:
        assert (site / "bibliography" / identifier / "index.html").is_file()
    for slug in pages:
        assert (site / "pages" / slug / "index.html").is_file()


def test_lists_downloads_and_static_files_are_at_their_addresses(exported):
    site = exported.folder
    for path in [
        "index.html",
        "contact/index.html",
        "collections/index.html",
        "roster/index.html",
        "roster/graph/index.html",
        "roster/print/index.html",
        "roster/roster.csv",
        "timeline/index.html",
        "timeline/timeline.json",
        "timeline/timeline.yaml",
        "timeline/timeline.csv",
        "bibliography/index.html",
        "bibliography/style/chicago-author-date/index.html",
        "bibliography/bibliography.json",
        "bibliography/bibliography.bib",
        "bibliography/bibliography.ris",
        "theme.css",
        "static/fonds/site.css",
        "static/fonds/fonds.js",
        "static/fonds/favicon.svg",
        "static/fonds/print.css",
        "static/pages/contact.css",
        "search/index.html",
        "search/spellings.json",
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
    ]:
        assert (site / path).is_file(), path
    assert not (site / "static" / "admin").exists()
    json.loads((site / "timeline" / "timeline.json").read_text())
    assert json.loads((site / "bibliography" / "bibliography.json").read_text())
    # the decade links of the timeline became pages
    timeline = (site / "timeline" / "index.html").read_text()
    decades = re.findall(r'href="/timeline/decade/(\d+)/"', timeline)
    assert len(decades) >= 5
    for decade in decades:
        page = (site / "timeline" / "decade" / decade / "index.html").read_text()
        assert f'href="/timeline/decade/{decade}/" aria-current="page"' in page
    # the styles are two pages, each saying which it is
    author_date = (
        site / "bibliography" / "style" / "chicago-author-date" / "index.html"
    ).read_text()
    assert 'aria-current="page">Chicago, author-date<' in author_date


def test_every_link_leads_to_a_file_of_the_export(exported):
    site = exported.folder
    broken: set[str] = set()
    checked = 0
    for page in html_files(site):
        for value in re.findall(r'(?:href|src|action|data-children)="(/[^"]*)"', page.read_text()):
            path = unquote(urlsplit(value.replace("&amp;", "&")).path)
            target = site / path.lstrip("/")
            checked += 1
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.add(f"{page.relative_to(site)} -> {value}")
    assert checked > 100_000
    assert sorted(broken)[:20] == []


def test_pages_need_no_server(exported):
    site = exported.folder
    for page in html_files(site):
        text = page.read_text()
        where = page.relative_to(site)
        # no address a static server would answer wrongly
        assert not re.search(r'(?:href|action)="[^"]*\?(?:page|decade|style|version)=', text), where
        assert 'href="/search?' not in text and 'action="/search"' not in text, where
        assert 'method="post"' not in text, where
        # no inline script: every script is a file of the export (data blocks aside)
        assert not re.search(r'<script(?![^>]*\s(?:src=|type="application/ld\+json"))', text), where
        assert "csrfmiddlewaretoken" not in text, where
    contact = (site / "contact" / "index.html").read_text()
    assert "<form" not in contact.split("<main", 1)[1]
    assert 'href="mailto:reference@example.org"' in contact
    assert "Placeholder Plaza" in contact
    for listing in ("collections/index.html", "roster/index.html"):
        assert 'class="filters"' not in (site / listing).read_text()


def test_record_pages_are_marked_for_the_search_index(exported):
    site = exported.folder
    folder = (site / "collections" / "DEMO-001" / "demo001-s3-ss2-f2" / "index.html").read_text()
    assert '<main id="main" data-pagefind-body>' in folder
    assert 'data-pagefind-filter="Collection[data-value]"' in folder
    assert "sharansky" in folder.split('class="search-spellings">', 1)[1].split("</p>")[0]
    # lists, print pages and fragments stay out of the index
    for path in ("collections/index.html", "roster/print/index.html", "index.html"):
        assert "data-pagefind-body" not in (site / path).read_text(), path
    spellings = json.loads((site / "search" / "spellings.json").read_text())
    assert spellings["щаранскии"] == spellings["shcharansky"] == spellings["sharansky"]

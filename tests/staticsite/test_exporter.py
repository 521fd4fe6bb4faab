"""The exporter in-process on a small finding aid: a base path, no PDFs, a second
export over the first, a folder that is not an export."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import NoReverseMatch, reverse

from fonds.loader import load_file
from fonds.staticsite import ExportError, Options, export_site
from tests.factories import ead2002, folders, write
from tests.staticsite.conftest import missing

pytestmark = pytest.mark.django_db(transaction=True)

SERIES = (
    '<c level="series" id="s1"><did><unittitle>Correspondence</unittitle></did>'
    "<controlaccess><persname>Shcharansky, Anatoly</persname>"
    "<subject>Refuseniks</subject></controlaccess>"
    f"{folders(3, 'Letters')}</c>"
)


@pytest.fixture
def pagefind():
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    if get_executable is None or get_executable() is None:
        missing("Pagefind is not installed (pip install 'pagefind[bin]')")


@pytest.fixture
def collection(tmp_path):
    path = write(tmp_path / "t.xml", ead2002("T-001", SERIES, title="Test papers"))
    assert load_file(path).status == "loaded"
    return "T-001"


def test_a_site_under_a_base_path(tmp_path, pagefind, collection):
    site = tmp_path / "site"
    report = export_site(
        site, Options(site_url="https://archive.example.org/", base_path="archive/", pdf=False)
    )
    assert report.ok, (report.problems, report.missing_links)
    assert report.counts["collection"] == 1 and report.counts["component"] == 4
    assert report.counts["fragment"] == 1
    assert report.indexed["page"] == 5

    page = (site / "collections" / "T-001" / "index.html").read_text()
    assert 'href="/archive/static/fonds/site.css"' in page
    assert 'href="/archive/collections/T-001/s1/"' in page
    assert 'data-children="/archive/collections/T-001/s1/children/"' in page
    assert 'action="/archive/search/"' in page
    assert "finding-aid.pdf" not in page  # no PDFs, no links to them
    assert "https://archive.example.org/archive/collections/T-001/" in page  # the citation
    assert not re.search(r'(?:href|src|action)="/(?!archive/)', page)
    fragment = (site / "collections" / "T-001" / "s1" / "children" / "index.html").read_text()
    assert 'href="/archive/collections/T-001/f1/"' in fragment
    assert "<html" not in fragment

    search = (site / "search" / "index.html").read_text()
    assert 'src="/archive/pagefind/pagefind-ui.js"' in search
    assert 'src="/archive/static/staticsite/search.js"' in search
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert (site / "static" / "staticsite" / "search.js").is_file()
    spellings = json.loads((site / "search" / "spellings.json").read_text())
    assert isinstance(spellings, dict)

    try:  # the sitemap, where fonds has one, lists the static site's own addresses
        reverse("linked:sitemap")
    except NoReverseMatch:
        pass
    else:
        sitemap = (site / "sitemap.xml").read_text()
        assert "https://archive.example.org/archive/" in sitemap
        for loc in re.findall(r"<loc>https://archive.example.org/archive(/[^<]+)</loc>", sitemap):
            assert (site / loc.lstrip("/")).is_file(), loc
        assert (site / "robots.txt").is_file()

    series = (site / "collections" / "T-001" / "s1" / "index.html").read_text()
    assert 'data-pagefind-filter="Person[data-value]" data-value="Shcharansky, Anatoly"' in series
    assert 'data-pagefind-filter="Subject[data-value]" data-value="Refuseniks"' in series
    assert '<a href="/archive/search/?subject=Refuseniks">' in series


def test_an_export_replaces_an_earlier_one_and_nothing_else(tmp_path, pagefind, collection):
    site = tmp_path / "site"
    export_site(site, Options(pdf=False))
    (site / "collections" / "stale.html").write_text("old")
    second = export_site(site, Options(pdf=False))
    assert second.ok
    assert not (site / "collections" / "stale.html").exists()
    assert (site / "collections" / "T-001" / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty"):
        export_site(other, Options(pdf=False))
    assert (other / "notes.txt").read_text() == "mine"
    with pytest.raises(ExportError, match="--url"):
        export_site(tmp_path / "x", Options(site_url="ftp://example.org"))

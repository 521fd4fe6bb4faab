"""Written pages: Markdown rendered safely, the demo's pages, the home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.formats.errors import FormatError
from fonds.pages.loading import load_pages, read_page
from fonds.pages.markdown import render
from fonds.pages.models import Page

DEMO_PAGES = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "pages"


def test_markdown_is_rendered_and_raw_html_never_runs():
    html = render(
        "# Title\n\nSome *words* and [a link](https://example.org).\n\n"
        "<script>alert(1)</script>\n\n[bad](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<h2>Title</h2>" in html
    assert "<em>words</em>" in html
    assert 'href="https://example.org"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # the link stays text
    assert "<img" not in html


def test_a_page_file_needs_a_header(tmp_path):
    bad = tmp_path / "x.md"
    bad.write_text("no header\n")
    with pytest.raises(FormatError, match="header"):
        read_page(bad)


@pytest.mark.django_db(transaction=True)
def test_demo_pages_load_and_show(client):
    assert load_pages(DEMO_PAGES) >= 2
    assert load_pages(DEMO_PAGES) >= 2  # again: updated, not duplicated
    assert Page.objects.filter(slug="overview").count() == 1
    home = client.get("/").content.decode()
    assert "The movement in brief" in home
    assert 'href="/pages/about/"' in home
    about = client.get("/pages/about/")
    assert about.status_code == 200 and "<code>DEMO-</code>" in about.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_top_of_the_home_page_comes_from_configuration(client, settings):
    from lxml import html as lxml_html

    def top() -> tuple[list[str], list[str]]:
        page = lxml_html.fromstring(client.get("/").content)
        hero = page.xpath("//section[@class='hero']")[0]
        return hero.xpath(".//p[@class='lead']/text()"), hero.xpath(
            ".//input[@id='home-q']/@placeholder"
        )

    # the demo archive's, by default
    lead, placeholder = top()
    assert lead == [settings.ARCHIVE_DESCRIPTION]
    assert lead[0].startswith("Records of the national and grassroots organizations")
    assert placeholder == ["Sharansky, Щаранский, Helsinki, rally…"]
    # another archive's, as its configuration says
    settings.ARCHIVE_DESCRIPTION = "Papers of <the> river pilots' guild, 1850-1950."
    settings.SEARCH_EXAMPLES = ["Mississippi", "steamboat"]
    lead, placeholder = top()
    assert lead == ["Papers of <the> river pilots' guild, 1850-1950."]  # text, escaped
    assert placeholder == ["Mississippi, steamboat…"]
    assert "grassroots" not in client.get("/").content.decode()
    # and none at all
    settings.ARCHIVE_DESCRIPTION = ""
    settings.SEARCH_EXAMPLES = []
    assert top() == ([], [])

"""The exported demo in chromium, served as plain files, with every other host cut off.

Each test asserts what a reader sees and, at the end, that the page asked nothing of
any host but the static server: no request was aborted.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under CI) saying why
    expect = None  # type: ignore[assignment]

from tests.browser.helpers import screenshot, watch

pytestmark = pytest.mark.slow

CLEVELAND = "Cleveland Council on Soviet Anti-Semitism records"
# "Letters and petitions for Анатолий Щаранский / Anatoly Shcharansky", 1977
FOLDER = "/collections/DEMO-001/demo001-s3-ss2-f2/"


@pytest.fixture
def page(offline):
    context, seen = offline
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    yield page
    assert errors == [], f"errors in the browser: {errors}"
    assert seen.aborted == [], f"requests to other hosts: {seen.aborted}"
    assert seen.requested, "nothing was requested"


def result_links(page) -> list[str]:
    return page.locator("#search .pagefind-ui__result-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def search_results(page, query: str | None = None, until: str | None = None) -> list[str]:
    """The result links on the search page, loading more until `until` is among them."""
    if query is not None:
        page.goto("/search/?q=" + query)
    results = page.locator("#search .pagefind-ui__result-link")
    expect(results.first).to_be_visible()
    while until and until not in result_links(page):
        more = page.locator("#search .pagefind-ui__button")
        if not more.count():
            break
        count = results.count()
        more.click()
        expect(results).not_to_have_count(count)
    return result_links(page)


def assert_exported(site, links: list[str]) -> None:
    assert links
    for link in links:
        path = unquote(urlsplit(link).path)
        assert path.startswith("/"), link
        target = site / path.lstrip("/")
        assert target.is_file() or (target / "index.html").is_file(), link


def test_browse_from_the_home_page_to_a_folder(page, exported):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archive of the American Soviet Jewry Movement"
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collections")
    page.get_by_role("link", name=CLEVELAND).click()
    page.wait_for_url("**/collections/DEMO-001/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLEVELAND)

    # the contents tree opens a series in place, from the static children fragment
    series = page.locator("section.contents ol.tree > li.branch").first
    title = series.locator(":scope > .line > a.title").inner_text()
    with page.expect_response(re.compile(r"/children/$")) as fragment:
        series.get_by_role("button", name=f"Show the contents of {title}").click()
    assert fragment.value.status == 200
    children = series.locator(":scope > .children")
    expect(children).to_be_visible()
    expect(series).to_have_attribute("data-loaded", "yes")
    inner = children.locator("li.node").first
    expect(inner).to_be_visible()

    # and a folder of it opens as its own page
    folder = children.locator("li.leaf a.title").first
    if not folder.count():  # a subseries first: open it too
        sub = children.locator("li.branch").first
        sub.locator(":scope > .line > button.toggle").click()
        expect(sub).to_have_attribute("data-loaded", "yes")
        folder = sub.locator("li.leaf a.title").first
    name = folder.inner_text()
    folder.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name=CLEVELAND)).to_be_visible()
    expect(page.locator(".citation-text")).to_contain_text(CLEVELAND)


@pytest.mark.parametrize("query", ["Щаранский", "Sharansky"])
def test_search_finds_a_name_in_any_spelling(page, exported, query):
    links = search_results(page, query, until=FOLDER)
    assert FOLDER in links, f"{query}: {links}"
    assert any(link.startswith("/roster/") for link in links) or len(links) >= 5
    assert_exported(exported.folder, links)
    # the search box holds the query as typed, and the result opens its page
    expect(page.locator("#search input.pagefind-ui__search-input")).to_have_value(query)
    page.locator(f'#search .pagefind-ui__result-link[href="{FOLDER}"]').first.click()
    page.wait_for_url(f"**{FOLDER}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shcharansky")
    if query == "Щаранский":
        screenshot(page, "static-site-folder")


def test_search_from_the_header_and_within_a_collection(page, exported):
    page.goto("/timeline/")
    box = page.locator("header.site").get_by_role("searchbox", name="Search")
    box.fill("Shcharansky")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Shcharansky"))
    links = search_results(page)
    assert_exported(exported.folder, links)
    screenshot(page, "static-site-search")

    page.goto("/collections/DEMO-001/")
    page.get_by_role("searchbox", name="Search within this collection").fill("petitions")
    page.get_by_role("search", name="Search within this collection").get_by_role(
        "button", name="Search"
    ).click()
    page.wait_for_url(re.compile(r"/search/\?q=petitions&collection=DEMO-001"))
    links = search_results(page)
    assert links and all(link.startswith("/collections/DEMO-001/") for link in links), links


def test_a_subject_link_shows_the_records_with_that_subject(page, exported):
    page.goto("/collections/DEMO-001/")
    term = page.locator("section.terms ul.term-list a").first
    subject = term.inner_text()
    term.click()
    page.wait_for_url(re.compile(r"/search/\?"))
    links = search_results(page)
    assert_exported(exported.folder, links)
    assert any(link.startswith("/collections/") for link in links), (subject, links)


def test_the_timeline_decades_and_the_contact_page_work_as_files(page, exported):
    page.goto("/timeline/")
    page.get_by_role("navigation", name="Decades").get_by_role(
        "link", name=re.compile(r"^1970s")
    ).click()
    page.wait_for_url("**/timeline/decade/1970/")
    expect(page.locator("section.decade h2")).to_have_text(["1970s"])
    page.goto("/contact/")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("link", name="reference@example.org").first).to_have_attribute(
        "href", "mailto:reference@example.org"
    )

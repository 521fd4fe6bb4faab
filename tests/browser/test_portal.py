"""What a researcher does on the portal, in chromium, with the site's CSP in force.

The server is `fonds serve` over the demo archive (see conftest.py). Assertions are
about what the user sees: headings, links, counts, the clipboard.
"""

from __future__ import annotations

import json
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under CI) saying why
    expect = None  # type: ignore[assignment]

from tests.browser.helpers import watch

pytestmark = pytest.mark.slow

CLEVELAND = "Cleveland Council on Soviet Anti-Semitism records"
NCSJ = "National Conference on Soviet Jewry press clippings and correspondence files"
# A folder of DEMO-001 that both spellings must find:
# "Letters and petitions for Анатолий Щаранский / Anatoly Shcharansky", 1977
FOLDER = "/collections/DEMO-001/demo001-s3-ss2-f2/"


def total(page) -> int:
    summary = page.locator(".results p.summary").inner_text()
    match = re.match(r"(\d+) results?\b", summary)
    assert match, f"no result count in {summary!r}"
    return int(match.group(1))


def hit_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".results li.hit h3").all_inner_texts()]


def hit_links(page) -> set[str]:
    """The records on this page of results (several folders share a title)."""
    return set(page.locator(".results li.hit h3 a").evaluate_all("as => as.map(a => a.pathname)"))


def search_from_header(page, query: str) -> None:
    """Type a query into the search box in the site header and press Enter."""
    page.goto("/")
    box = page.locator("header.site").get_by_role("searchbox", name="Search")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    expect(page.get_by_role("searchbox", name=re.compile("Search the collections"))).to_have_value(
        query
    )


def narrow_to(page, facet: str, value: str) -> None:
    section = page.locator("aside.facets section.facet").filter(
        has=page.get_by_role("heading", name=facet, exact=True)
    )
    section.get_by_role("link", name=value, exact=True).click()
    page.wait_for_load_state()


def test_home_page_and_the_main_navigation(page, base_url):
    page.goto("/")
    expect(page).to_have_title(re.compile("Archive of the American Soviet Jewry Movement"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Archive of the American Soviet Jewry Movement"
    )
    main = page.locator("main")
    # the four demo finding aids, and the real ones the demo adds when the shared
    # corpus is beside the checkout
    counted = re.search(r"(\d+) finding aids?", main.inner_text())
    assert counted and int(counted.group(1)) >= 4
    collections = int(counted.group(1))
    for title in (CLEVELAND, NCSJ):
        expect(main.get_by_role("link", name=title, exact=True)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Collections", exact=True).click()
    expect(page).to_have_url(f"{base_url}/collections/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Collections")
    expect(page.locator("main ol.results > li")).to_have_count(collections)
    expect(page.get_by_role("link", name=NCSJ)).to_be_visible()

    nav.get_by_role("link", name="Search", exact=True).click()
    expect(page).to_have_url(f"{base_url}/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")

    contact = nav.get_by_role("link", name="Contact", exact=True)
    if contact.count():  # the contact page is being built
        contact.click()
        expect(page).to_have_url(f"{base_url}/contact/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Contact")

    nav.get_by_role("link", name="Home", exact=True).click()
    expect(page).to_have_url(f"{base_url}/")

    main.get_by_role("link", name=CLEVELAND, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLEVELAND)


def test_a_name_in_cyrillic_and_in_latin_finds_the_same_records(page):
    seen = {}
    for query in ("Щаранский", "Sharansky"):
        search_from_header(page, query)
        count = total(page)
        assert count > 0, f"nothing found for {query}"
        titles = hit_titles(page)
        assert len(titles) == 20  # a full first page
        first_page = hit_links(page)

        # hits are grouped under their collection, each showing where it sits
        groups = page.locator(".results section.group")
        assert groups.count() >= 1
        nested = 0
        for g in range(groups.count()):
            group = groups.nth(g)
            # the collection heads its group; each hit's path goes on from there:
            # series › subseries, every step a link inside that collection
            if not group.locator("h2.group-title a").count():
                # the roster, the timeline and the bibliography: no collection
                assert group.locator("li.hit-component").count() == 0
                continue
            home = group.locator("h2.group-title a").get_attribute("href")
            assert home.startswith("/collections/")
            for path in group.locator("li.hit-component p.path").all():
                steps = path.locator("a").evaluate_all("as => as.map(a => a.pathname)")
                assert steps and all(s.startswith(home) and s != home for s in steps)
                nested += " › " in path.inner_text()
        assert nested > 0, "no hit shows a path of more than one step"

        collections = {
            a.strip(): int(c)
            for a, c in zip(
                page.locator("section.facet", has_text="Collection")
                .locator("li a")
                .all_inner_texts(),
                page.locator("section.facet", has_text="Collection")
                .locator("li .count")
                .all_inner_texts(),
                strict=True,
            )
        }
        narrow_to(page, "Collection", CLEVELAND)
        within = total(page)
        assert within < count
        in_cleveland = hit_links(page)
        assert len(in_cleveland) == within  # all on one page
        seen[query] = (count, first_page, collections, in_cleveland)

    cyrillic, latin = seen["Щаранский"], seen["Sharansky"]
    shared = cyrillic[1] & latin[1]
    print(
        f"\nЩаранский: {cyrillic[0]} results; Sharansky: {latin[0]} results; "
        f"first pages share {len(shared)} of 20 records"
    )
    assert cyrillic[0] == latin[0], "the two spellings find a different number of records"
    assert cyrillic[2] == latin[2], "the two spellings find different records per collection"
    assert cyrillic[3] == latin[3], "the two spellings find different records in DEMO-001"
    assert FOLDER in cyrillic[3]


def test_open_a_folder_from_the_results_and_copy_its_citation(context, page, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    search_from_header(page, "Щаранский")
    hit = page.locator("li.hit-component").filter(has_text="(file)").first
    title = hit.locator("h3").inner_text().strip()
    steps = [t.strip() for t in hit.locator("p.path a").all_inner_texts()]
    group = hit.locator("xpath=ancestor::section[contains(@class, 'group')]")
    collection = group.locator("h2.group-title").inner_text().strip()
    hit.locator("h3 a").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("header.record-head .kind")).to_contain_text("File")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name="Collections", exact=True)).to_be_visible()
    expect(crumbs.get_by_role("link", name=collection, exact=True)).to_be_visible()
    expect(crumbs.locator("[aria-current=page]")).to_be_visible()
    for step in steps:  # the path shown in the results, series › subseries
        expect(crumbs.get_by_role("link", name=step, exact=True)).to_be_visible()
    assert crumbs.locator("li").count() == len(steps) + 3  # Collections, collection, folder

    cite = page.get_by_role("region", name=re.compile(r"^Cite this file"))
    expect(cite).to_be_visible()
    shown = cite.locator(".citation-text").inner_text().strip()
    assert shown.startswith(title.split(",")[0])
    assert collection in shown
    assert page.url in shown

    button = cite.get_by_role("button", name="Copy citation")
    expect(button).to_be_visible()  # shown by fonds.js, which ran under the CSP
    button.click()
    expect(cite.get_by_role("status")).to_have_text("Citation copied.")
    assert page.evaluate("navigator.clipboard.readText()") == shown


def test_a_6000_component_finding_aid_opens_level_by_level(page):
    page.goto("/collections/DEMO-004/")
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
    t = json.loads(timing)
    print(
        "\nDEMO-004 navigation timing (ms): "
        f"requestStart {t['requestStart']:.1f}, responseStart {t['responseStart']:.1f}, "
        f"responseEnd {t['responseEnd']:.1f}, "
        f"domContentLoadedEventEnd {t['domContentLoadedEventEnd']:.1f}, "
        f"loadEventEnd {t['loadEventEnd']:.1f}, "
        f"HTML {t['decodedBodySize']:,} bytes"
    )

    expect(page.get_by_role("heading", level=1)).to_contain_text(NCSJ)
    contents = page.locator("section#contents")
    expect(contents).to_contain_text(re.compile(r"6,?763 series, folders and items"))
    series = contents.locator(":scope > ol.tree > li")
    assert 1 < series.count() < 20
    # the first level only: nothing below a series is in the page yet
    assert contents.locator("ol.tree ol.tree").count() == 0
    assert contents.locator('button.toggle[aria-expanded="true"]').count() == 0

    branch = (
        contents.locator("li.branch")
        .filter(has=page.locator(":scope > .line > a.title", has_text="Press clippings"))
        .first
    )
    url = branch.get_attribute("data-children")
    assert url and url.endswith("/children/")
    toggle = branch.locator(":scope > .line > button.toggle")
    expect(toggle).to_have_accessible_name(re.compile(r"^Show the contents of Press clippings"))
    with page.expect_response(lambda r: r.url.endswith(url)) as response:
        toggle.click()
    assert response.value.ok
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(branch).to_have_attribute("data-loaded", "yes")
    expect(page).to_have_url(re.compile(r"/collections/DEMO-004/$"))  # still here
    years = branch.locator(":scope > .children > ol.tree > li")
    expect(years.first).to_be_visible()
    expect(branch.locator(":scope > .children")).not_to_have_attribute("aria-busy", "true")
    assert years.count() >= 5
    fetched = page.evaluate(
        "(url) => performance.getEntriesByName(new URL(url, location.href).href)[0].toJSON()", url
    )
    print(
        f"series children fetch (ms): {fetched['duration']:.1f} "
        f"(responseEnd - startTime), {fetched['decodedBodySize']:,} bytes"
    )

    year = branch.locator("li.branch").filter(
        has=page.locator(":scope > .line > a.title", has_text=re.compile(r"^1977$"))
    )
    with page.expect_response(lambda r: r.url.endswith(year.get_attribute("data-children"))):
        year.locator(":scope > .line > button.toggle").click()
    folder = year.get_by_role(
        "link", name="Clippings: Arrest of Anatoly Shcharansky", exact=True
    ).first
    expect(folder).to_be_visible()
    assert year.locator(":scope > .children li").count() > 10
    # closing hides the children again without a new request
    toggle.click()
    expect(branch.locator(":scope > .children")).to_be_hidden()
    toggle.click()

    folder.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Clippings: Arrest of Anatoly Shcharansky"
    )
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name="Press clippings", exact=True)).to_be_visible()
    expect(crumbs.get_by_role("link", name="1977", exact=True)).to_be_visible()


def test_a_facet_narrows_the_results_and_shows_it_is_chosen(page):
    search_from_header(page, "Sharansky")
    before = total(page)
    narrow_to(page, "Collection", CLEVELAND)
    after = total(page)
    assert 0 < after < before
    facet = page.locator("aside.facets section.facet").filter(
        has=page.get_by_role("heading", name="Collection", exact=True)
    )
    chosen = facet.get_by_role("link", name=CLEVELAND)
    expect(chosen).to_have_attribute("aria-current", "true")
    expect(facet.locator("a[aria-current]")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Search in {CLEVELAND}")
    groups = page.locator(".results h2.group-title").all_inner_texts()
    assert {g.strip() for g in groups} == {CLEVELAND}

    # a second facet narrows further; clicking the chosen value again lets it go
    narrow_to(page, "Level", "file")
    assert total(page) < after
    facet.get_by_role("link", name=CLEVELAND).click()
    page.wait_for_load_state()
    expect(facet.locator("a[aria-current]")).to_have_count(0)
    assert total(page) > after


def test_the_pages_work_without_javascript(browser, base_url, console_errors):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = watch(context.new_page(), console_errors)
        page.goto("/collections/DEMO-004/")
        series = page.locator("#contents li.branch").first
        link = series.locator(":scope > .line > a.title")
        name = link.inner_text().strip()
        # without a script there is no toggle: the title leads to the series' page
        expect(series.locator("button.toggle")).to_have_count(0)
        link.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        crumbs = page.get_by_role("navigation", name="Breadcrumb")
        expect(crumbs.get_by_role("link", name=NCSJ)).to_be_visible()
        expect(page.locator("#contents ol.tree > li").first).to_be_visible()

        # the citation is there to select
        expect(page.locator("#citation-text")).not_to_be_empty()
        copy = page.get_by_role("button", name="Copy citation")

        # the header search box submits without a script
        box = page.locator("header.site").get_by_role("searchbox", name="Search")
        box.fill("Shcharansky")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=Shcharansky"))
        assert total(page) > 0

        # without a script the copy button would do nothing: it must not show
        page.go_back()
        expect(copy).to_be_hidden()
    finally:
        context.close()
    assert console_errors == [], f"errors in the browser: {console_errors}"


def test_the_contact_page_has_a_form_with_labelled_fields(page, console_errors):
    response = page.goto("/contact/")
    assert response.ok
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    form = page.locator("main form[method=post]")
    expect(form).to_have_count(1)
    fields = form.locator("input:not([type=hidden]), textarea, select").filter(visible=True)
    assert fields.count() >= 3
    unlabelled = fields.evaluate_all(
        """els => els.filter(e => !(e.labels && e.labels.length)
                                  && !e.getAttribute('aria-label')
                                  && !e.getAttribute('aria-labelledby'))
                    .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    for label in ("Your name", "Email address"):
        expect(form.get_by_label(re.compile(label))).to_be_visible()
    expect(form.get_by_role("button", name=re.compile("Send"))).to_be_visible()


def test_ask_the_archive_about_a_folder_fills_in_the_form(page, console_errors):
    page.goto("/collections/DEMO-001/demo001-s3-ss2-f2/")
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=re.compile("Ask the archive about this")).click()
    assert navigation.value.ok
    expect(page).to_have_url(re.compile(r"/contact/\?collection=DEMO-001"))
    expect(page.get_by_label("Collection identifier(s)")).to_have_value("DEMO-001")

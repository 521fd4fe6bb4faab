"""Unpublishing a folder in the admin, in Debian's chromium: it vanishes from search
and from OAI-PMH at once, with the item it contains, and comes back when published.

The server is tests/workflow's: `fonds serve` over a fresh FONDS_HOME holding DEMO-001,
an archivist (who unpublishes the folder here) and a contributor (who is not offered
Publish or Unpublish at all). Screenshots go to test-results/. Without chromium or
Playwright the test skips, saying why (under CI=true it fails).
"""

from __future__ import annotations

from urllib.parse import quote

from tests.browser.conftest import browser  # noqa: F401 - the module-scoped chromium fixture
from tests.browser.helpers import screenshot, watch
from tests.workflow.test_browser import CONTRIBUTOR, server, sign_in  # noqa: F401

FOLDER = "demo001-s4-ss1-f5"
FOLDER_TITLE = "Freedom Sunday for Soviet Jews, Washington, D.C."
ITEM = "demo001-s4-ss1-f5-i1"
ITEM_TITLE = "Bus transportation from Cleveland"
OAI_RECORD = "/oai?verb=GetRecord&metadataPrefix=ead&identifier=" + quote(
    "oai:soviet-jewry-movement.example.org:collection/DEMO-001", safe=""
)


def _found(page, query: str) -> list[str]:
    """The addresses of the search results for ``query``, as the page links them."""
    page.goto("/search?q=" + quote(query))
    return page.eval_on_selector_all(
        "main a[href^='/collections/']", "links => links.map(a => a.getAttribute('href'))"
    )


def _oai(context) -> str:
    answer = context.request.get(OAI_RECORD)
    assert answer.status == 200
    return answer.text()


def _act_on_folder(page, action: str) -> None:
    page.goto("/admin/findingaids/component/?q=" + quote(FOLDER_TITLE))
    row = page.locator("#result_list tbody tr", has_text=FOLDER)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.locator(".messagelist").wait_for()


def test_an_unpublished_folder_vanishes_from_search_and_oai_pmh(browser, server):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    try:
        folder_url = f"/collections/DEMO-001/{FOLDER}/"
        item_url = f"/collections/DEMO-001/{ITEM}/"
        assert folder_url in _found(page, FOLDER_TITLE)
        assert item_url in _found(page, ITEM_TITLE)
        assert ITEM_TITLE in _oai(context)

        sign_in(page)  # an archivist
        expect(page.get_by_role("link", name="Uploads", exact=True)).to_be_visible()

        _act_on_folder(page, "unpublish")
        expect(page.locator(".messagelist")).to_contain_text("1 record(s) made drafts")
        screenshot(page, "admin-unpublished-folder")

        # staff are signed in in this context: ask as the public does, in a new one
        public = browser.new_context(base_url=server)
        try:
            visitor = public.new_page()
            assert folder_url not in _found(visitor, FOLDER_TITLE)
            assert item_url not in _found(visitor, ITEM_TITLE)
            screenshot(visitor, "search-without-unpublished-folder")
            assert visitor.goto(folder_url).status == 404
            assert visitor.goto(item_url).status == 404
            record = _oai(public)
            assert ITEM_TITLE not in record and FOLDER_TITLE not in record
            assert "Letter-writing campaign to Congress" in record  # the rest is still there
        finally:
            public.close()

        _act_on_folder(page, "publish")
        expect(page.locator(".messagelist")).to_contain_text("1 record(s) published")
        public = browser.new_context(base_url=server)
        try:
            visitor = public.new_page()
            assert folder_url in _found(visitor, FOLDER_TITLE)
            assert item_url in _found(visitor, ITEM_TITLE)
            assert ITEM_TITLE in _oai(public)
        finally:
            public.close()
        assert errors == [], errors
    finally:
        context.close()


def test_a_contributor_is_not_offered_publish_or_unpublish(browser, server):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    try:
        sign_in(page, CONTRIBUTOR)
        expect(page.get_by_role("link", name="Uploads", exact=True)).to_have_count(0)
        for listing in (
            "/admin/findingaids/component/?q=" + quote(FOLDER_TITLE),
            "/admin/findingaids/collection/",
        ):
            page.goto(listing)
            expect(page.locator("#result_list tbody tr").first).to_be_visible()
            choices = page.locator("select[name=action] option")
            values = [choices.nth(i).get_attribute("value") for i in range(choices.count())]
            assert not {"publish", "unpublish", "delete_selected"} & set(values), values
        screenshot(page, "contributor-collections-without-publish")
        # the folder's own page: looked at, nothing to change
        page.goto("/admin/findingaids/component/?q=" + quote(FOLDER_TITLE))
        page.locator("#result_list tbody tr", has_text=FOLDER).locator("a").first.click()
        expect(page.locator("h1")).to_contain_text("View")
        expect(page.locator("input[name=_save]")).to_have_count(0)
        expect(page.locator("input[name=published]")).to_have_count(0)
        assert errors == [], errors
    finally:
        context.close()

"""An archivist's upload in a real browser: Debian's chromium driven by Playwright.

A `fonds serve` process over a fresh FONDS_HOME holding DEMO-001 (loaded with
`fonds load`, as from the command line), an archivist and a contributor (real roles,
given with `fonds manage shell`, as an administrator would). In chromium, as the
archivist, who does this work day to day: sign in, upload a revised DEMO-001, read
the dry run, confirm, watch the background load finish, then restore the previous
version. Screenshots go to test-results/.
Without chromium or Playwright the test skips, saying why (under CI=true it fails).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import browser  # noqa: F401 - the module-scoped chromium fixture
from tests.browser.helpers import screenshot, watch
from tests.servers import fonds_env, run_fonds, start_server, stop_server

from .conftest import ADDED, ADDED_TITLE, DEMO, NEW_TITLE, REMOVED, edit_demo_001

USER, PASSWORD = "archivist", "a long test password 42"
CONTRIBUTOR = "contributor"
TIMEOUT = 120_000  # ms: a check or a load, in the background, under a busy machine
CREATE_STAFF = f"""
from django.contrib.auth import get_user_model
from fonds.staff.roles import give_role
for name, role in (({USER!r}, "Archivist"), ({CONTRIBUTOR!r}, "Contributor")):
    user = get_user_model().objects.create_user(name, name + "@example.org", {PASSWORD!r})
    give_role(user, role)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("workflow-home")
    env = fonds_env(home)
    run_fonds(env, "load", "--quiet", str(DEMO / "DEMO-001.xml"))
    run_fonds(env, "manage", "shell", "-c", CREATE_STAFF)
    process, url, log = start_server(home, env)
    SERVER_LOG[url] = log
    try:
        yield url
    finally:
        stop_server(process)


SERVER_LOG: dict[str, Path] = {}  # by base URL: tests/publishing shares the fixture, a URL


def server_log(url: str) -> str:
    """The end of the server's output, for a failure's message."""
    return SERVER_LOG[url].read_text(errors="replace")[-4000:]


def sign_in(page, username: str = USER) -> None:
    """Through the admin's sign-in form, as a person does."""
    from playwright.sync_api import expect

    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username.upper(), ignore_case=True)


def test_upload_dry_run_load_and_restore_in_chromium(browser, server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    revised = edit_demo_001(tmp_path / "DEMO-001.xml")
    errors: list[str] = []
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = watch(context.new_page(), errors)
    try:
        sign_in(page)
        expect(page.get_by_role("link", name="Uploads", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)

        # from the collections of the admin to the upload form
        page.goto("/admin/findingaids/collection/")
        page.get_by_role("link", name="Upload finding aids").click()
        page.set_input_files("input[type=file]", str(revised))
        page.fill("#id_note", "revised in the browser")
        page.click("text=Check the files")

        # the check runs in the background; the page refreshes itself until it is done
        load = page.locator("#load-button")
        expect(load).to_be_visible(timeout=TIMEOUT)
        summary = page.locator(".changes-summary")
        expect(summary).to_contain_text("1 added")
        expect(summary).to_contain_text("1 removed")
        expect(summary).to_contain_text("1 changed")
        for text in (ADDED, ADDED_TITLE, REMOVED, NEW_TITLE):
            expect(page.locator(".changes").first).to_contain_text(text)
        screenshot(page, "workflow-dry-run")

        # the confirmation is a form's POST: its answer (the job's page, queued) is
        # waited for, so a slow answer is not mistaken for the page before it
        try:
            with page.expect_navigation(timeout=TIMEOUT):
                load.click()
            status = page.locator("#job-status")
            expect(status).not_to_have_attribute("data-status", "checked")
            expect(status).to_have_attribute("data-status", "done", timeout=TIMEOUT)
        except Exception as error:  # an assertion or Playwright's timeout
            raise AssertionError(f"{error}\nserver log:\n{server_log(server)}") from error
        expect(page.locator(".job-results")).to_contain_text("replaced")
        screenshot(page, "workflow-loaded")
        page.goto(f"/collections/DEMO-001/{ADDED}/")
        expect(page.locator("h1")).to_contain_text(ADDED_TITLE)

        # the versions: the command line's first load, then the upload
        page.goto("/admin/workflow/findingaidversion/?collection_identifier=DEMO-001")
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("revised in the browser")
        expect(rows.nth(1)).to_contain_text("command line")
        rows.nth(1).get_by_role("link", name="restore").click()
        expect(page.locator(".changes-summary")).to_contain_text("1 added")
        screenshot(page, "workflow-restore")
        page.click("#restore-button")
        expect(page.locator("#job-status")).to_have_attribute(
            "data-status", "done", timeout=TIMEOUT
        )
        page.goto(f"/collections/DEMO-001/{REMOVED}/")
        expect(page.locator("h1")).to_contain_text("Minutes")
        page.goto("/admin/workflow/findingaidversion/?collection_identifier=DEMO-001")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("restored from version 1")
        screenshot(page, "workflow-versions")
    finally:
        context.close()
    assert errors == [], f"errors in the browser: {errors}"

"""An archivist in a real browser: sign in, change a variant name, find the change in
the record's history, and revert it. Debian's chromium, driven by Playwright.

The server is `fonds serve` over a fresh FONDS_HOME holding the demo roster and one
archivist (set up with `fonds` commands in subprocesses, as an operator would).
Without chromium or Playwright the test skips, saying why; under CI=true it fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import browser  # noqa: F401 - the module-scoped chromium fixture
from tests.browser.helpers import ROOT, screenshot, watch
from tests.servers import fonds_env, run_fonds, serving

PASSWORD = "an archivist's long password 42"  # a test account's
CREATE_ARCHIVIST = f"""
from django.contrib.auth import get_user_model
from fonds.staff.roles import give_role
user = get_user_model().objects.create_user("archie", "archie@example.org", {PASSWORD!r})
give_role(user, "Archivist")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("fonds-staff")
    env = fonds_env(home)
    run_fonds(env, "load", "--quiet", str(ROOT / "fonds" / "demo" / "roster.yaml"))
    run_fonds(env, "manage", "shell", "-c", CREATE_ARCHIVIST)
    with serving(home, env) as url:
        yield url


def test_an_archivist_edits_a_variant_name_sees_it_in_history_and_reverts_it(browser, server):  # noqa: F811
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    try:
        page.goto("/admin/")
        page.fill("#id_username", "archie")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")

        page.goto("/admin/authorities/agent/?q=Cleveland+Council")
        page.click("text=Cleveland Council on Soviet Anti-Semitism")
        page.wait_for_url("**/change/**")
        variant = page.locator("input[value='Cleveland Committee on Soviet Anti-Semitism']")
        variant.wait_for()
        assert variant.count() == 1
        name_field = variant.get_attribute("name")
        variant.fill("Cleveland Committee Against Soviet Anti-Semitism")
        screenshot(page, "staff-variant-name-edited")
        page.click("input[name=_continue]")
        page.wait_for_selector(".messagelist .success")
        assert page.input_value(f"input[name='{name_field}']") == (
            "Cleveland Committee Against Soviet Anti-Semitism"
        )

        page.click("a.historylink")
        related = page.locator("#related-history")
        related.wait_for()
        row = related.locator("tr", has_text="Cleveland Committee Against Soviet Anti-Semitism")
        assert row.count() >= 1
        assert "archie" in row.first.inner_text()
        assert "Cleveland Committee on Soviet Anti-Semitism" in row.first.inner_text()  # before
        screenshot(page, "staff-history")

        # the version before the edit: the row that created the name
        related.locator("tr", has_text="Created").first.locator("a").click()
        assert page.input_value("#id_name") == "Cleveland Committee on Soviet Anti-Semitism"
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist .success")
        screenshot(page, "staff-reverted")

        page.goto("/admin/authorities/agent/?q=Cleveland+Council")
        page.click("text=Cleveland Council on Soviet Anti-Semitism")
        assert page.input_value(f"input[name='{name_field}']") == (
            "Cleveland Committee on Soviet Anti-Semitism"
        )
        assert errors == [], errors
    finally:
        context.close()

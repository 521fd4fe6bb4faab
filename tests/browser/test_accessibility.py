"""axe-core on every page type (the printable roster and the research guides among
them), and a screenshot of each.

axe-core comes from npm (package.json at the repository root) and is injected
into the page, which the site's CSP (script-src 'self') would refuse: these
contexts bypass the CSP, for the axe run only. test_portal.py proves the pages
work with it.

Serious and critical violations fail the test; moderate and minor ones are
printed. Every result is also written to test-results/axe/<page-type>.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.helpers import ROOT, screenshot, watch

pytestmark = pytest.mark.slow

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
RESULTS = ROOT / "test-results" / "axe"
PHONE = {"width": 390, "height": 844}

# page type -> (address, what to do before the check)
PAGES: dict[str, tuple[str, str | None]] = {
    "home": ("/", None),
    "collections": ("/collections/", None),
    "collection": ("/collections/DEMO-001/", None),
    # the 6,763-component finding aid with a series opened in place
    "collection-large": ("/collections/DEMO-004/", "open-first-series"),
    "series": ("/collections/DEMO-001/demo001-s3-ss2/", None),
    "component": ("/collections/DEMO-001/demo001-s3-ss2-f2/", None),
    "search": ("/search?q=Щаранский", None),
    "search-filtered": ("/search?q=Sharansky&collection=DEMO-001&level=file", None),
    "search-empty": ("/search?q=zyxwvutsqr", None),
    "contact": ("/contact/", None),
    "print": ("/collections/DEMO-001/print/", None),
    "roster": ("/roster/", None),
    "organization": ("/roster/ncsj/", None),
    "person": ("/roster/natan-sharansky/", None),
    "roster-graph": ("/roster/graph/", None),
    "roster-print": ("/roster/print/", None),
    "timeline": ("/timeline/", None),
    "event": ("/timeline/1977-03-15-shcharansky-arrested/", None),
    "bibliography": ("/bibliography/", None),
    "work": ("/bibliography/beckerman-2010/", None),
    "page": ("/pages/about/", None),
    "guides": ("/guides/", None),
    "guide": ("/guides/immigration-and-resettlement/", None),
}

AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary})),
  }));
}"""


@pytest.fixture
def axe_page(browser, base_url, axe_script, console_errors) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = watch(context.new_page(), console_errors)
    yield page
    context.close()
    assert console_errors == [], f"errors in the browser: {console_errors}"


def check(page: Any, axe_script: Any, name: str) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe_script))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN, TAGS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=2)
    )
    for v in violations:
        for node in v["nodes"]:
            print(f"\naxe {name}: {v['impact']} {v['id']} ({v['help']}) at {node['target']}")
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(n['target'] for n in v['nodes'])}"
        for v in violations
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(axe_page, axe_script, name):
    address, before = PAGES[name]
    response = axe_page.goto(address)
    assert response.ok, f"{address} answered {response.status}"
    if before == "open-first-series":
        series = axe_page.locator("#contents li.branch").first
        series.locator(":scope > .line > button.toggle").press("Enter")  # by keyboard
        axe_page.locator("#contents li.branch[data-loaded=yes] ol.tree").first.wait_for()
    if name == "search-empty":
        assert "Nothing found" in axe_page.locator("main").inner_text()
    screenshot(axe_page, name)
    blocking = check(axe_page, axe_script, name)
    assert blocking == [], f"axe on {address}:\n{describe(blocking)}"


@pytest.mark.parametrize(
    ("name", "address", "series"),
    [
        ("collection-phone", "/collections/DEMO-001/", "demo001-s3"),
        ("collection-large-phone", "/collections/DEMO-004/", "demo004-s2"),
    ],
)
def test_the_collection_page_fits_a_phone(browser, base_url, console_errors, name, address, series):
    context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = watch(context.new_page(), console_errors)
        page.goto(address)
        # open a series and a branch below it: the deepest indentation the page shows
        branch = page.locator(f"#contents li.branch[data-children$='/{series}/children/']")
        branch.locator(":scope > .line > button.toggle").tap()
        inner = branch.locator(":scope > .children li.branch").first
        inner.locator(":scope > .line > button.toggle").tap()
        inner.locator(":scope > .children ol.tree").wait_for()
        screenshot(page, name)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{address} is {width}px wide: {widest(page)}"
    finally:
        context.close()
    assert console_errors == [], f"errors in the browser: {console_errors}"


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("home-phone", "/"),
        ("collections-phone", "/collections/"),
        ("component-phone", "/collections/DEMO-001/demo001-s3-ss2-f2/"),
        ("search-phone", "/search?q=Щаранский"),
        ("contact-phone", "/contact/"),
    ],
)
def test_the_other_pages_fit_a_phone(browser, base_url, console_errors, name, address):
    context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = watch(context.new_page(), console_errors)
        assert page.goto(address).ok
        screenshot(page, name)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{address} is {width}px wide: {widest(page)}"
    finally:
        context.close()
    assert console_errors == [], f"errors in the browser: {console_errors}"


def widest(page: Any) -> list[str]:
    """The innermost elements that reach past the right edge of the phone."""
    found: list[str] = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1
                && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1))
            .slice(0, 5)
            .map(e => `${e.localName}.${e.className} ${e.getBoundingClientRect().right}px`)""",
        PHONE["width"],
    )
    return found

"""No payload in any field runs in the browser, on any page type.

The hostile records (:mod:`tests.security.hostile`: an EAD 2002 and an EAD3 finding
aid with payloads in every text field, link and attribute, an EAC-CPF record, a
roster, a timeline and a bibliography) are loaded and served by a real ``fonds
serve``; Debian's chromium opens every page type, plus a search for every payload.

The admin is opened too, signed in as an archivist: the pages that show what was
loaded (lists, change pages with their inlines, histories after an edit, the dry run
of a hostile revision, the job page after its load, the version list, the comparison
of versions and the restore page), which run the same scan. A research guide with
payloads in its title, summary, introduction and entry notes is among the pages.

The browser context bypasses the site's Content-Security-Policy: the CSP would stop
inline scripts anyway (tests/security/test_web.py checks it is sent), so these tests
check the markup itself. On every page nothing may run (``window.__xss``, the title,
a dialog) and the DOM may hold no event-handler attribute, no ``javascript:``,
``vbscript:`` or ``data:`` link, no inline script, frame, object, base or refresh.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.browser.helpers import screenshot, watch
from tests.security.conftest import ARCHIVIST_USER, STAFF_PASSWORD
from tests.security.hostile import HREFS, MARKERS, PAYLOADS, RUN, revised_ead2002

pytestmark = pytest.mark.slow

OAI_ID = "oai:soviet-jewry-movement.example.org:collection/XSS-EAD2002"
START = [
    "/",
    "/collections/",
    "/collections/XSS-EAD2002/",
    "/collections/XSS-EAD2002/print/",
    "/collections/XSS-EAD2002/series-1/",
    "/collections/XSS-EAD2002/series-1/children/",
    "/collections/XSS-EAD2002/file-1/",
    "/collections/XSS-EAD2002/item-1/",
    "/collections/XSS-EAD3/",
    "/collections/XSS-EAD3/print/",
    "/collections/XSS-EAD3/s1/",
    "/collections/XSS-EAD3/f1/",
    "/roster/",
    "/roster/graph/",
    "/roster/print/",
    "/roster/xss-organization/",
    "/roster/xss-person/",
    "/timeline/",
    "/timeline/xss-event/",
    "/bibliography/",
    "/bibliography/xss-work/",
    "/bibliography/xss-book/",
    "/search?q=XSS",
    "/search?q=XSS00&type=collection",
    "/contact/",
    "/guides/",
    "/guides/xss-guide/",
    # JSON and XML, opened in the browser as a visitor would
    "/collections/XSS-EAD2002/ead.xml",
    "/collections/XSS-EAD3/ead.xml",
    "/roster/xss-eac/eac-cpf.xml",
    "/api/v1/collections/XSS-EAD2002",
    "/api/v1/collections/XSS-EAD2002/components/series-1",
    "/api/v1/agents/xss-organization",
    "/api/v1/events/xss-event",
    "/api/v1/works/xss-work",
    "/api/v1/search?q=XSS",
    f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={OAI_ID}",
    f"/oai?verb=GetRecord&metadataPrefix=ead&identifier={OAI_ID}",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={quote(PAYLOADS[0])}",
]
# Links not followed: files the browser downloads rather than shows.
DOWNLOADS = (".pdf", ".csv", ".bib", ".ris", ".yaml", ".json", ".xml")
MORE_PAGES = 30  # same-site pages found in links, opened after START

# Everything a payload could leave behind in the DOM that runs, or could run on a click.
SCAN = """() => {
  const found = [];
  const bad = /^(javascript|vbscript|livescript|data):/i;
  const urlAttributes = new Set(["href", "src", "action", "formaction", "data", "poster",
    "background", "srcdoc", "xlink:href", "codebase", "cite", "longdesc", "ping"]);
  const live = new Set(["http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg",
    "http://www.w3.org/1998/Math/MathML"]);
  for (const el of document.querySelectorAll("*")) {
    if (!live.has(el.namespaceURI)) continue;  // other XML elements never run
    const tag = el.localName;
    const where = `${tag}@${location.pathname}${location.search}`;
    if (["iframe", "frame", "object", "embed", "base", "applet"].includes(tag))
      found.push(`<${tag}> element: ${where}`);
    if (tag === "meta" && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh")
      found.push(`meta refresh: ${where}`);
    if (tag === "script") {
      const type = el.getAttribute("type") || "";
      if (el.hasAttribute("src")) {
        if (new URL(el.src, location.href).origin !== location.origin)
          found.push(`foreign script ${el.src}`);
      } else if (type !== "application/ld+json") {
        found.push(`inline script: ${el.textContent.slice(0, 80)} (${where})`);
      } else {
        try { JSON.parse(el.textContent); } catch (e) { found.push(`broken JSON-LD: ${where}`); }
      }
    }
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      if (name.startsWith("on")) found.push(`${name}= on ${where}`);
      if (urlAttributes.has(name)) {
        // where the browser would go: it drops tabs, newlines and outer C0/space itself
        let target = "";
        try { target = new URL(value, location.href).href; } catch (e) { target = value; }
        if (bad.test(target) && !/^data:image\\/(png|gif|jpeg|webp)[;,]/i.test(target))
          found.push(`${name}="${value.slice(0, 60)}" on ${where}`);
      }
      if (name === "style" && /expression\\(|javascript:|url\\(/i.test(value))
        found.push(`style="${attribute.value.slice(0, 60)}" on ${where}`);
    }
  }
  return found;
}"""


class Visits:
    """Opens pages in one tab and keeps the score."""

    def __init__(self, page: Any, base_url: str, secret: str) -> None:
        self.page = page
        self.base_url = base_url
        self.secret = secret
        self.dialogs: list[str] = []
        self.executed: list[str] = []
        self.leaks: list[str] = []
        self.statuses: dict[str, int] = {}
        self.pages = 0
        self.tried = 0  # payload x page: a payload's marker reached the page
        self.searches = 0
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def open(self, path: str) -> str:
        """Open `path`, check it, and return its text."""
        try:
            response = self.page.goto(path, wait_until="load")
        except Exception as error:  # a download is never rendered, so nothing runs
            if "Download is starting" in str(error):
                return ""
            raise
        assert response is not None, path
        self.statuses[path] = response.status
        self.page.wait_for_timeout(30)  # let onerror/onload handlers of failed images fire
        self.pages += 1
        state = self.page.evaluate(
            "() => ({xss: window.__xss, title: document.title,"
            " text: document.documentElement.textContent})"
        )
        if state["xss"] is not None or state["title"] == "pwned":
            self.executed.append(f"{path}: __xss={state['xss']} title={state['title']!r}")
        self.leaks.extend(self.page.evaluate(SCAN))
        text: str = state["text"] or ""
        assert self.secret not in text and self.secret not in self.page.content(), path
        self.tried += sum(marker in text for marker in MARKERS)
        return text

    def links(self) -> set[str]:
        hrefs: list[str] = self.page.evaluate(
            "() => [...document.querySelectorAll('a[href]')].map(a => {"
            " try { return new URL(a.getAttribute('href'), location.href).href; }"
            " catch (e) { return ''; } })"
        )
        out = set()
        for href in hrefs:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.base_url:
                continue
            if parts.path.startswith(("/static/", "/admin/")) or parts.path.endswith(DOWNLOADS):
                continue
            out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        return out


@pytest.fixture(scope="module")
def visits(browser, server) -> Iterator[Visits]:
    context = browser.new_context(
        base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    yield Visits(page, server.url, server.secret_key())
    context.close()


def test_no_payload_runs_on_any_page_type(visits, server):
    seen: set[str] = set()
    queue = list(START)
    found: list[str] = []
    for path in queue:
        seen.add(path)
        visits.open(path)
        found.extend(sorted(visits.links() - seen - set(queue) - set(found)))
    more = [p for p in found if not p.startswith("/search")][:MORE_PAGES]
    for path in more:
        visits.open(path)
    print(
        f"\nXSS pages: {visits.pages} opened ({len(START)} page types + {len(more)} found "
        f"by links), payload x page: {visits.tried}, executed: {len(visits.executed)}, "
        f"dialogs: {len(visits.dialogs)}, leaks: {len(visits.leaks)}"
    )
    failed = {p: s for p, s in visits.statuses.items() if s >= 500}
    assert not failed, f"server errors: {failed}"
    missing = {p: s for p, s in visits.statuses.items() if p in START and s != 200}
    assert not missing, f"pages that should be there: {missing}"
    assert visits.executed == [] and visits.dialogs == [], visits.executed + visits.dialogs
    assert visits.leaks == [], "\n".join(sorted(set(visits.leaks))[:40])
    # every payload reached the pages as text (escaped, not dropped)
    assert visits.tried >= len(PAYLOADS) * 20


@pytest.mark.parametrize("kind", ["page", "api", "collections"])
def test_no_payload_runs_as_a_search_query(visits, kind):
    queries = [*PAYLOADS, *HREFS]
    if kind != "page":  # the page shows the query most ways; the others every third one
        queries = queries[::3]
    for query in queries:
        if kind == "page":
            path = f"/search?q={quote(query)}&type=collection&from={quote(query)}"
        elif kind == "api":
            path = f"/api/v1/search?q={quote(query)}"
        else:
            path = f"/collections/?q={quote(query)}&sort={quote(query)}&creator={quote(query)}"
        visits.open(path)
        assert visits.statuses[path] < 500, path
        if kind == "api":
            json.loads(visits.page.evaluate("() => document.body.innerText"))
    print(
        f"\nXSS queries ({kind}): {len(queries)}; all pages so far: {visits.pages}, "
        f"payload x page: {visits.tried}, executed: {len(visits.executed)}, "
        f"leaks: {len(visits.leaks)}"
    )
    assert visits.executed == [] and visits.dialogs == [], visits.executed + visits.dialogs
    assert visits.leaks == [], "\n".join(sorted(set(visits.leaks))[:40])


def test_the_hostile_guide_shows_every_payload_as_text(visits):
    """Title, summary, introduction and every entry's note: shown, never run."""
    text = visits.open("/guides/xss-guide/")
    assert visits.statuses["/guides/xss-guide/"] == 200
    assert [m for m in MARKERS if m not in text] == []
    assert visits.page.locator("ol.guide-entries > li").count() == 5  # every note's entry
    listing = visits.open("/guides/")
    assert "XSS01" in listing and "XSS02" in listing  # the title, in the list of guides
    assert visits.executed == [] and visits.dialogs == [], visits.executed + visits.dialogs
    assert visits.leaks == [], "\n".join(sorted(set(visits.leaks))[:40])


# -- the admin, where staff read what was loaded ------------------------------------------

ADMIN_LISTS = [
    "/admin/authorities/agent/?q=XSS",
    "/admin/timeline/event/?q=XSS",
    "/admin/bibliography/work/?q=XSS",
    "/admin/findingaids/collection/?q=XSS",
    "/admin/findingaids/component/?q=XSS",
    "/admin/findingaids/accessterm/?q=XSS",
    "/admin/findingaids/digitalobject/?q=XSS",
    "/admin/guides/guide/?q=xss",
    "/admin/workflow/findingaidversion/?collection_identifier=XSS-EAD2002",
]
TIMEOUT = 180_000  # ms: a check or a load of a 1 MB hostile file, on a busy machine


def change_links(visits: Visits) -> list[str]:
    """The change pages a list links to."""
    hrefs: list[str] = visits.page.eval_on_selector_all(
        "#result_list a[href*='/change/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(href.split("?")[0] for href in hrefs))


def scanned(visits: Visits, name: str) -> int:
    """Scan the page the browser is on (after a click or a form), and screenshot it."""
    parts = urlsplit(visits.page.url)
    markers = shown_markers(visits, parts.path + (f"?{parts.query}" if parts.query else ""))
    screenshot(visits.page, f"xss-admin-{name}")
    return markers


def shown_markers(visits: Visits, address: str) -> int:
    """Open and scan ``address``; how many payloads' markers it shows as text."""
    text = visits.open(address)
    return sum(marker in text for marker in MARKERS)


def save_edit(page: Any, fields: dict[str, str]) -> None:
    page.wait_for_selector(next(iter(fields)))  # the change page is there
    # SQLite kept loaded values longer than their fields allow: the form would refuse them
    page.evaluate(
        "() => document.querySelectorAll('input[maxlength], textarea[maxlength]').forEach("
        "e => { if (e.value.length > e.maxLength) e.value = e.value.slice(0, e.maxLength); })"
    )
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    problems = page.locator(".errornote, .errorlist")
    assert problems.count() == 0, [problems.nth(i).inner_text() for i in range(problems.count())]


def test_no_payload_runs_in_the_admin(browser, server, tmp_path):
    """As an archivist: every list and change page, an edit and its history, the dry
    run of a hostile revision, its load, the versions compared, a restore."""
    from playwright.sync_api import expect

    context = browser.new_context(
        base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(60_000)
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    visits = Visits(page, server.url, server.secret_key())
    shown: dict[str, int] = {}
    try:
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", ARCHIVIST_USER)
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")

        changes: list[str] = []
        for address in ADMIN_LISTS:
            shown[address] = shown_markers(visits, address)
            changes.extend(change_links(visits)[:3])
        for address in changes:
            shown[address] = shown_markers(visits, address)

        # an edit to a hostile roster record and to the guide: their histories
        visits.open("/admin/authorities/agent/?q=xss-organization")
        page.locator("#result_list a[href*='/change/']").first.click()
        save_edit(page, {"#id_summary": f"XSSEDIT <script>{RUN}</script>"})
        page.click("a.historylink")
        page.wait_for_selector("#change-history")
        shown["agent history"] = scanned(visits, "agent-history")
        page.locator("#change-history a[href*='/history/']").last.click()
        shown["agent version"] = scanned(visits, "agent-version")

        visits.open("/admin/guides/guide/?q=xss")
        page.locator("#result_list a[href*='/change/']").first.click()
        save_edit(
            page,
            {
                "#id_title": f"XSS guide edited <img src=x onerror={RUN}>",
                "#id_entries-0-note": f"XSSNOTE <svg onload={RUN}>",
            },
        )
        page.click("a.historylink")
        page.wait_for_selector("#related-history")
        shown["guide history"] = scanned(visits, "guide-history")

        # a hostile revision of the finding aid: the dry run, the load, the versions
        revised = tmp_path / "xss-ead2002.xml"
        revised.write_text(revised_ead2002(), encoding="utf-8")
        visits.open("/admin/workflow/uploadjob/upload/")
        page.set_input_files("input[type=file]", str(revised))
        page.fill("#id_note", f"XSSNOTE <script>{RUN}</script>")
        page.click("text=Check the files")
        expect(page.locator("#load-button")).to_be_visible(timeout=TIMEOUT)
        shown["dry run"] = scanned(visits, "dry-run")
        page.click("#load-button")
        expect(page.locator("#job-status")).to_have_attribute(
            "data-status", "done", timeout=TIMEOUT
        )
        shown["loaded"] = scanned(visits, "loaded")

        visits.open("/admin/workflow/findingaidversion/?collection_identifier=XSS-EAD2002")
        rows = page.locator("#result_list tbody tr")
        expect(rows).to_have_count(2)
        rows.nth(1).get_by_role("link", name="compare with current").click()
        expect(page.locator(".changes-summary")).to_be_visible()
        shown["compare"] = scanned(visits, "compare")
        visits.open("/admin/workflow/findingaidversion/?collection_identifier=XSS-EAD2002")
        rows.nth(1).get_by_role("link", name="restore").click()
        expect(page.locator("#restore-button")).to_be_visible()
        shown["restore"] = scanned(visits, "restore")
        page.click("#restore-button")  # back to the file as loaded, for the other tests
        expect(page.locator("#job-status")).to_have_attribute(
            "data-status", "done", timeout=TIMEOUT
        )
        shown["restored"] = scanned(visits, "restored")
    finally:
        context.close()
    print(
        f"\nXSS admin pages: {visits.pages} opened, payload x page: {visits.tried}, "
        f"executed: {len(visits.executed)}, dialogs: {len(visits.dialogs)}, "
        f"leaks: {len(visits.leaks)}"
    )
    failed = {p: s for p, s in visits.statuses.items() if s >= 400}
    assert not failed, f"admin pages that failed: {failed}"
    assert visits.executed == [] and visits.dialogs == [], visits.executed + visits.dialogs
    assert visits.leaks == [], "\n".join(sorted(set(visits.leaks))[:40])
    # the payloads were there to run, shown as text
    for name in ("agent history", "guide history", "dry run", "compare", "restore"):
        assert shown[name] > 0, f"no payload reached the {name} page"
    assert len(changes) >= 10
    assert errors == [] or all("HTTP 404" in e for e in errors), errors

"""The admin needs a sign-in, every form needs its CSRF token, every page its headers.

Requests go to a real ``fonds serve`` (tests/security/conftest.py). The URLs come
from the project's URL patterns, walked programmatically, so a page or form added
later is checked without this file changing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.conftest import STAFF_PASSWORD, STAFF_USER, Server
from tests.servers import fonds_env, start_server, stop_server

# Values for the URL patterns' parameters: records the hostile files load.
IDENTIFIERS = {
    "findingaids": "XSS-EAD2002",
    "authorities": "xss-organization",
    "timeline": "xss-event",
    "bibliography": "xss-work",
    "api": "XSS-EAD2002",
}
PARAMETERS = {"ref": "series-1", "slug": "about", "name": "timeline-csv"}
# POST endpoints that change nothing and take no cookie: OAI-PMH allows POST for
# requests too long for a URL (protocol 3.1.1.2); the JSON API answers 405.
READ_ONLY_POSTS = {"/oai"}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern)


def _concrete(namespace: str, route: str) -> str | None:
    """A URL for a route, its parameters filled in; None for regular expressions."""
    if route.startswith("^"):
        return None

    def fill(match: re.Match[str]) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if name == "identifier":
            return IDENTIFIERS.get(namespace, "1")
        if converter == "int" or name.endswith("id"):
            return "1"
        return PARAMETERS.get(name, "1")

    return "/" + re.sub(r"<([^>]+)>", fill, route)


def site_urls() -> list[str]:
    """Every public URL pattern of the project, filled in (the admin's aside)."""
    urls = set()
    for namespace, route in _walk(get_resolver().url_patterns):
        url = _concrete(namespace, route)
        # the PDF takes seconds to typeset and holds no form: its headers are the same
        if url is not None and not url.startswith("/admin/") and not url.endswith(".pdf"):
            urls.add(url)
    return sorted(urls)


def admin_urls() -> list[str]:
    urls = set()
    for _, route in _walk(admin.site.get_urls()):
        url = _concrete("admin", route.lstrip("^").replace("$", ""))
        if url is not None:
            urls.add("/admin" + url)
    for model in admin.site._registry:  # every model's list, add, change, delete, history
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls.update({base, base + "add/", base + "1/change/", base + "1/delete/"})
        urls.add(base + "1/history/")
    return sorted(urls)


class Forms(HTMLParser):
    """The POST forms of a page, with their action and whether they carry a token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._open = {"action": values.get("action", ""), "token": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open and values.get("name") == "csrfmiddlewaretoken":
            self._open["token"] = bool(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def check_headers(url: str, response: requests.Response) -> list[str]:
    h = response.headers
    problems = []
    csp = h.get("Content-Security-Policy", "")
    directives = {
        d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d.strip()
    }
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"{url}: script-src {scripts} in {csp!r}")
    if directives.get("frame-ancestors") != ["'none'"] and h.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: may be framed")
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"{url}: object-src {directives.get('object-src')}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: X-Content-Type-Options {h.get('X-Content-Type-Options')}")
    if h.get("Referrer-Policy") not in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    ):
        problems.append(f"{url}: Referrer-Policy {h.get('Referrer-Policy')}")
    if "Strict-Transport-Security" in h:  # never over plain http
        problems.append(f"{url}: HSTS over http")
    return problems


@pytest.fixture(scope="module")
def staff(server: Server) -> Iterator[requests.Session]:
    """A signed-in staff session, signed in through the admin's own form."""
    session = requests.Session()
    login = server.url + "/admin/login/"
    page = session.get(login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    signed_in = session.post(
        login + "?next=/admin/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": STAFF_USER,
            "password": STAFF_PASSWORD,
        },
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:2000]
    yield session
    session.close()


def test_every_admin_url_sends_anonymous_visitors_to_sign_in(server):
    urls = admin_urls()
    open_pages = []
    for url in urls:
        response = requests.get(server.url + url, allow_redirects=False, timeout=30)
        if url.rstrip("/") == "/admin/login":
            assert response.status_code == 200
            continue
        location = response.headers.get("Location", "")
        if response.status_code not in (301, 302) or not (
            location.startswith("/admin/login/") or location == "/admin/"
        ):
            open_pages.append(f"{url}: {response.status_code} {location}")
    print(f"\nadmin URLs tried anonymously: {len(urls)}")
    assert len(urls) > 20
    assert open_pages == []


@pytest.fixture(scope="module")
def fetched(server, staff) -> list[tuple[Any, str, requests.Response]]:
    """Every public URL fetched anonymously, every admin URL by staff: once."""
    anonymous = requests.Session()
    out = []
    for session, urls in ((anonymous, site_urls()), (staff, ["/admin/login/", *admin_urls()])):
        for url in urls:
            out.append((session, url, session.get(server.url + url, timeout=60)))
    return out


def test_every_post_needs_its_csrf_token(server, fetched):
    """Every POST form carries a token; a POST without one is refused (403)."""
    form_pages = []
    accepted = []
    targets = []
    for session, url, page in fetched:
        html = "html" in page.headers.get("Content-Type", "")
        for form in post_forms(page.text) if html else []:
            form_pages.append(url)
            assert form["token"], f"a POST form without a CSRF token on {url}"
            targets.append((session, form["action"] or url))
        if url not in READ_ONLY_POSTS:
            targets.append((session, url))
    for session, target in targets:
        if not target.startswith("/"):
            continue
        response = session.post(
            server.url + target,
            data={"name": "x", "email": "x@example.org", "message": "x", "username": "x"},
            headers={"Referer": server.url + target},
            allow_redirects=False,
            timeout=60,
        )
        # refused: 403 (no token), 405 (no POST here), 404 (nothing here)
        if response.status_code not in (403, 404, 405):
            accepted.append(f"{target}: {response.status_code}")
    print(
        f"\nCSRF: {len(set(form_pages))} pages with POST forms, {len(targets)} POSTs "
        f"without a token, {len(accepted)} accepted"
    )
    assert {"/contact/", "/admin/login/"} <= set(form_pages)
    assert accepted == []


def test_read_only_post_endpoints_change_nothing(server):
    for url in READ_ONLY_POSTS:
        get = requests.get(server.url + url, params={"verb": "Identify"}, timeout=30)
        post = requests.post(server.url + url, data={"verb": "Identify"}, timeout=30)
        assert post.status_code == get.status_code == 200
        assert b"<Identify>" in post.content


def test_every_page_type_sends_the_security_headers(server, fetched):
    problems = []
    for _, url, response in fetched:
        problems.extend(check_headers(url, response))
    checked = len(fetched)
    # errors carry them too
    for url in ("/no-such-page/", "/collections/NOPE/", "/api/v1/nope", "/oai?verb=Nope"):
        problems.extend(check_headers(url, requests.get(server.url + url, timeout=30)))
        checked += 1
    print(f"\nsecurity headers checked on {checked} responses")
    assert problems == []


def test_hsts_over_https_behind_a_proxy(hostile_home):
    """With an https FONDS_BASE_URL behind one proxy: HSTS and Secure cookies."""
    env = dict(
        fonds_env(hostile_home),
        FONDS_BASE_URL="https://archive.example.org",
        FONDS_PROXY_COUNT="1",
        FONDS_ALLOWED_HOSTS="127.0.0.1",
    )
    process, url, _ = start_server(hostile_home, env)
    try:
        over_https = requests.get(
            url + "/contact/", headers={"X-Forwarded-Proto": "https"}, timeout=30
        )
        over_http = requests.get(url + "/contact/", timeout=30)
    finally:
        stop_server(process)
    hsts = over_https.headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=3153600\d.*", hsts), over_https.headers
    assert "Strict-Transport-Security" not in over_http.headers
    cookie = over_https.headers.get("Set-Cookie", "")
    assert "csrftoken" in cookie and "Secure" in cookie, cookie


def test_admin_pages_run_under_their_csp_in_chromium(browser, server):
    """The admin's stricter CSP (no inline script) leaves its pages working."""
    from tests.browser.helpers import watch

    context = browser.new_context(base_url=server.url)
    errors: list[str] = []
    page = watch(context.new_page(), errors)
    page.goto("/admin/login/")
    page.fill("#id_username", STAFF_USER)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    for model in list(admin.site._registry)[:6]:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        page.goto(base)
        page.goto(base + "add/")
    context.close()
    violations = [e for e in errors if "Content Security Policy" in e or "script:" in e]
    assert violations == []

"""The portal in a real browser: Debian's chromium driven by Playwright.

A session starts one ``fonds`` server on the demo archive, as a user runs it
(``fonds demo``, then ``fonds serve``, in subprocesses), and one chromium. The
browser is Debian's (``apt-get install chromium``), launched by path: Playwright
never downloads one. axe-core comes from npm (``npm ci`` at the repository root).

Without chromium, Playwright or axe-core the tests skip, saying why; under
CI=true a missing one is a failure, never a skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import AXE, CHROMIUM, CHROMIUM_ARGS, watch
from tests.conftest import IN_CI, need
from tests.servers import fonds_env, run_fonds, serving

# The demo loads 4 finding aids (DEMO-004 alone holds 6,763 components).
DEMO_TIMEOUT = 600


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing dependency is a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> Iterator[str]:
    """A `fonds serve` process over a fresh FONDS_HOME holding the demo archive."""
    home = tmp_path_factory.mktemp("fonds-home")
    env = fonds_env(home)
    started = time.perf_counter()
    run_fonds(env, "demo", "--quiet", timeout=DEMO_TIMEOUT)
    print(f"\nfonds demo: {time.perf_counter() - started:.1f} s")
    with serving(home, env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, launched by path (never downloaded).

    Module-scoped: Playwright's sync API keeps an asyncio loop on this thread while
    it runs, and Django refuses database calls from a thread with a running loop, so
    the browser must be gone before the tests after these modules run."""
    if not CHROMIUM.exists():
        _missing(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, base_url) -> Iterator[Any]:
    """A fresh browser context WITH the site's Content-Security-Policy in force."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Script errors, console errors and failed requests of `page`.

    A resource the CSP blocked, or a script that threw, is a bug the user meets.
    """
    return []


@pytest.fixture
def page(context, console_errors) -> Iterator[Any]:
    page = watch(context.new_page(), console_errors)
    yield page
    assert console_errors == [], f"errors in the browser: {console_errors}"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return need(AXE, "axe-core (run `npm ci` at the repository root)")

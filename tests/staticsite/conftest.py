"""The demo archive exported as a static site, served by Python's http.server.

A session runs ``fonds demo`` into a fresh FONDS_HOME and ``fonds export-site DIR``,
both in subprocesses as a user runs them, then serves DIR with the standard
library's http.server on a free port: no fonds, no Django behind it. The browser is
Debian's chromium launched as tests/browser launches it. Without chromium, Playwright
or Pagefind the tests skip, saying why; under CI=true that is a failure.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT
from tests.conftest import IN_CI
from tests.servers import fonds_env

EXPORT_TIMEOUT = 1800


def missing(message: str) -> None:
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing dependency is a failure)")
    pytest.skip(message)


@dataclass
class Export:
    home: Path  # the FONDS_HOME the demo was loaded into
    folder: Path  # the exported site
    result: subprocess.CompletedProcess[str]
    seconds: float


def fonds(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = fonds_env(home)
    return subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=EXPORT_TIMEOUT,
    )


@pytest.fixture(scope="session")
def exported(tmp_path_factory) -> Export:
    """The demo archive, exported with `fonds export-site` (PDFs included)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        missing("the pagefind package is not installed (pip install 'pagefind[bin]')")
    if get_executable() is None:
        missing("the Pagefind binary is not installed (pip install 'pagefind[bin]')")
    home = tmp_path_factory.mktemp("fonds-home")
    demo = fonds(home, "demo", "--quiet")
    assert demo.returncode == 0, f"fonds demo failed:\n{demo.stdout}\n{demo.stderr}"
    folder = tmp_path_factory.mktemp("export") / "site"
    started = time.perf_counter()
    result = fonds(home, "export-site", str(folder))
    seconds = time.perf_counter() - started
    print(f"\nfonds export-site: {seconds:.1f} s\n{result.stdout}")
    assert result.returncode == 0, f"export-site failed:\n{result.stdout}\n{result.stderr}"
    return Export(home, folder, result, seconds)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def static_url(exported) -> Iterator[str]:
    """The exported folder served as plain files on 127.0.0.1 (any free port)."""
    handler = functools.partial(_Quiet, directory=str(exported.folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, launched by path as tests/browser does (never downloaded).

    Module-scoped: Playwright's sync API keeps an asyncio loop on this thread while
    it runs, and Django refuses database calls from a thread with a running loop, so
    the browser must be gone before the tests after these modules run."""
    if not CHROMIUM.exists():
        missing(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Offline:
    """What the page asked for: every request, and those stopped for leaving the
    static server."""

    requested: list[str]
    aborted: list[str]


@pytest.fixture
def offline(browser, static_url) -> Iterator[tuple[Any, Offline]]:
    """A browser context that can reach the static server and nothing else."""
    context = browser.new_context(base_url=static_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    seen = Offline([], [])

    def route(route: Any) -> None:
        url = route.request.url
        seen.requested.append(url)
        if url == static_url or url.startswith(static_url + "/"):
            route.continue_()
        else:
            seen.aborted.append(url)
            route.abort()

    context.route("**/*", route)
    yield context, seen
    context.close()

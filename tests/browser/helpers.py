"""What the browser tests share: where things are, how chromium starts, small actions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path(os.environ.get("FONDS_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def watch(page: Any, errors: list[str]) -> Any:
    """Collect into `errors` what went wrong in `page`: a script error, a console
    error (the CSP refusing something is one), a request that failed or got a 4xx/5xx.
    """

    def on_console(message: Any) -> None:
        # "Failed to load resource" names no URL: the response handler does
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            errors.append(f"HTTP {response.status}: {response.url}")

    page.on("pageerror", lambda error: errors.append(f"script: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)

    def on_failed(request: Any) -> None:
        # a request cut short by the next navigation is no fault of the page
        if request.failure != "net::ERR_ABORTED":
            errors.append(f"failed: {request.url} {request.failure}")

    page.on("requestfailed", on_failed)
    return page


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot in test-results/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

"""Where each page of the live portal goes in the static site, and its links rewritten.

A static web server ignores query strings, so every live address that needs one gets
a path of its own, and the links to it are rewritten to that path:

==========================================  ======================================
live                                        static
==========================================  ======================================
``/collections/?page=2``                    ``/collections/page/2/``
``/collections/C1/R1/?page=3``              ``/collections/C1/R1/page/3/``
``/collections/C1/R1/children/?page=2``     ``/collections/C1/R1/children/page/2/``
``/timeline/?decade=1970``                  ``/timeline/decade/1970/``
``/bibliography/?style=chicago-author-date``  ``/bibliography/style/chicago-author-date/``
``/roster/A1/eac-cpf.xml?version=2.0``      ``/roster/A1/eac-cpf-2.0.xml``
``/search?q=...`` (any query)               ``/search/?q=...`` (read by a script)
``/contact/?collection=...``                ``/contact/``
==========================================  ======================================

Every other address keeps its path: a page is written as ``<path>/index.html``, so
``/collections/C1/`` works on any web server. Links stay absolute paths; with a base
path (a site served under ``/archive/``) each one is prefixed with it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urlsplit

# Attributes that hold an address of the site (data-children: the contents tree).
_ADDRESS = re.compile(r"(?<=\s)(href|src|action|data-children)=\"([^\"]*)\"")
_DECADE = re.compile(r"-?\d{1,4}")
_SLUG = re.compile(r"[A-Za-z0-9_-]{1,80}")
SEARCH_PAGE = "/search/"
CONTACT_PAGE = "/contact/"
DEFAULT_STYLE = "chicago-notes-bibliography"


def static_path(path: str, query: str) -> str | None:
    """The static path standing for a live ``path?query``, or None when the query
    has no page of its own (a static server then serves the page without it)."""
    params = dict(parse_qsl(query))
    if len(params) != 1:
        return None
    ((name, value),) = params.items()
    if name == "page" and value.isdigit() and path.endswith("/"):
        number = int(value)
        return path if number <= 1 else f"{path}page/{number}/"
    if name == "decade" and path == "/timeline/" and _DECADE.fullmatch(value):
        return f"/timeline/decade/{int(value)}/"
    if name == "style" and path == "/bibliography/" and _SLUG.fullmatch(value):
        return path if value == DEFAULT_STYLE else f"/bibliography/style/{value}/"
    if name == "version" and value == "2.0" and path.endswith("/eac-cpf.xml"):
        return path.removesuffix(".xml") + "-2.0.xml"
    return None


def file_of(path: str) -> PurePosixPath:
    """The file, relative to the site's folder, that answers a static path."""
    parts = [p for p in unquote(path).split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"not a path inside the site: {path!r}")
    relative = PurePosixPath(*parts) if parts else PurePosixPath()
    if path.endswith("/") or not parts:
        return relative / "index.html"
    return relative


@dataclass
class Links:
    """Rewrites the addresses in pages, and remembers what they point to.

    ``found`` is told of every live address that needs a static page of its own
    (a page of a long list, a decade, a contents-tree fragment), so that the exporter
    renders it; ``targets`` collects every static path linked, for the final check.
    """

    base_path: str = ""
    found: Callable[[str, str], None] = lambda live, static: None
    targets: set[str] = field(default_factory=set)

    def public(self, path: str) -> str:
        return self.base_path + path

    def rewrite(self, value: str, current: str) -> str:
        """One address found in the page at the live path ``current``."""
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith("//"):
            return value
        if not parts.path:
            if not parts.query:
                return value  # "#section"
            live_path = current
        elif parts.path.startswith("/"):
            live_path = parts.path
        else:
            return value
        query = parts.query
        if live_path in ("/search", SEARCH_PAGE):
            target = SEARCH_PAGE
        elif live_path == CONTACT_PAGE:
            target, query = CONTACT_PAGE, ""
        elif query and (mapped := static_path(live_path, query)) is not None:
            if mapped != live_path:
                self.found(f"{live_path}?{query}", mapped)
            target, query = mapped, ""
        else:
            target = live_path
        self.targets.add(target)
        rewritten = self.public(target)
        if query:
            rewritten += "?" + query
        if parts.fragment:
            rewritten += "#" + parts.fragment
        return rewritten

    def rewrite_page(self, page: str, current: str) -> str:
        """Every address in a page's attributes, rewritten."""

        def one(match: re.Match[str]) -> str:
            name, raw = match.group(1), match.group(2)
            value = html.unescape(raw)
            if name == "data-children" and value.startswith("/"):
                self.found(value, value)
            rewritten = self.rewrite(value, current)
            if rewritten == value:
                return match.group(0)
            return f'{name}="{html.escape(rewritten, quote=True)}"'

        return _ADDRESS.sub(one, page)

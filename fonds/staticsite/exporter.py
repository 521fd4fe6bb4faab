"""The portal as a folder of static files.

Every public page is rendered in-process by Django's test client, exactly as the
live portal answers it, and written as ``<path>/index.html`` (downloads keep their
own names). The pages are then changed only where a static web server cannot do what
the live portal does: addresses with a query string get paths of their own
(:mod:`fonds.staticsite.links`), forms that need the server are removed or replaced
(the contact form by the reference staff's address, the collections' and the
roster's filters, the bibliography's style menu by links), and the search is
Pagefind's (:mod:`fonds.staticsite.search`).

The export is built in a folder beside ``DIR`` and moved into place at the end, so a
web server serving ``DIR`` never shows half an export.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import re
import shutil
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.db import connections
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from fonds import __version__
from fonds.bibliography.views import STYLES
from fonds.search.views import FACET_LABELS

from . import plan, search
from .html import Element, Page
from .links import CONTACT_PAGE, DEFAULT_STYLE, SEARCH_PAGE, Links, file_of
from .plan import Target

MARKER = ".fonds-export"
PDF_SUFFIX = "/finding-aid.pdf"
HERE = Path(__file__).resolve().parent


class ExportError(RuntimeError):
    pass


class Progress(Protocol):
    def grow(self, count: int) -> None: ...

    def advance(self, what: str) -> None: ...

    def phase(self, description: str) -> None: ...


class _Silent:
    def grow(self, count: int) -> None:
        pass

    def advance(self, what: str) -> None:
        pass

    def phase(self, description: str) -> None:
        pass


@dataclass
class Options:
    site_url: str = ""  # the public address, for citations (default: FONDS_BASE_URL)
    base_path: str = ""  # "/archive" when the site is served under /archive/
    pdf: bool = True
    jobs: int = 1  # processes rendering pages

    def normalized(self) -> Options:
        base = "/" + self.base_path.strip().strip("/") if self.base_path.strip("/ ") else ""
        if any(part in (".", "..") for part in base.split("/")) or "?" in base or "#" in base:
            raise ExportError(f"--base-path {self.base_path!r}: expected a path like /archive")
        url = (self.site_url or settings.BASE_URL).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ExportError(f"--url {url!r}: expected an address like https://example.org")
        return Options(
            site_url=f"{parts.scheme}://{parts.netloc}",
            base_path=base,
            pdf=self.pdf,
            jobs=max(1, self.jobs),
        )


@dataclass
class Report:
    folder: Path
    counts: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes: int = 0
    render_seconds: float = 0.0
    index_seconds: float = 0.0
    indexed: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing_links: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_links


def export_site(folder: Path, options: Options, progress: Progress | None = None) -> Report:
    """Write the whole public portal into ``folder`` as static files."""
    options = options.normalized()
    folder = folder.resolve()
    _check_destination(folder)
    work = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        report = _Export(work, options, progress or _Silent()).run()
        (work / MARKER).write_text(
            json.dumps({"fonds": __version__, "exported": time.time()}) + "\n"
        )
        _move_into_place(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.folder = folder
    return report


def _check_destination(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ExportError(
            f"{folder} is not empty and holds no earlier export: choose an empty or new folder"
        )


def _move_into_place(work: Path, folder: Path) -> None:
    if not folder.exists():
        work.rename(folder)
        return
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    try:
        folder.rename(old)
    except OSError:  # a mount point, say: replace what it holds instead
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for child in work.iterdir():
            child.rename(folder / child.name)
        work.rmdir()
        return
    work.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


class _Export:
    def __init__(self, work: Path, options: Options, progress: Progress) -> None:
        self.work = work
        self.options = options
        self.progress = progress
        self.report = Report(work)
        self.links = Links(options.base_path)
        self.targets: set[str] = set()  # every site path a page links to
        self.queue: deque[Target] = deque()
        self.seen: set[str] = set()
        self.collections: dict[str, str] = {}
        parts = urlsplit(options.site_url)
        self.host = parts.netloc
        self.secure = parts.scheme == "https"
        self.client = Client(HTTP_HOST=self.host, raise_request_exception=False)
        # the site's address not yet followed by the base path (FONDS_BASE_URL's are)
        base = re.escape(options.base_path.lstrip("/") + "/")
        self.origin = re.compile(re.escape(options.site_url) + f"/(?!{base})")

    def run(self) -> Report:
        started = time.perf_counter()
        hosts = [*settings.ALLOWED_HOSTS, urlsplit(self.options.site_url).hostname]
        base_url = self.options.site_url + self.options.base_path
        with override_settings(ALLOWED_HOSTS=hosts, BASE_URL=base_url):
            self.spellings = search.Spellings.of_archive()
            self.progress.grow(plan.expected_total(self.options.pdf) + 1)
            self.progress.phase("pages")
            self._render_all(
                chain(plan.fixed_pages(), plan.written_pages(), plan.record_pages(self.options.pdf))
            )
            self._search_page()
            self._copy_static()
        self.report.render_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self.progress.phase("search index")
        self.report.indexed = search.run_pagefind(self.work)
        self.report.index_seconds = time.perf_counter() - started
        self._check_links()
        self._measure()
        return self.report

    # -- pages

    def _render_all(self, targets: Iterator[Target]) -> None:
        """Render every target, and what their links lead to, in ``jobs`` processes.

        Worker processes are forked once the settings are in place; each renders and
        writes its pages and sends back what it found. The pages still to render are
        kept to a small window, so that memory does not grow with the archive.
        """
        jobs = self.options.jobs if "fork" in multiprocessing.get_all_start_methods() else 1
        pending: deque[_Pending] = deque()
        pool = None
        if jobs > 1:
            global _WORKER
            _WORKER = self
            connections.close_all()  # each process opens its own
            pool = multiprocessing.get_context("fork").Pool(jobs)
        window = jobs * 8 if pool else 0

        def submit(target: Target) -> None:
            self._note(target)
            if pool is None:
                pending.append(_Done(self._render(target)))
            else:
                pending.append(pool.apply_async(_render_in_worker, (target,)))

        def absorb() -> None:
            self._absorb(pending.popleft().get())
            while self.queue:
                submit(self.queue.popleft())

        try:
            for target in targets:
                submit(target)
                while len(pending) > window:
                    absorb()
            while pending:
                absorb()
        finally:
            if pool is not None:
                pool.close()
                pool.join()

    def _note(self, target: Target) -> None:
        if "?" in target.live:
            self.seen.add(target.static)
        if target.kind == "collection" and target.search:
            identifier = unquote(target.live.rstrip("/").rsplit("/", 1)[-1])
            self.collections[identifier] = _collection_title(target.search)

    def _absorb(self, outcome: _Outcome) -> None:
        self.progress.advance(outcome.target.kind)
        if outcome.written:
            self.report.counts[outcome.target.kind] += 1
        self.report.problems += outcome.problems
        self.targets |= outcome.targets
        for live, static in outcome.found:
            self._found(live, static)

    def _found(self, live: str, static: str) -> None:
        """A link to an address with a page of its own: render it once."""
        if static in self.seen:
            return
        self.seen.add(static)
        query = dict(parse_qsl(urlsplit(live).query))
        kind = "fragment" if live == static else "download" if "version" in query else "more"
        if live.startswith(plan.SITEMAPS):
            kind = "sitemap"
        if "decade" in query:
            kind = "decade"
        self.queue.append(Target(live, static, kind))
        self.progress.grow(1)

    def _render(self, target: Target) -> _Outcome:
        """Render one address and write it; in a worker process when there are jobs."""
        outcome = _Outcome(target)
        self.links.found = lambda live, static: outcome.found.append((live, static))
        self.links.targets = outcome.targets
        response = self.client.get(target.live, secure=self.secure)
        if response.status_code != 200:
            outcome.problems.append(f"{target.live}: HTTP {response.status_code}")
            response.close()
            return outcome
        body = _body(response)
        response.close()
        if response.get("Content-Type", "").startswith("text/html"):
            body = self._page(target, body.decode(response.charset or "utf-8")).encode()
        elif target.kind == "sitemap":
            outcome.found += self._sitemap_pages(body.decode(response.charset or "utf-8"))
        problem = self._write(target.static, body)
        outcome.written = problem is None
        outcome.problems += [problem] if problem else []
        return outcome

    def _sitemap_pages(self, text: str) -> list[tuple[str, str]]:
        """The pages a sitemap index lists, as site paths."""
        base = self.options.site_url + self.options.base_path
        found = []
        for loc in re.findall(r"<loc>([^<]+)</loc>", text):
            path = html.unescape(loc).removeprefix(base)
            if path.startswith(plan.SITEMAPS) and path.endswith(".xml"):
                found.append((path, path))
        return found

    def _page(self, target: Target, text: str) -> str:
        path = urlsplit(target.live).path
        text = self.links.rewrite_page(text, path)
        if self.options.base_path:  # addresses the request's host made absolute
            text = self.origin.sub(self.options.site_url + self.options.base_path + "/", text)
        if not text.lstrip()[:15].lower().startswith("<!doctype html"):
            return text  # a fragment of the contents tree
        page = Page.read(text)
        self._replace_forms(page, target)
        if not self.options.pdf:
            self._drop_pdf_links(page)
        main = page.first("main")
        if target.search and main is not None:
            page.add_attribute(main, "data-pagefind-body")
            ignored = [
                element
                for tag, kind in search.NOT_INDEXED
                for element in page.find(tag, classes={kind} if kind else None)
                if main.start < element.start < main.end
            ]
            for element in ignored:
                page.add_attribute(element, "data-pagefind-ignore")
            words = page.text_inside(main, ignored)
            page.append_inside(main, search.hidden_block(target.search, words, self.spellings))
        return page.result()

    def _replace_forms(self, page: Page, target: Target) -> None:
        """Forms a static server cannot answer: replaced by what works, or removed."""
        done: list[Element] = []
        if urlsplit(target.live).path == CONTACT_PAGE:
            forms = [f for f in page.find("form") if f.attrs.get("method", "").lower() == "post"]
            ask = page.first("section", classes={"ask"}) or (forms[0] if forms else None)
            if ask is not None:
                page.replace(ask, self._contact_section())
                done.append(ask)
        search_action = self.links.public(SEARCH_PAGE)
        for form in page.find("form"):
            if any(d.start <= form.start < d.end for d in done):
                continue
            if urlsplit(form.attrs.get("action", "")).path == search_action:
                continue
            if _holds(page, form, "select", name="style"):
                page.replace(form, self._style_links(target))
            else:
                page.replace(form, "")
            done.append(form)

    def _drop_pdf_links(self, page: Page) -> None:
        """Without PDFs, the list items that link to one go."""
        for link in page.find("a"):
            if link.attrs.get("href", "").endswith(PDF_SUFFIX):
                item = _enclosing(page, link, "li") or link
                page.replace(item, "")

    def _contact_section(self) -> str:
        email = settings.FONDS_REFERENCE_EMAIL
        if not email:
            return ""
        address = html.escape(email)
        return (
            '<section class="ask" aria-labelledby="ask-title">\n'
            '  <h2 id="ask-title">Ask the reference staff</h2>\n'
            f'  <p>Write to the reference staff at <a href="mailto:{address}">{address}</a>. '
            "Tell us what you are looking for and we will point you to the collections, "
            "series and folders that can help, or tell you where else to look. When you "
            "ask about a collection or a folder, give its title and call number as its "
            "page shows them.</p>\n"
            "</section>"
        )

    def _style_links(self, target: Target) -> str:
        chosen = dict(parse_qsl(urlsplit(target.live).query)).get("style", DEFAULT_STYLE)
        listing = reverse("bibliography:bibliography")
        items = []
        for style, label in STYLES.items():
            path = listing if style == DEFAULT_STYLE else f"{listing}style/{style}/"
            self.links.targets.add(path)
            current = ' aria-current="page"' if style == chosen else ""
            href = html.escape(self.links.public(path))
            items.append(f'<li><a href="{href}"{current}>{html.escape(label)}</a></li>')
        return (
            '<nav class="filters styles" aria-label="Citation style">'
            f"<p>Citation style:</p><ul>{''.join(items)}</ul></nav>"
        )

    def _search_page(self) -> None:
        request = RequestFactory(HTTP_HOST=self.host).get(SEARCH_PAGE, secure=self.secure)
        text = search.search_page(request, self.collections)
        outcome = _Outcome(Target.at(SEARCH_PAGE, "search"), written=True)
        self.links.targets = outcome.targets
        for static, body in [
            (SEARCH_PAGE, self._page(outcome.target, text).encode()),
            ("/" + search.SPELLINGS, self.spellings.json()),
        ]:
            if problem := self._write(static, body):
                outcome.problems.append(problem)
        self._absorb(outcome)

    def _copy_static(self) -> None:
        """The stylesheets, scripts and icons of every app (the admin's left out)."""
        from django.contrib.staticfiles.finders import get_finders

        prefix = urlsplit(settings.STATIC_URL).path
        own = HERE / "static"
        sources = [(p.relative_to(own).as_posix(), p) for p in own.rglob("*") if p.is_file()]
        for finder in get_finders():
            for path, storage in finder.list([]):
                if path.startswith("admin/"):
                    continue
                name = f"{storage.prefix}/{path}" if getattr(storage, "prefix", None) else path
                sources.append((name, Path(storage.path(path))))
        copied: set[str] = set()
        for name, source in sources:
            if name in copied:
                continue  # the first finder wins, as in collectstatic
            copied.add(name)
            if problem := self._write(prefix + name, source.read_bytes()):
                self.report.problems.append(problem)
            else:
                self.report.counts["static"] += 1

    # -- files

    def _write(self, static: str, body: bytes) -> str | None:
        """Write a file of the site; a problem if it cannot be written."""
        path = self.work / file_of(static)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        except OSError as error:  # a page and a download of the same name, say
            return f"{static}: cannot write {path.name}: {error}"
        return None

    def _check_links(self) -> None:
        missing = []
        for target in sorted(self.targets):
            if not self.options.pdf and target.endswith(PDF_SUFFIX):
                continue  # their links were taken out of the pages
            try:
                path = self.work / file_of(target)
            except ValueError:
                missing.append(target)
                continue
            if not path.is_file() and not (path / "index.html").is_file():
                missing.append(target)
        self.report.missing_links = missing

    def _measure(self) -> None:
        for root, _, files in os.walk(self.work):
            for name in files:
                self.report.files += 1
                self.report.bytes += (Path(root) / name).stat().st_size


def _holds(page: Page, outer: Element, tag: str, name: str) -> bool:
    return any(outer.start < e.start < outer.end for e in page.find(tag, name=name))


def _enclosing(page: Page, inner: Element, tag: str) -> Element | None:
    """The innermost ``tag`` element around ``inner``."""
    around = [e for e in page.find(tag) if e.start < inner.start and inner.end <= e.end]
    return max(around, key=lambda e: e.start, default=None)


def _collection_title(entry: search.Entry) -> str:
    label = FACET_LABELS["collection"]
    return next((value for name, value in entry.filters if name == label), "")


@dataclass
class _Outcome:
    """What rendering one address gave: sent back from a worker process."""

    target: Target
    written: bool = False
    problems: list[str] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)  # (live, static)
    targets: set[str] = field(default_factory=set)


class _Pending(Protocol):
    def get(self) -> _Outcome: ...


@dataclass
class _Done:
    outcome: _Outcome

    def get(self) -> _Outcome:
        return self.outcome


_WORKER: _Export | None = None  # the export a forked worker process renders for


def _render_in_worker(target: Target) -> _Outcome:
    assert _WORKER is not None
    return _WORKER._render(target)


def _body(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content

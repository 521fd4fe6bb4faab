"""``fonds export-site DIR``: the export with a progress bar and a summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from fonds.terminal import console

from .exporter import ExportError, Options, Report, export_site
from .search import SearchIndexError, pagefind_version

SHOWN_PROBLEMS = 20


class _Bar:
    def __init__(self, bar: Progress, task: TaskID) -> None:
        self.bar = bar
        self.task = task

    def grow(self, count: int) -> None:
        total = self.bar.tasks[0].total or 0
        self.bar.update(self.task, total=total + count)

    def advance(self, what: str) -> None:
        self.bar.advance(self.task)

    def phase(self, description: str) -> None:
        self.bar.update(self.task, description=description)


def run(args: argparse.Namespace) -> int:
    out = console()
    err = console(stderr=True)
    options = Options(
        site_url=args.url or "",
        base_path=args.base_path or "",
        pdf=not args.no_pdf,
        jobs=args.jobs,
    )
    with Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=args.quiet or not err.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task("pages", total=0)
        try:
            report = export_site(Path(args.folder), options, _Bar(bar, task))
        except (ExportError, SearchIndexError) as error:
            err.print(f"fonds export-site: {error}", markup=False)
            return 1
    for problem in report.problems[:SHOWN_PROBLEMS]:
        err.print(f"fonds export-site: {problem}", markup=False)
    for link in report.missing_links[:SHOWN_PROBLEMS]:
        err.print(f"fonds export-site: linked but not exported: {link}", markup=False)
    hidden = len(report.problems) + len(report.missing_links) - 2 * SHOWN_PROBLEMS
    if hidden > 0:
        err.print(f"fonds export-site: ... and {hidden} more", markup=False)
    if not args.quiet:
        _summary(out, report)
    return 0 if report.ok else 1


def _summary(out: Console, report: Report) -> None:
    table = Table(title="fonds export-site", show_footer=True)
    table.add_column("written", footer="files")
    table.add_column("count", justify="right", footer=f"{report.files:,}")
    for kind, count in sorted(report.counts.items()):
        table.add_row(kind, f"{count:,}")
    out.print(table)
    indexed = report.indexed
    out.print(
        f"{report.folder}: {report.files:,} files, {report.bytes / 1_000_000:.1f} MB; "
        f"pages in {report.render_seconds:.1f} s, search index in "
        f"{report.index_seconds:.1f} s (Pagefind {pagefind_version()}: "
        f"{indexed.get('page', 0):,} pages, {indexed.get('word', 0):,} words, "
        f"{indexed.get('filter', 0):,} filters)",
        markup=False,
    )
    if report.problems or report.missing_links:
        out.print(
            f"{len(report.problems)} problems, {len(report.missing_links)} links to "
            "addresses not exported",
            markup=False,
        )

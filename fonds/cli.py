"""The ``fonds`` command.

    fonds load PATH...          load finding aids, authority records, timelines, bibliographies
    fonds demo                  load the demo archive shipped with fonds
    fonds search QUERY          search everything, as the portal does
    fonds reindex               rebuild the search index from the database
    fonds export FORMAT [ID]    write an export (fonds export --list)
    fonds export-site DIR       write the whole portal as static files
    fonds serve                 serve the portal
    fonds check                 report misconfiguration and the state of the data
    fonds manage ARGS...        run a Django management command (createsuperuser, ...)

Configuration comes from the environment; see docs/configuration.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")
    import django

    django.setup()


def ensure_database(verbose: bool = False) -> None:
    """Create or upgrade the database schema when it is behind the code, and finish
    index updates a crash left behind; always against the primary."""
    from fonds.routing import primary

    with primary():
        _ensure_database(verbose)


def _ensure_database(verbose: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    settings.FONDS_HOME.mkdir(parents=True, exist_ok=True)
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    # Finish index updates a crash left behind (the database is always ahead).
    from fonds.search.service import sync

    sync()


def cmd_load(args: argparse.Namespace) -> int:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from fonds.loader import Report, after_loading, expand, in_load_order, load_file
    from fonds.terminal import console

    ensure_database()
    out = console()
    err = console(stderr=True)
    files = list(expand(Path(p) for p in args.paths))
    total = sum(p.stat().st_size for p in files if p.is_file())
    report = Report()
    show_progress = not args.quiet and err.is_terminal
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not show_progress,
        transient=True,
    ) as bar:
        task = bar.add_task("loading", total=total or None)
        for path, detected in in_load_order(files):
            bar.update(task, description=path.name[:40])
            before = bar.tasks[0].completed
            result = load_file(
                path,
                force=args.force,
                progress=lambda n: bar.advance(task, n),
                detected=detected,
            )
            size = path.stat().st_size if path.is_file() else 0
            bar.update(task, completed=before + size)
            report.add(result)
            if result.error:
                err.print(result.error, markup=False)
            for warning in result.warnings:
                err.print(warning, markup=False)
    if not args.quiet:
        table = Table(title="fonds load", show_footer=True)
        table.add_column("file", footer="total")
        table.add_column("format")
        table.add_column("status")
        table.add_column("record")
        table.add_column("records", justify="right")
        table.add_column("components", justify="right", footer=f"{report.components:,}")
        table.add_column("seconds", justify="right", footer=f"{report.seconds:.2f}")
        for r in report.results:
            table.add_row(
                r.path.name,
                r.format,
                r.status,
                r.identifier,
                f"{r.records:,}",
                f"{r.components:,}",
                f"{r.seconds:.2f}",
            )
        out.print(table)
        superseded = report.count("superseded")
        out.print(
            f"loaded {report.count('loaded')}, replaced {report.count('replaced')}, "
            f"unchanged {report.count('unchanged')}, skipped {report.count('skipped')}"
            + (f", superseded {superseded}" if superseded else "")
            + f"; {report.components:,} components in {report.seconds:.2f} s"
        )
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not show_progress,
        transient=True,
    ) as bar:
        done = after_loading(report, steps=_ProgressSteps(bar))
    if not args.quiet and any(done.values()):
        steps = ", ".join(f"{name} {count:,}" for name, count in done.items())
        out.print(f"after loading: {steps} ({time.perf_counter() - started:.2f} s)")
    return 0 if report.ok else 1


class _ProgressSteps:
    """The steps after a load shown on a rich progress bar, one task at a time."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.task: Any = None

    def start(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(name, total=total)

    def advance(self, count: int) -> None:
        self.bar.advance(self.task, count)


DEMO_CORPUS = [
    "nyu-tam183-new-jewish-agenda.xml",
    "nyu-wag025-002-jewish-labor-committee.xml",
    "nyu-wag232-goldstein-jlc-files.xml",
]


def cmd_demo(args: argparse.Namespace) -> int:
    from fonds.pages.loading import load_pages

    demo = Path(__file__).resolve().parent / "demo"
    args.paths = [
        str(demo / "findingaids"),
        str(demo / "roster.yaml"),
        str(demo / "timeline.yaml"),
        str(demo / "bibliography.json"),
    ]
    # Real finding aids that touch the movement, where the shared corpus sits beside
    # the checkout (never copied: a machine without it gets the demo alone).
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    args.paths += [str(corpus / name) for name in DEMO_CORPUS if (corpus / name).exists()]
    status = cmd_load(args)
    pages = load_pages(demo / "pages")
    if not args.quiet:
        print(f"pages: {pages} loaded")
    from fonds.formats.errors import FormatError
    from fonds.guides.loading import load_guides

    try:
        guides = load_guides(demo / "guides.yaml")
    except FormatError as error:  # a record the guides name did not load
        print(error.line_report(), file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"research guides: {guides} loaded")
    return status


def cmd_search(args: argparse.Namespace) -> int:
    from fonds.search.service import SearchRequest, search
    from fonds.terminal import console

    ensure_database()
    filters: dict[str, list[str]] = {}
    for item in args.filter or []:
        facet, _, value = item.partition("=")
        filters.setdefault(facet.strip(), []).append(value.strip())
    if args.collection:
        filters.setdefault("collection", []).append(args.collection)
    results = search(
        SearchRequest(
            text=" ".join(args.query),
            filters=filters,
            date_from=args.date_from,
            date_to=args.date_to,
            sort=args.sort,
            offset=args.offset,
            limit=args.limit,
        )
    )
    if args.json:
        print(
            json.dumps(
                {
                    "total": results.total,
                    "hits": [
                        {
                            "key": h.key,
                            "type": h.type,
                            "title": h.title,
                            "url": h.url,
                            "score": h.score,
                            "path": [p["title"] for p in h.data.get("path", [])],
                            "collection": h.data.get("collection", {}).get("identifier"),
                        }
                        for h in results.hits
                    ],
                    "facets": {
                        f: [[v.value, v.count] for v in values]
                        for f, values in results.facets.items()
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    out = console()
    out.print(f"{results.total:,} results ({results.seconds * 1000:.0f} ms)", markup=False)
    for number, hit in enumerate(results.hits, start=results.request.offset + 1):
        path = [hit.data.get("collection", {}).get("title", "")] if hit.type == "component" else []
        path += [p["title"] for p in hit.data.get("path", [])]
        trail = " > ".join(p for p in path if p)
        date = f", {hit.data['date']}" if hit.data.get("date") else ""
        out.print(f"{number:>4}. [{hit.type}] {hit.title}{date}", markup=False)
        if trail:
            out.print(f"      {trail}", markup=False)
        if hit.url:
            out.print(f"      {hit.url}", markup=False)
    if args.facets:
        for facet, values in results.facets.items():
            if values:
                listed = ", ".join(f"{v.value} ({v.count})" for v in values[:10])
                out.print(f"{facet}: {listed}", markup=False)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from fonds.exports.registry import all_exporters

    ensure_database()
    exporters = all_exporters()
    if args.list or not args.format:
        target = {"archive": "", "collection": " COLLECTION", "agent": " ROSTER-ID"}
        for name, listed in sorted(exporters.items()):
            print(f"{name + target[listed.scope]:32} {listed.title}")
        return 0
    chosen = exporters.get(args.format)
    if chosen is None:
        print(
            f"fonds export: unknown format {args.format!r} (fonds export --list)", file=sys.stderr
        )
        return 2
    subject = None
    if chosen.scope != "archive":
        if not args.identifier:
            print(f"fonds export {chosen.name}: name the {chosen.scope}", file=sys.stderr)
            return 2
        subject = _export_subject(chosen.scope, args.identifier)
        if subject is None:
            print(f"fonds export: no public {chosen.scope} {args.identifier!r}", file=sys.stderr)
            return 1
    data = chosen.render(subject)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_export_site(args: argparse.Namespace) -> int:
    from fonds.staticsite.command import run

    ensure_database()
    return run(args)


def _export_subject(scope: str, identifier: str) -> object:
    if scope == "collection":
        from fonds.findingaids.models import Collection

        return Collection.objects.select_related("source").filter(identifier=identifier).first()
    from fonds.authorities.models import Agent

    return Agent.objects.public().filter(identifier=identifier).first()


def cmd_reindex(args: argparse.Namespace) -> int:
    from fonds.search.service import reindex

    ensure_database()
    started = time.perf_counter()
    count = reindex()
    print(f"search index rebuilt: {count:,} documents in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from fonds.serving import serve

    if args.workers < 1 or args.threads < 1:
        sys.exit("fonds serve: --workers and --threads must be 1 or more")
    ensure_database()
    return serve(args.host, args.port, args.threads, args.workers)


def cmd_check(args: argparse.Namespace) -> int:
    from fonds.checks import run_checks

    problems = run_checks(print_to=sys.stdout)
    return 1 if problems else 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fonds manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    from fonds.serving import MAX_DEFAULT_WORKERS, default_workers

    parser = argparse.ArgumentParser(
        prog="fonds",
        description="Publish an archive's subject portal: finding aids, authorities, "
        "timeline, bibliography. Data lives in FONDS_HOME (default ./fonds-data).",
    )
    from fonds import __version__

    parser.add_argument("--version", action="version", version=f"fonds {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    load = commands.add_parser(
        "load",
        help="load files or folders (format told from content)",
        description="Load files or folders: finding aids (EAD 2002 with or without "
        "namespace, EAD3), authority records (EAC-CPF 2010 and 2.0, roster YAML or CSV), "
        "timelines (YAML, CSV, TimelineJS JSON) and bibliographies (CSL-JSON, BibTeX, "
        "BibLaTeX, RIS). The format is told from the content. Each file loads whole or "
        "not at all; a finding aid loaded before with the same bytes is left unchanged. "
        "Problems are printed one per line as FILE:LINE:COLUMN: error: cause, and the "
        "exit status is 1 when any file was skipped. Then names are matched to the "
        "roster and the search index is brought up to date.",
    )
    load.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    load.add_argument(
        "--force", action="store_true", help="load again even when the bytes are unchanged"
    )
    load.add_argument("--quiet", action="store_true", help="print only errors")
    load.set_defaults(func=cmd_load)

    demo = commands.add_parser(
        "demo",
        help="load the demo archive shipped with fonds",
        description="Load the demo archive (sample finding aids of the American Soviet "
        "Jewry Movement) shipped inside the fonds package.",
    )
    demo.add_argument("--force", action="store_true", help="load again even when unchanged")
    demo.add_argument("--quiet", action="store_true", help="print only errors")
    demo.set_defaults(func=cmd_demo)

    search = commands.add_parser(
        "search",
        help="search everything, as the portal does",
        description="Search collections, components, organizations, people, events and "
        "works. Every word must match, in any spelling or script the index knows; "
        '"quoted words" match as a phrase; -word excludes.',
    )
    search.add_argument("query", nargs="*", metavar="QUERY", help="words to look for")
    search.add_argument(
        "--filter",
        action="append",
        metavar="FACET=VALUE",
        help="keep results with this facet value (repeatable): type, collection, level, "
        "decade, person, organization, place, subject, genre, digital",
    )
    search.add_argument("--collection", help="search within one collection (its identifier)")
    search.add_argument("--from", dest="date_from", type=int, help="dated in or after this year")
    search.add_argument("--to", dest="date_to", type=int, help="dated in or before this year")
    search.add_argument(
        "--sort", default="relevance", choices=["relevance", "date", "-date", "title"]
    )
    search.add_argument("--limit", type=int, default=10, help="results to show")
    search.add_argument("--offset", type=int, default=0, help="results to skip")
    search.add_argument("--facets", action="store_true", help="print facet counts")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(func=cmd_search)

    export = commands.add_parser(
        "export",
        help="write an export: EAD, EAC-CPF, CSV, TimelineJS, CSL-JSON, BibTeX, RIS...",
        description="Write one of the portal's exports to standard output or a file. "
        "'fonds export --list' names them; a collection's or a roster record's export "
        "takes its identifier. Only public records are exported.",
    )
    export.add_argument("format", nargs="?", help="the export's name (see --list)")
    export.add_argument("identifier", nargs="?", help="a collection or roster identifier")
    export.add_argument("-o", "--output", help="write to this file instead of standard output")
    export.add_argument("--list", action="store_true", help="list the exports")
    export.set_defaults(func=cmd_export)

    export_site = commands.add_parser(
        "export-site",
        help="write the whole portal as static files, searchable offline",
        description="Write every public page, download and stylesheet of the portal into "
        "DIR as static files that any web server can serve, with a client-side search "
        "(Pagefind) in place of the server's. See docs/static-site.md.",
    )
    export_site.add_argument(
        "folder", metavar="DIR", help="a new or empty folder, or an earlier export"
    )
    export_site.add_argument(
        "--url", help="the site's public address, for citations (default: FONDS_BASE_URL)"
    )
    export_site.add_argument(
        "--base-path", default="", help="serve the site under this path, e.g. /archive"
    )
    export_site.add_argument(
        "--no-pdf", action="store_true", help="leave out the finding aids' PDFs (the slowest part)"
    )
    export_site.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes rendering pages (default: the cores, at most 4)",
    )
    export_site.add_argument("--quiet", action="store_true", help="print only problems")
    export_site.set_defaults(func=cmd_export_site)

    reindex = commands.add_parser(
        "reindex",
        help="rebuild the search index from the database",
        description="Rebuild the whole search index from the database, beside the "
        "current one, then swap: searches keep working during the rebuild.",
    )
    reindex.set_defaults(func=cmd_reindex)

    serve = commands.add_parser(
        "serve",
        help="serve the portal over HTTP",
        description="Serve the portal with the waitress WSGI server: --workers processes "
        "of --threads threads each, on one port. See docs/deployment.md.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--threads", type=int, default=8, help="threads of each process (default: 8)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="processes serving the same port, each with its threads (default: one for "
        f"each CPU core, at most {MAX_DEFAULT_WORKERS}; here {default_workers()}); "
        "1 serves from this process alone",
    )
    serve.set_defaults(func=cmd_serve)

    check = commands.add_parser(
        "check",
        help="report misconfiguration and the state of the data",
        description="Run Django's system checks, check FONDS_HOME and the database, and "
        "print what is loaded. Exit status 1 when a problem is found.",
    )
    check.set_defaults(func=cmd_check)

    manage = commands.add_parser(
        "manage",
        help="run a Django management command",
        description="Run a Django management command, e.g. 'fonds manage createsuperuser'.",
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER, help="the command and options")
    manage.set_defaults(func=cmd_manage)
    return parser


# Commands that only read may use replicas; the others read what they write.
READ_ONLY_COMMANDS = frozenset({"serve", "search", "export", "export-site"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup()
    from fonds.routing import pin_primary

    if args.command not in READ_ONLY_COMMANDS:
        pin_primary()
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

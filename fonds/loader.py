"""``fonds load``: find the files, tell their formats, load each, report.

Each file is loaded in its own transaction by the loader of its format. A broken file
gives one line naming file, line, column and cause, is skipped, and leaves the
database as it was; the others still load. The exit status is non-zero when any
file was skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from lxml import etree

from fonds.bibliography.loading import work_identifier
from fonds.findingaids.loading import load_finding_aid
from fonds.formats.bibtex import read_bibtex
from fonds.formats.csl import read_csl_json
from fonds.formats.detect import FORMAT_NAMES, Detected, decode_text, detect
from fonds.formats.errors import FormatError
from fonds.formats.ris import read_ris
from fonds.formats.roster import read_roster_csv, read_roster_yaml
from fonds.formats.timeline import read_events_csv, read_events_yaml
from fonds.formats.timelinejs import read_timelinejs
from fonds.formats.xmlsafe import syntax_error
from fonds.search.service import enqueue
from fonds.workflow.versions import record_version

# When a folder is walked, files with these endings are documentation or media,
# not records: they are passed over. A file named on the command line is always read.
NOT_RECORDS = frozenset(
    ".md .txt .rst .py .sh .html .htm .css .js .pdf .png .jpg .jpeg .gif .svg .tif .tiff "
    ".zip .gz .xsd .rng .dtd .sch .xsl .xslt .orig .bak".split()
)


FINDING_AIDS = frozenset({FORMAT_NAMES["ead2002"], FORMAT_NAMES["ead3"]})


@dataclass
class FileResult:
    path: Path
    status: str  # loaded | replaced | unchanged | skipped | superseded
    format: str = ""
    identifier: str = ""
    components: int = 0
    seconds: float = 0.0
    error: str = ""
    records: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: set[str] = field(default_factory=set)


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        """Add a file's result. A finding aid whose identifier an earlier file of the
        same run loaded replaces that file's collection: the later file gets a warning
        naming both, and the run counts what it left in the database: the earlier
        file becomes ``superseded`` (its components no longer there) and the later
        one takes its status (``loaded`` when the collection is new to the database)."""
        if "collections" in result.changes:
            for earlier in self.results:
                if (
                    earlier.identifier == result.identifier
                    and earlier.format in FINDING_AIDS
                    and earlier.status in ("loaded", "replaced", "unchanged")
                ):
                    result.warnings.append(
                        f"{result.path}: warning: collection {result.identifier} was loaded "
                        f"from {earlier.path} earlier in this run; this file replaces it"
                    )
                    if earlier.status == "loaded":
                        result.status = "loaded"
                    earlier.status = "superseded"
        self.results.append(result)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def components(self) -> int:
        return sum(r.components for r in self.results if r.status in ("loaded", "replaced"))

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count("skipped") == 0


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and child.suffix.lower() not in NOT_RECORDS
                ):
                    yield child
        else:
            yield path


# Files load in phases, so that links find their targets: finding aids and the
# roster first, then the timeline (which names both), then the bibliography.
PHASES = {
    "ead2002": 0,
    "ead3": 0,
    "eac-cpf": 0,
    "roster-yaml": 0,
    "roster-csv": 0,
    "events-yaml": 1,
    "events-csv": 1,
    "timelinejs": 1,
    "csl-json": 2,
    "bibtex": 2,
    "ris": 2,
}


def _read_text(path: Path) -> str:
    return decode_text(path.read_bytes(), str(path))


def read_records(path: Path, kind: str) -> list[Any]:
    """The records of a roster, timeline or bibliography file, read without saving
    (a problem raises :class:`FormatError`); the admin's upload checks files with it."""
    if kind == "eac-cpf":
        from fonds.authorities.eac import read_authority

        return [read_authority(path)]
    readers: dict[str, Callable[[str, str], Any]] = {
        "roster-yaml": read_roster_yaml,
        "roster-csv": read_roster_csv,
        "events-yaml": read_events_yaml,
        "events-csv": read_events_csv,
        "timelinejs": lambda text, name: read_timelinejs(text, name)[1],
        "csl-json": read_csl_json,
        "bibtex": read_bibtex,
        "ris": read_ris,
    }
    return list(readers[kind](_read_text(path), str(path)))


def _load_records(path: Path, kind: str, result: FileResult) -> None:
    """Roster, timeline and bibliography files: read, then save in one transaction."""
    from fonds.authorities.loading import save_agents
    from fonds.bibliography.loading import save_works
    from fonds.timeline.loading import save_events

    name = str(path)
    records = read_records(path, kind)
    if kind in ("roster-yaml", "roster-csv", "eac-cpf"):
        agents = records
        with transaction.atomic():
            roster = save_agents(agents, name)
            enqueue(*(f"agent:{a.identifier}" for a in agents))
        result.status, result.records = roster.status, roster.count
        result.identifier = agents[0].identifier if len(agents) == 1 else ""
        result.changes = {"roster"}
    elif kind in ("events-yaml", "events-csv", "timelinejs"):
        events = records
        with transaction.atomic():
            timeline = save_events(events, name)
            enqueue(*(f"event:{e.identifier}" for e in events))
        result.status, result.records = timeline.status, timeline.count
        result.warnings = timeline.warnings
    else:
        items = records
        with transaction.atomic():
            works = save_works(items, name)
            enqueue(*(f"work:{work_identifier(i)}" for i in items))
        result.status, result.records = works.status, works.count
        result.warnings = works.warnings


def load_file(
    path: Path,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    detected: Detected | None = None,
) -> FileResult:
    started = time.perf_counter()
    result = FileResult(path=path, status="skipped")
    try:
        if not path.exists():
            raise FormatError(str(path), "no such file")
        if not path.is_file():
            raise FormatError(str(path), "not a regular file")
        detected = detected or detect(path)
        result.format = detected.name
        if detected.format in ("ead2002", "ead3"):
            # The search index learns of the change in the same transaction (see
            # fonds.search.service: database first, index after).
            with transaction.atomic():
                outcome = load_finding_aid(
                    path,
                    "3" if detected.format == "ead3" else "2002",
                    force=force,
                    progress=progress,
                )
                if outcome.status != "unchanged":
                    enqueue(f"collection:{outcome.identifier}")
                    # every load is a version that can be compared and restored
                    record_version(outcome.identifier)
            result.status = outcome.status
            result.identifier = outcome.identifier
            result.components = outcome.components
            result.records = 1
            if outcome.status != "unchanged":
                result.changes = {"collections"}
        else:
            _load_records(path, detected.format, result)
            if progress:
                progress(path.stat().st_size)
    except FormatError as error:
        result.error = error.line_report()
    except etree.XMLSyntaxError as error:
        result.error = syntax_error(str(path), error).line_report()
    except (OSError, UnicodeError) as error:
        result.error = FormatError(str(path), str(error)).line_report()
    result.seconds = time.perf_counter() - started
    return result


def in_load_order(paths: Iterable[Path]) -> list[tuple[Path, Detected | None]]:
    """Files with their formats, in the order their links need; unreadable ones last
    (they fail again when loaded, with their error)."""
    found: list[tuple[int, int, Path, Detected | None]] = []
    for position, path in enumerate(paths):
        try:
            detected: Detected | None = detect(path)
        except (FormatError, OSError, etree.XMLSyntaxError):
            detected = None
        phase = PHASES.get(detected.format, 9) if detected else 9
        found.append((phase, position, path, detected))
    return [(path, detected) for _, _, path, detected in sorted(found, key=lambda f: f[:2])]


def load_paths(paths: Iterable[Path], *, force: bool = False) -> Report:
    """Load files and folders in link order (without the after-loading steps)."""
    report = Report()
    for path, detected in in_load_order(expand(paths)):
        report.add(load_file(path, force=force, detected=detected))
    return report


class Steps(Protocol):
    """Told of the steps after a load, for a progress display."""

    def start(self, name: str, total: int | None = None) -> None: ...

    def advance(self, count: int) -> None: ...


class _Quiet:
    def start(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


def after_loading(report: Report, steps: Steps | None = None) -> dict[str, int]:
    """What follows a load: names matched to the roster, the index brought up to date,
    names found in the text. Each step is repeatable; a crash leaves tasks queued."""
    from fonds.authorities.reconciliation import reconcile, text_appearances
    from fonds.search.service import enqueue_all_collections, pending_documents, sync

    steps = steps or _Quiet()
    changes = set().union(*(r.changes for r in report.results)) if report.results else set()
    done: dict[str, int] = {}
    if changes & {"collections", "roster"}:
        steps.start("matching names to the roster")
        summary = reconcile()
        done["names matched"] = summary.accepted
        done["names to review"] = summary.uncertain
        if "roster" in changes:
            # variant names are indexed with the records that name them
            enqueue_all_collections()
    steps.start("indexing", pending_documents())
    done["index updates"] = sync(progress=steps.advance)
    if changes & {"collections", "roster"}:
        steps.start("finding roster names in the text")
        done["names found in text"] = text_appearances()
    return done

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

from django.db import transaction
from lxml import etree

from fonds.findingaids.loading import load_finding_aid
from fonds.formats.detect import FORMAT_NAMES, detect
from fonds.formats.errors import FormatError
from fonds.formats.xmlsafe import syntax_error
from fonds.search.service import enqueue

# When a folder is walked, files with these endings are documentation or media,
# not records: they are passed over. A file named on the command line is always read.
NOT_RECORDS = frozenset(
    ".md .txt .rst .py .sh .html .htm .css .js .pdf .png .jpg .jpeg .gif .svg .tif .tiff "
    ".zip .gz .xsd .rng .dtd .sch .xsl .xslt .orig .bak".split()
)


@dataclass
class FileResult:
    path: Path
    status: str  # loaded | replaced | unchanged | skipped
    format: str = ""
    identifier: str = ""
    components: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)

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


def load_file(
    path: Path, *, force: bool = False, progress: Callable[[int], None] | None = None
) -> FileResult:
    started = time.perf_counter()
    result = FileResult(path=path, status="skipped")
    try:
        if not path.exists():
            raise FormatError(str(path), "no such file")
        if not path.is_file():
            raise FormatError(str(path), "not a regular file")
        detected = detect(path)
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
        else:
            raise FormatError(
                str(path), f"{FORMAT_NAMES[detected.format]} files cannot be loaded yet", 1, 1
            )
        result.status = outcome.status
        result.identifier = outcome.identifier
        result.components = outcome.components
    except FormatError as error:
        result.error = error.line_report()
    except etree.XMLSyntaxError as error:
        result.error = syntax_error(str(path), error).line_report()
    except (OSError, UnicodeError) as error:
        result.error = FormatError(str(path), str(error)).line_report()
    result.seconds = time.perf_counter() - started
    return result

"""The work behind an upload: check the files, show what would change, then load.

Both steps run in a background thread of the serving process, one job at a time (a
lock on a file in the uploads folder, which also holds between the processes of
``fonds serve --workers``): SQLite takes one writer at a time, and a thread shares
the process's settings and search index. The database holds a job's state; the
progress of a running load goes to a small JSON file beside the uploaded files,
since the load's own transaction holds SQLite's write lock until it commits. A job
whose process is gone (the server was stopped) is marked failed when it is next
looked at: each file loads whole or not at all, so nothing is half-loaded.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from lxml import etree

from fonds.findingaids.models import FindingAidSource
from fonds.formats.detect import detect
from fonds.formats.errors import FormatError
from fonds.formats.xmlsafe import syntax_error
from fonds.loader import FileResult, Report, after_loading, in_load_order, load_file, read_records
from fonds.routing import primary

from .changes import Changes, compare, read_snapshot_file
from .models import FindingAidVersion, UploadJob
from .snapshots import stored_snapshot
from .versions import ensure_baseline, loading_as, write_version

log = logging.getLogger(__name__)

LIST_LIMIT = 1000  # entries kept per list of a dry run (the counts are always whole)
_threads: dict[int, threading.Thread] = {}


def uploads_dir() -> Path:
    return Path(settings.FONDS_HOME) / "uploads"


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Held while a job runs: the next job, in this process or another, waits for it."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "job.lock", "a") as lock:  # a file of its own for each holder
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def job_dir(job: UploadJob) -> Path:
    return uploads_dir() / str(job.pk)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -- the check and the dry run ----------------------------------------------------------


def check_file(path: Path, name: str) -> dict[str, Any]:
    """Detect and read one file as ``fonds load`` would, without saving anything; for a
    finding aid, compare it with what is stored. Errors name ``name``, line, column."""
    entry: dict[str, Any] = {"name": name, "path": str(path), "size": path.stat().st_size}
    started = time.perf_counter()
    try:
        detected = detect(path)
        entry["format"], entry["format_name"] = detected.format, detected.name
        if detected.format in ("ead2002", "ead3") and _already_loaded(path, entry):
            pass  # the loader leaves these exact bytes alone: nothing would change
        elif detected.format in ("ead2002", "ead3"):
            version = "3" if detected.format == "ead3" else "2002"
            new = read_snapshot_file(path, version, str(path))
            old = stored_snapshot(new.identifier)
            changes = compare(old, new, old_label="stored", new_label=name)
            entry["identifier"] = new.identifier
            entry["title"] = new.title
            entry["components"] = len(new.components)
            entry["changes"] = changes.as_dict(LIST_LIMIT)
        else:
            entry.update(_records_check(path, detected.format))
    except FormatError as error:
        entry["error"] = FormatError(name, error.cause, error.line, error.column).line_report()
    except etree.XMLSyntaxError as error:
        entry["error"] = syntax_error(name, error).line_report()
    except (OSError, UnicodeError) as error:
        entry["error"] = FormatError(name, str(error)).line_report()
    entry["seconds"] = round(time.perf_counter() - started, 3)
    return entry


def _already_loaded(path: Path, entry: dict[str, Any]) -> bool:
    with open(path, "rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    known = FindingAidSource.objects.filter(sha256=sha256).select_related("collection").first()
    if known is None:
        return False
    collection = known.collection
    entry["identifier"], entry["title"] = collection.identifier, collection.title
    entry["components"] = collection.component_count
    entry["changes"] = Changes(
        identifier=collection.identifier,
        collection_status="unchanged",
        unchanged=collection.component_count,
        before=collection.component_count,
        after=collection.component_count,
    ).as_dict()
    return True


def _records_check(path: Path, kind: str) -> dict[str, Any]:
    """Roster, timeline and bibliography files: how many records are new, how many
    are there already (and are replaced by the file's version)."""
    from fonds.authorities.models import Agent
    from fonds.bibliography.loading import work_identifier
    from fonds.bibliography.models import Work
    from fonds.timeline.models import Event

    records = read_records(path, kind)
    if kind in ("eac-cpf", "roster-yaml", "roster-csv"):
        identifiers = [r.identifier for r in records]
        present = set(
            Agent.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)
        )
        what = "roster records"
    elif kind in ("events-yaml", "events-csv", "timelinejs"):
        identifiers = [r.identifier for r in records]
        present = set(
            Event.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)
        )
        what = "timeline events"
    else:
        identifiers = [work_identifier(r) for r in records]
        present = set(
            Work.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)
        )
        what = "works of the bibliography"
    added = [i for i in identifiers if i not in present]
    return {
        "records": len(identifiers),
        "what": what,
        "record_counts": {"added": len(added), "changed": len(identifiers) - len(added)},
        "added_records": added[:LIST_LIMIT],
        "changed_records": [i for i in identifiers if i in present][:LIST_LIMIT],
    }


def check(job: UploadJob) -> None:
    """Check every file of the job and store the dry run; the job becomes ``checked``
    (something can be loaded) or ``invalid``."""
    report = [check_file(Path(f["path"]), f["name"]) for f in job.files]
    job.report = report
    job.errors = [r["error"] for r in report if r.get("error")]
    job.progress_total = sum(_expected(r) for r in report)
    job.status = UploadJob.CHECKED if job.loadable else UploadJob.INVALID
    job.finished_at = timezone.now() if job.status == UploadJob.INVALID else None
    job.save()


# -- the load ------------------------------------------------------------------------


class ProgressFile:
    """The progress of a running load, in a JSON file the job page reads."""

    def __init__(self, job: UploadJob, total_components: int, total_bytes: int) -> None:
        self.path = job_dir(job) / "progress.json"
        self.total_components = total_components
        self.total_bytes = max(1, total_bytes)
        self.bytes_done = 0
        self.components_before = 0  # components of the files already loaded
        self.file_bytes = 1
        self.file_components = 0
        self.file_done = 0
        self.name = ""
        self.written = 0.0

    def start_file(self, name: str, size: int, components: int) -> None:
        self.name, self.file_bytes, self.file_components, self.file_done = (
            name,
            max(1, size),
            components,
            0,
        )
        self.write(force=True)

    def advance(self, count: int) -> None:
        self.bytes_done += count
        self.file_done += count
        if time.monotonic() - self.written > 0.5:
            self.write()

    def end_file(self, components: int) -> None:
        self.bytes_done += max(0, self.file_bytes - self.file_done)
        self.file_done = self.file_bytes
        self.components_before += components
        self.write(force=True)

    @property
    def components_done(self) -> int:
        share = min(1.0, self.file_done / self.file_bytes)
        return min(
            self.total_components,
            self.components_before + int(share * self.file_components),
        )

    def write(self, force: bool = False) -> None:
        self.written = time.monotonic()
        data = {
            "file": self.name,
            "components_done": self.components_done,
            "components_total": self.total_components,
            "bytes_done": min(self.bytes_done, self.total_bytes),
            "bytes_total": self.total_bytes,
        }
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data))
        os.replace(partial, self.path)


def read_progress(job: UploadJob) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((job_dir(job) / "progress.json").read_text())
    except (OSError, ValueError):
        return None
    return data


def run(job: UploadJob) -> None:
    """Load the job's checked files in link order, record versions, then do what
    follows a load (names matched, the index updated). The job ends ``done`` when every
    file loaded (or was unchanged), ``failed`` otherwise; what loaded before stays."""
    job.status, job.started_at = UploadJob.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    checked = {r["path"]: r for r in job.loadable}
    files = [Path(p) for p in checked]
    progress = ProgressFile(
        job,
        total_components=sum(_expected(r) for r in checked.values()),
        total_bytes=sum(int(r.get("size") or 0) for r in checked.values()),
    )
    report = Report()
    who = job.created_by_name or "admin"
    for path, detected in in_load_order(files):
        entry = checked[str(path)]
        progress.start_file(entry["name"], int(entry.get("size") or 0), _expected(entry))
        if entry.get("identifier"):
            ensure_baseline(entry["identifier"])
        with loading_as(who, job.created_by_id, job.note, job):
            result = load_file(path, progress=progress.advance, detected=detected)
        progress.end_file(result.components or result.records)
        report.add(result)  # a file replacing one of this upload supersedes it
    names = {str(path): checked[str(path)]["name"] for path in files}
    job.results = [*job.results, *(_result(r, names) for r in report.results)]
    if report.results:
        try:
            done = after_loading(report)
            job.messages.append(
                "after loading: " + ", ".join(f"{name} {count:,}" for name, count in done.items())
            )
        except Exception as error:  # the load has committed; say what did not follow
            log.exception("after loading, job %s", job.pk)
            job.messages.append(f"after loading: {error} (run fonds reindex)")
    job.errors = [*job.errors, *(r["error"] for r in job.results if r.get("error"))]
    job.progress_done = progress.components_before
    job.progress_total = progress.total_components
    ok = all(r["status"] != "skipped" for r in job.results)
    job.status = UploadJob.DONE if ok else UploadJob.FAILED
    job.finished_at = timezone.now()
    job.save()


def _expected(entry: dict[str, Any]) -> int:
    return int(entry.get("components") or entry.get("records") or 0)


def _result(result: FileResult, names: dict[str, str]) -> dict[str, Any]:
    """A file's result as the job page shows it, the upload's own file names in place
    of the paths where they were kept."""

    def named(text: str) -> str:
        for path, name in names.items():
            text = text.replace(path, name)
        return text

    return {
        "name": names[str(result.path)],
        "format": result.format,
        "status": result.status,
        "identifier": result.identifier,
        "components": result.components,
        "records": result.records,
        "seconds": round(result.seconds, 2),
        "error": named(result.error),
        "warnings": [named(w) for w in result.warnings],
    }


def restore_job(version: FindingAidVersion, user: Any, note: str = "") -> UploadJob:
    """A job that loads a kept version again, checked (with its dry run) and queued."""
    job = UploadJob.objects.create(
        kind=UploadJob.RESTORE,
        status=UploadJob.CHECKING,
        created_by=user if getattr(user, "pk", None) else None,
        created_by_name=getattr(user, "username", "") or "",
        note=note
        or f"restored from version {version.number} of {version.loaded_at:%Y-%m-%d %H:%M}",
        restore_of=version,
        worker=worker_name(),
    )
    path = write_version(version, job_dir(job))
    job.files = [{"name": path.name, "path": str(path), "size": path.stat().st_size}]
    job.save(update_fields=["files"])
    return job


def check_and_run(job: UploadJob) -> None:
    """A restore: the kept version is checked (with its dry run), then loaded."""
    check(job)
    if job.status == UploadJob.CHECKED:
        run(job)


# -- the background -------------------------------------------------------------------


def start(job: UploadJob, step: Callable[[UploadJob], None]) -> threading.Thread:
    """Run ``step`` (check or run) on the job in a background thread."""
    job.worker = worker_name()
    job.save(update_fields=["worker"])
    thread = threading.Thread(
        target=_background, args=(job.pk, step), name=f"fonds-job-{job.pk}", daemon=True
    )
    _threads[job.pk] = thread
    thread.start()
    return thread


def _background(job_id: int, step: Callable[[UploadJob], None]) -> None:
    close_old_connections()
    try:
        with one_at_a_time(), primary():  # read what this job writes, never a replica
            job = UploadJob.objects.get(pk=job_id)
            try:
                step(job)
            except Exception as error:
                log.exception("job %s", job_id)
                job.status = UploadJob.FAILED
                job.finished_at = timezone.now()
                job.errors = [
                    *job.errors,
                    f"error: {error.__class__.__name__}: {error}",
                    *traceback.format_exception_only(error)[-1:],
                ][:50]
                job.save()
    finally:
        connections.close_all()
        _threads.pop(job_id, None)


def wait(job_id: int, timeout: float = 60) -> bool:
    """Wait for a job's background thread in this process; True when it has ended."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def mark_if_orphaned(job: UploadJob) -> bool:
    """A job still marked active whose worker is gone becomes ``failed``."""
    if not job.active or not job.worker:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's job: it alone can tell
    if int(pid) == os.getpid():
        if job.pk in _threads:
            return False
    else:
        try:
            os.kill(int(pid), 0)
            return False
        except ProcessLookupError:
            pass
        except PermissionError:
            return False
    job.status = UploadJob.FAILED
    job.finished_at = timezone.now()
    job.errors = [
        *job.errors,
        "interrupted: the server stopped while this job ran; each file loads whole or "
        "not at all, so nothing was half-loaded. Upload again.",
    ]
    job.save()
    return True

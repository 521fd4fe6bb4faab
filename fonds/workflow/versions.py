"""Versions of finding aids: recorded after each load, kept compressed, read back.

:func:`record_version` is called by :func:`fonds.loader.load_file` inside the load's
transaction, so a version exists exactly when its load committed. It costs one query
and, the first time those bytes are seen, one file write: the compressed bytes the
loader already made for ``FindingAidSource`` are written as they are (no second
compression, even for a 100 MB finding aid). Who loaded, and why, comes from
:func:`loading_as` (the admin's background jobs); otherwise it is the command line.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from fonds.findingaids.models import Collection, FindingAidSource

from .models import FindingAidVersion, UploadJob

COMMAND_LINE = "command line"


@dataclass(frozen=True)
class LoadedBy:
    name: str = COMMAND_LINE
    user_id: int | None = None
    note: str = ""
    job_id: int | None = None


_COMMAND_LINE = LoadedBy()  # frozen: safe as the default
_loaded_by: ContextVar[LoadedBy] = ContextVar("fonds_loaded_by", default=_COMMAND_LINE)


@contextmanager
def loading_as(
    name: str, user_id: int | None = None, note: str = "", job: UploadJob | None = None
) -> Iterator[None]:
    """Versions recorded inside this block name this user, note and job."""
    token = _loaded_by.set(LoadedBy(name, user_id, note, job.pk if job else None))
    try:
        yield
    finally:
        _loaded_by.reset(token)


def versions_dir() -> Path:
    return Path(settings.FONDS_HOME) / "versions"


def _stored_name(identifier: str, sha256: str) -> str:
    return f"{identifier}/{sha256}.xml.zz"


def record_version(identifier: str) -> FindingAidVersion | None:
    """Record the source just loaded for collection ``identifier`` as a new version."""
    collection = Collection.all_objects.filter(identifier=identifier).first()
    if collection is None:
        return None
    source = FindingAidSource.objects.filter(collection=collection).first()
    if source is None:
        return None
    stored = _stored_name(identifier, source.sha256)
    _write_once(versions_dir() / stored, bytes(source.content))
    who = _loaded_by.get()
    return FindingAidVersion.objects.create(
        collection_identifier=identifier,
        title=collection.title[:2000],
        filename=source.filename,
        sha256=source.sha256,
        size=source.size,
        ead_version=collection.ead_version,
        stored=stored,
        loaded_at=collection.loaded_at or timezone.now(),
        loaded_by=who.name[:150],
        user_id=who.user_id,
        note=who.note[:500],
        component_count=collection.component_count,
        job_id=who.job_id,
    )


def ensure_baseline(identifier: str) -> FindingAidVersion | None:
    """Keep the stored source of a collection loaded before versions were kept, so
    that replacing it can be undone; None when it has versions already (or is new)."""
    if FindingAidVersion.objects.filter(collection_identifier=identifier).exists():
        return None
    if not FindingAidSource.objects.filter(collection__identifier=identifier).exists():
        return None
    with loading_as("", note="loaded before versions were kept"):
        return record_version(identifier)


def _write_once(path: Path, data: bytes) -> None:
    """Write ``data`` unless the file is there (same name: same bytes); atomically."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


class _Inflating:
    """A readable file over a zlib-compressed one, decompressed as it is read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.inflater = zlib.decompressobj()
        self.buffer = b""

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data = self.buffer + self.inflater.decompress(self.handle.read())
            self.buffer = b""
            return data + self.inflater.flush()
        while len(self.buffer) < size and not self.inflater.eof:
            block = self.handle.read(1 << 16)
            if not block:
                self.buffer += self.inflater.flush()
                break
            self.buffer += self.inflater.decompress(block)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


@contextmanager
def open_version(version: FindingAidVersion) -> Iterator[Any]:
    """The version's EAD bytes, as a readable file (decompressed as it is read)."""
    with open(versions_dir() / version.stored, "rb") as handle:
        yield _Inflating(handle)


def write_version(version: FindingAidVersion, folder: Path) -> Path:
    """The version's EAD file, decompressed into ``folder`` under its original name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(version.filename).name or f"{version.collection_identifier}.xml")
    with open_version(version) as source, open(target, "wb") as out:
        while block := source.read(1 << 20):
            out.write(block)
    return target

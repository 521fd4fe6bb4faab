"""Load EAD finding aids into the database: whole or not at all.

One database transaction per file. The collection row is kept (other records link
to it) and everything below it is replaced; if the file turns out to be broken, or
the process dies, the transaction rolls back and the previous version stays.
A file whose bytes were loaded before is recognised by its SHA-256 and left alone.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fonds.formats.archival import ComponentRecord, Description
from fonds.formats.ead import EADReader
from fonds.publishing import service as publishing

from .bulk import Inserter, lock_and_reserve, sync_id_sequence
from .models import (
    AccessTerm,
    Collection,
    Component,
    DigitalObject,
    FindingAidSource,
    InternalNote,
)

Progress = Callable[[int], None]


@dataclass
class Outcome:
    status: str  # loaded | replaced | unchanged
    identifier: str
    components: int


class _Counting:
    """A read-only file wrapper that reports how many bytes were read."""

    def __init__(self, handle: IO[bytes], progress: Progress | None) -> None:
        self.handle = handle
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if self.progress is not None and data:
            self.progress(len(data))
        return data


def fingerprint(path: Path) -> tuple[str, bytes, int]:
    """SHA-256, zlib-compressed bytes and size of a file, read in chunks."""
    digest = hashlib.sha256()
    packer = zlib.compressobj(6)
    chunks: list[bytes] = []
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            size += len(block)
            digest.update(block)
            chunks.append(packer.compress(block))
    chunks.append(packer.flush())
    return digest.hexdigest(), b"".join(chunks), size


def load_finding_aid(
    path: Path,
    version: str,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    sha256, packed, size = fingerprint(path)
    if not force:
        known = FindingAidSource.objects.filter(sha256=sha256).select_related("collection").first()
        if known is not None:
            if progress:
                progress(size)
            return Outcome(
                "unchanged", known.collection.identifier, known.collection.component_count
            )
    with transaction.atomic(), open(path, "rb") as handle:
        reader = EADReader(_Counting(handle, progress), str(path), version)  # type: ignore[arg-type]
        writer = _Writer(reader)
        for record in reader:
            writer.add(record)
        outcome = writer.finish(sha256, packed, size, path.name)
    return outcome


DESCRIBED_FIELDS = [
    "title",
    "title_html",
    "unitid",
    "level",
    "date_text",
    "begin_year",
    "end_year",
    "undated",
    "dates",
    "extent",
    "languages",
    "notes",
    "internal",
]


COMPONENT_FIELDS = [
    "id",
    "collection",
    "parent",
    "ref",
    "xml_id",
    "sequence",
    "subtree_end",
    "ancestry",
    "depth",
    "position",
    "containers",
    "container_summary",
    "has_digital_object",
    *DESCRIBED_FIELDS,
]


class _Writer:
    def __init__(self, reader: EADReader) -> None:
        self.reader = reader
        self.collection: Collection | None = None
        self.replaced = False
        self.pending: list[ComponentRecord] = []
        self.batch_size = max(1, int(settings.FONDS_LOAD_BATCH_SIZE))
        self.count = 0
        self.base_id = 0
        self.components = Inserter(Component, COMPONENT_FIELDS)
        self.related = _RelatedRows()
        self.kept_states: dict[str, Any] = {}  # drafts and embargoes, by ref

    def _open(self) -> Collection:
        if self.collection is not None:
            return self.collection
        preamble = self.reader.collection
        existing = (
            Collection.all_objects.select_for_update()
            .filter(identifier=preamble.identifier)
            .first()
        )
        if existing is not None:
            self.replaced = True
            self.kept_states = publishing.remember(existing.pk)
            _clear(existing)
            self.collection = existing
        else:
            self.collection = Collection.all_objects.create(
                identifier=preamble.identifier, title=preamble.title
            )
        self.base_id = lock_and_reserve(Component)
        return self.collection

    def add(self, record: ComponentRecord) -> None:
        self._open()
        self.pending.append(record)
        if len(self.pending) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        collection = self._open()
        base = self.base_id
        self.components.insert(
            (
                base + r.sequence,
                collection.pk,
                base + r.parent_sequence if r.parent_sequence else None,
                r.ref,
                r.xml_id or "",
                r.sequence,
                r.subtree_end,
                ".".join(str(s) for s in r.ancestry),
                r.depth,
                r.path[-1],
                [c.as_dict() for c in r.containers],
                _container_summary(r)[:500],
                any(not d.internal for d in r.digital_objects),
                *_described(r),
            )
            for r in self.pending
        )
        for r in self.pending:
            self.related.add(collection.pk, base + r.sequence, r)
        self.related.flush()
        self.count += len(self.pending)
        self.pending = []

    def finish(self, sha256: str, packed: bytes, size: int, filename: str) -> Outcome:
        collection = self._open()
        self._flush()
        sync_id_sequence(Component)
        record = self.reader.collection
        for name, value in zip(DESCRIBED_FIELDS, _described(record), strict=True):
            setattr(collection, name, value)
        collection.identifier = record.identifier
        collection.eadid = record.finding_aid.eadid[:500]
        collection.ead_version = record.ead_version
        collection.repository = record.repository[:500]
        collection.abstract = "\n\n".join(n.text for n in record.notes if n.type == "abstract")
        collection.finding_aid = record.finding_aid.as_dict()
        collection.component_count = self.count
        collection.loaded_at = timezone.now()
        collection.save()
        self.related.add(collection.pk, None, record)
        self.related.flush()
        publishing.restore(collection.pk, self.kept_states)
        FindingAidSource.objects.update_or_create(
            collection=collection,
            defaults={"sha256": sha256, "filename": filename, "size": size, "content": packed},
        )
        return Outcome("replaced" if self.replaced else "loaded", collection.identifier, self.count)


def _clear(collection: Collection) -> None:
    """Delete everything below a collection, quickly (no per-row cascade in Python)."""
    with connection.cursor() as cursor:
        for model in (InternalNote, AccessTerm, DigitalObject, Component):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE collection_id = %s", [collection.pk])


def _described(record: Description) -> tuple[Any, ...]:
    """Values of :data:`DESCRIBED_FIELDS`, in that order."""
    return (
        record.title,
        record.title_html,
        "; ".join(record.unitids)[:500],
        record.level[:100],
        record.date_text[:1000],
        record.begin_year,
        record.end_year,
        record.undated,
        [d.as_dict() for d in record.dates],
        "; ".join(record.extents),
        [lang.as_dict() for lang in record.languages],
        [n.as_dict() for n in record.notes],
        record.internal,
    )


def _container_summary(record: Description) -> str:
    parts = []
    for container in record.containers:
        kind = container.type.replace("_", " ").strip()
        label = kind[:1].upper() + kind[1:] if kind else ""
        parts.append(" ".join(p for p in (label, container.indicator) if p))
    return ", ".join(parts)


class _RelatedRows:
    """Digital objects, access terms and internal notes of rows just written."""

    def __init__(self) -> None:
        self.daos = Inserter(
            DigitalObject,
            [
                "collection",
                "component",
                "href",
                "title",
                "role",
                "description",
                "group_label",
                "position",
                "internal",
            ],
        )
        self.terms = Inserter(
            AccessTerm,
            [
                "collection",
                "component",
                "kind",
                "relation",
                "text",
                "source",
                "identifier",
                "role",
                "position",
                "internal",
            ],
        )
        self.notes = Inserter(
            InternalNote, ["collection", "component", "element", "head", "html", "text"]
        )
        self.dao_rows: list[tuple[Any, ...]] = []
        self.term_rows: list[tuple[Any, ...]] = []
        self.note_rows: list[tuple[Any, ...]] = []

    def add(self, collection_id: int, component_id: int | None, record: Description) -> None:
        for position, dao in enumerate(record.digital_objects):
            self.dao_rows.append(
                (
                    collection_id,
                    component_id,
                    dao.href,
                    dao.title,
                    (dao.role or "")[:200],
                    dao.description,
                    dao.group_label or "",
                    position,
                    dao.internal or record.internal,
                )
            )
        for position, term in enumerate(record.terms):
            self.term_rows.append(
                (
                    collection_id,
                    component_id,
                    term.kind,
                    term.relation,
                    term.text[:1000],
                    (term.source or "")[:200],
                    (term.identifier or "")[:500],
                    (term.role or "")[:200],
                    position,
                    term.internal or record.internal,
                )
            )
        for note in record.internal_notes:
            self.note_rows.append(
                (collection_id, component_id, note.type[:50], note.head or "", note.html, note.text)
            )

    def flush(self) -> None:
        self.daos.insert(self.dao_rows)
        self.terms.insert(self.term_rows)
        self.notes.insert(self.note_rows)
        self.dao_rows, self.term_rows, self.note_rows = [], [], []

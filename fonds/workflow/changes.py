"""What changes between two versions of a finding aid: pure Python, no Django.

A version is a :class:`Snapshot`: its components in document order, each reduced to
a :class:`ComponentSummary` (identifier, title, level, dates, containers and a
fingerprint of its description), and its collection-level fields as lines of text.
The same comparison serves the dry run of an upload (the file against the database),
and the comparison of two stored versions.

Components are aligned in document order on their fingerprints (``difflib`` over
integers, so 100,000s of components take a second or two): an inserted folder is one
addition even when components have no ``@id`` and their positional identifiers
(``c2.3``) shift. Components left over are paired by ``@id`` first, then in place; a
pair whose fields differ is a change.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from fonds.formats.archival import CollectionRecord, ComponentRecord
from fonds.formats.ead import EADReader

# The fields shown for a component, and compared, in the archivist's words.
COMPARED = ("ref", "title", "level", "dates", "containers", "description")
LABELS = {
    "ref": "identifier",
    "title": "title",
    "level": "level",
    "dates": "dates",
    "containers": "containers",
    "description": "description (notes, extent)",
}


class ComponentSummary(NamedTuple):
    ref: str  # the component's identifier in URLs: its @id, or c1.2.3
    xml_id: str  # its @id, or ""
    depth: int
    title: str
    level: str
    dates: str
    containers: str  # "Box 3, Folder 12"
    description: int  # a hash of the notes and extent: compared, not shown

    @property
    def fingerprint(self) -> int:
        return hash(self[1:])


@dataclass
class Snapshot:
    """One version of a finding aid, as far as comparing goes."""

    identifier: str
    components: list[ComponentSummary]
    collection: list[str]  # collection-level fields, one "field: value" per line
    title: str = ""


@dataclass
class Changed:
    old: ComponentSummary
    new: ComponentSummary
    fields: list[str]  # keys of LABELS that differ


@dataclass
class Changes:
    identifier: str
    collection_status: str  # new | replaced | unchanged
    added: list[ComponentSummary] = field(default_factory=list)
    removed: list[ComponentSummary] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    unchanged: int = 0
    before: int = 0  # components before
    after: int = 0  # components after
    collection_diff: list[str] = field(default_factory=list)  # unified diff lines

    @property
    def nothing(self) -> bool:
        return not (self.added or self.removed or self.changed or self.collection_diff)

    def as_dict(self, limit: int = 1000) -> dict[str, Any]:
        """A JSON-ready summary; the lists keep their first ``limit`` entries."""
        return {
            "identifier": self.identifier,
            "collection_status": self.collection_status,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
                "before": self.before,
                "after": self.after,
            },
            "added": [_shown(c) for c in self.added[:limit]],
            "removed": [_shown(c) for c in self.removed[:limit]],
            "changed": [
                {
                    **_shown(c.new),
                    "fields": [
                        {
                            "field": LABELS[name],
                            "old": _value(c.old, name),
                            "new": _value(c.new, name),
                        }
                        for name in c.fields
                    ],
                }
                for c in self.changed[:limit]
            ],
            "collection_diff": self.collection_diff,
        }


def _value(summary: ComponentSummary, name: str) -> str:
    if name == "description":
        return ""
    return str(getattr(summary, name))


def _shown(summary: ComponentSummary) -> dict[str, Any]:
    return {
        "ref": summary.ref,
        "title": summary.title,
        "level": summary.level,
        "dates": summary.dates,
        "containers": summary.containers,
        "depth": summary.depth,
    }


# -- building summaries -------------------------------------------------------------


def containers_text(containers: Iterable[dict[str, Any]]) -> str:
    parts = []
    for container in containers:
        kind = str(container.get("type") or "").replace("_", " ").strip()
        label = kind[:1].upper() + kind[1:]
        parts.append(" ".join(p for p in (label, str(container.get("indicator") or "")) if p))
    return ", ".join(parts)


NOTE_KEYS = ("type", "html", "text", "head")  # the order of Note.as_dict()


def notes_json(notes: Iterable[dict[str, Any]]) -> str:
    """Notes as the loader stores them (Django's JSONField: ``json.dumps``), keys in a
    fixed order, so that SQLite's stored text can be compared without decoding it."""
    return json.dumps([{key: n[key] for key in NOTE_KEYS if key in n} for n in notes])


def description_hash(extent: str, notes_text: str) -> int:
    return hash((extent, notes_text))


def summary_of(record: ComponentRecord) -> ComponentSummary:
    """A component as read from EAD; the same values the loader stores."""
    return ComponentSummary(
        ref=record.ref,
        xml_id=record.xml_id or "",
        depth=record.depth,
        title=record.title,
        level=record.level[:100],
        dates=record.date_text[:1000],
        containers=containers_text(c.as_dict() for c in record.containers)[:500],
        description=description_hash(
            "; ".join(record.extents), notes_json(n.as_dict() for n in record.notes)
        ),
    )


def collection_lines(
    *,
    title: str,
    unitid: str,
    dates: str,
    extent: str,
    level: str,
    repository: str,
    languages: Iterable[dict[str, Any]],
    terms: Iterable[tuple[str, str, str]],
    notes: Iterable[dict[str, Any]],
) -> list[str]:
    """The collection-level fields as text, for a line-by-line diff."""
    lines = [
        f"title: {title}",
        f"identifier: {unitid}",
        f"dates: {dates}",
        f"extent: {extent}",
        f"level: {level}",
        f"repository: {repository}",
        "languages: " + ", ".join(str(lang.get("name") or lang.get("code")) for lang in languages),
    ]
    lines += [f"{relation} ({kind}): {text}" for relation, kind, text in terms]
    for note in notes:
        head = f" ({note['head']})" if note.get("head") else ""
        for paragraph in str(note.get("text", "")).splitlines() or [""]:
            if paragraph.strip():
                lines.append(f"{note.get('type', 'note')}{head}: {paragraph.strip()}")
    return lines


def collection_lines_of(record: CollectionRecord) -> list[str]:
    return collection_lines(
        title=record.title,
        unitid="; ".join(record.unitids)[:500],
        dates=record.date_text[:1000],
        extent="; ".join(record.extents),
        level=record.level[:100],
        repository=record.repository[:500],
        languages=[lang.as_dict() for lang in record.languages],
        terms=[(t.relation, t.kind, t.text[:1000]) for t in record.terms],
        notes=[n.as_dict() for n in record.notes],
    )


def read_snapshot(source: IO[bytes], path: str, version: str) -> Snapshot:
    """Read a finding aid (EAD ``version`` "2002" or "3") into a snapshot.

    Raises what the reader raises (:class:`fonds.formats.errors.FormatError`) for a
    broken file: reading it is also checking it."""
    reader = EADReader(source, path, version)
    # the reader gives a component when it ends: put them back in document order
    numbered = [(record.sequence, summary_of(record)) for record in reader]
    numbered.sort(key=lambda pair: pair[0])
    components = [summary for _, summary in numbered]
    collection = reader.collection
    return Snapshot(
        identifier=collection.identifier,
        components=components,
        collection=collection_lines_of(collection),
        title=collection.title,
    )


def read_snapshot_file(path: Path, version: str, name: str = "") -> Snapshot:
    with open(path, "rb") as handle:
        return read_snapshot(handle, name or str(path), version)


# -- comparing ----------------------------------------------------------------------


def compare(
    old: Snapshot | None, new: Snapshot, *, old_label: str = "before", new_label: str = "after"
) -> Changes:
    """What changes when ``new`` replaces ``old`` (None: the collection is new)."""
    if old is None:
        return Changes(
            identifier=new.identifier,
            collection_status="new",
            added=list(new.components),
            after=len(new.components),
            collection_diff=list(
                difflib.unified_diff([], new.collection, old_label, new_label, lineterm="")
            ),
        )
    changes = Changes(
        identifier=new.identifier,
        collection_status="replaced",
        before=len(old.components),
        after=len(new.components),
        collection_diff=list(
            difflib.unified_diff(
                old.collection, new.collection, old_label, new_label, n=1, lineterm=""
            )
        ),
    )
    removed: list[ComponentSummary] = []
    added: list[ComponentSummary] = []
    for old_part, new_part in _unmatched(old.components, new.components, changes):
        left, right = _pair(old_part, new_part, changes)
        removed += left
        added += right
    # A component that moved elsewhere keeps its @id: a change, not a loss and a gain.
    by_id = {c.xml_id: c for c in added if c.xml_id}
    for gone in removed:
        found = by_id.pop(gone.xml_id, None) if gone.xml_id else None
        if found is None:
            changes.removed.append(gone)
        else:
            _record_change(gone, found, changes, moved=True)
    kept = set(map(id, by_id.values()))
    changes.added = [c for c in added if not c.xml_id or id(c) in kept]
    if changes.nothing:
        changes.collection_status = "unchanged"
    return changes


def _unmatched(
    old: list[ComponentSummary], new: list[ComponentSummary], changes: Changes
) -> Iterator[tuple[list[ComponentSummary], list[ComponentSummary]]]:
    """The runs of components that do not line up, old against new."""
    a = [c.fingerprint for c in old]
    b = [c.fingerprint for c in new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.unchanged += i2 - i1
            # the same content at a new position: an @id-less ref may have shifted
            for o, n in zip(old[i1:i2], new[j1:j2], strict=True):
                if o.ref != n.ref and o.xml_id:
                    _record_change(o, n, changes)
                    changes.unchanged -= 1
        else:
            yield old[i1:i2], new[j1:j2]


def _pair(
    old: list[ComponentSummary], new: list[ComponentSummary], changes: Changes
) -> tuple[list[ComponentSummary], list[ComponentSummary]]:
    """Within a run that differs: the same @id (or the same ref, or the same place
    with the same depth) is a change; the rest were removed or added."""
    left: list[ComponentSummary] = []
    right = list(new)
    by_ref = {c.ref: index for index, c in enumerate(right)}
    taken: set[int] = set()
    for o in old:
        index = by_ref.get(o.ref)
        if index is not None and index not in taken:
            taken.add(index)
            _record_change(o, right[index], changes)
        else:
            left.append(o)
    rest = [c for index, c in enumerate(right) if index not in taken]
    # what is left pairs up in place when the depths agree (a retitled folder)
    removed: list[ComponentSummary] = []
    added: list[ComponentSummary] = []
    for o, n in zip(left, rest, strict=False):
        if o.depth == n.depth and not (o.xml_id and n.xml_id and o.xml_id != n.xml_id):
            _record_change(o, n, changes)
        else:
            removed.append(o)
            added.append(n)
    removed += left[len(rest) :]
    added += rest[len(left) :]
    return removed, added


def _record_change(
    old: ComponentSummary, new: ComponentSummary, changes: Changes, moved: bool = False
) -> None:
    fields = [name for name in COMPARED if getattr(old, name) != getattr(new, name)]
    if moved and "ref" not in fields:
        fields.insert(0, "ref")
    if fields:
        changes.changed.append(Changed(old, new, fields))
    else:
        changes.unchanged += 1

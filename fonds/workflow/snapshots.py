"""Snapshots (see :mod:`fonds.workflow.changes`) of what is stored: the collection in
the database, or a kept version."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from fonds.findingaids.models import AccessTerm, Collection, Component

from .changes import (
    ComponentSummary,
    Snapshot,
    collection_lines,
    description_hash,
    notes_json,
    read_snapshot,
)
from .models import FindingAidVersion
from .versions import open_version


def stored_snapshot(identifier: str) -> Snapshot | None:
    """The collection as the database holds it (internal components included), or None."""
    collection = Collection.all_objects.filter(identifier=identifier).first()
    if collection is None:
        return None
    components = list(_components(collection))
    terms = AccessTerm.all_objects.filter(collection=collection, component__isnull=True).order_by(
        "position", "id"
    )
    return Snapshot(
        identifier=identifier,
        components=components,
        collection=collection_lines(
            title=collection.title,
            unitid=collection.unitid,
            dates=collection.date_text,
            extent=collection.extent,
            level=collection.level,
            repository=collection.repository,
            languages=collection.languages or [],
            terms=[(t.relation, t.kind, t.text) for t in terms],
            notes=collection.notes or [],
        ),
        title=collection.title,
    )


def _components(collection: Collection) -> Iterator[ComponentSummary]:
    """The stored components in document order. SQLite hands back the notes as the
    text the loader wrote, compared without decoding (decoding is most of the time
    for 300,000 components); other databases' JSON is decoded and written again."""
    rows = Component.all_objects.filter(collection=collection).order_by("sequence")
    raw = connection.vendor == "sqlite"
    if raw:
        rows = rows.annotate(notes_text=Cast("notes", TextField()))
    fields = ["ref", "xml_id", "depth", "title", "level", "date_text", "container_summary"]
    fields += ["extent", "notes_text" if raw else "notes"]
    for ref, xml_id, depth, title, level, dates, containers, extent, notes in rows.values_list(
        *fields
    ).iterator(chunk_size=5000):
        yield ComponentSummary(
            ref=ref,
            xml_id=xml_id,
            depth=depth,
            title=title,
            level=level,
            dates=dates,
            containers=containers,
            description=description_hash(extent, notes if raw else notes_json(notes or [])),
        )


def version_snapshot(version: FindingAidVersion) -> Snapshot:
    """A kept version, read again from its EAD source."""
    with open_version(version) as source:
        return read_snapshot(source, version.filename, version.ead_version or "2002")

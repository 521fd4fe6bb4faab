"""Collections and components read back from the database as format records, for the
EAD exporters: what :mod:`fonds.findingaids.loading` stored, as the reader gave it.

Only public rows are read (the ``objects`` managers): internal components, names
and digital objects, and internal notes (kept in their own table), never leave here.
Components come in document order, a chunk at a time, with the names and digital
objects of a chunk fetched in one query each: memory stays flat however large the
collection, and the number of queries grows with the chunks, not the components.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from django.db.models import QuerySet

from fonds.formats.archival import (
    AccessTerm,
    CollectionRecord,
    ComponentRecord,
    Container,
    DateSpan,
    Description,
    DigitalObject,
    FindingAidInfo,
    Language,
    Note,
)

from . import models

CHUNK_SIZE = 1000
_INFO_FIELDS = frozenset(f.name for f in fields(FindingAidInfo))
DESCRIBED = ["title", "title_html", "unitid", "level", "dates", "extent", "languages", "notes"]
_COMPONENT = ["pk", "ref", "xml_id", "sequence", "subtree_end", "ancestry", "depth", "position"]
_COMPONENT += ["containers", "internal", *DESCRIBED]
_TERM = ["component_id", "kind", "text", "relation", "source", "identifier", "role", "internal"]
_DAO = ["component_id", "href", "title", "role", "description", "group_label", "internal"]


def collection_record(collection: models.Collection) -> CollectionRecord:
    """The collection's own description (no components), from its public rows."""
    top = {"collection": collection, "component__isnull": True}
    record = CollectionRecord(
        identifier=collection.identifier,
        ead_version=collection.ead_version,
        repository=collection.repository,
        finding_aid=finding_aid(collection.finding_aid, collection.eadid),
        component_count=collection.component_count,
    )
    _describe(record, {name: getattr(collection, name) for name in DESCRIBED})
    record.internal = collection.internal
    record.terms = [_term(t) for t in _rows(models.AccessTerm.objects.filter(**top), _TERM)]
    record.digital_objects = [
        _dao(d) for d in _rows(models.DigitalObject.objects.filter(**top), _DAO)
    ]
    return record


def component_records(
    collection: models.Collection, chunk_size: int = CHUNK_SIZE
) -> Iterator[ComponentRecord]:
    """The public components in document order, each with its ancestors' positions."""
    path: list[int] = []
    after = 0
    while True:
        components = models.Component.objects.filter(collection=collection, sequence__gt=after)
        rows = list(components.order_by("sequence").values(*_COMPONENT)[:chunk_size])
        if not rows:
            return
        # The chunk's names and digital objects: by a range of ids rather than a
        # list (the loader numbers a collection's components in sequence; rows of
        # components outside the chunk, were there any, are passed over).
        ids = [row["pk"] for row in rows]
        chunk = {"collection": collection, "component__gte": min(ids), "component__lte": max(ids)}
        terms = _by_component(models.AccessTerm.objects.filter(**chunk), _TERM)
        daos = _by_component(models.DigitalObject.objects.filter(**chunk), _DAO)
        for row in rows:
            del path[max(row["depth"] - 1, 0) :]
            path.append(row["position"])
            ancestry = tuple(int(s) for s in row["ancestry"].split(".") if s)
            record = ComponentRecord(
                ref=row["ref"],
                xml_id=row["xml_id"] or None,
                path=tuple(path),
                sequence=row["sequence"],
                parent_sequence=ancestry[-1] if ancestry else None,
                ancestry=ancestry,
                subtree_end=row["subtree_end"],
                containers=[_container(c) for c in row["containers"]],
            )
            _describe(record, row)
            record.internal = row["internal"]
            record.terms = [_term(t) for t in terms.get(row["pk"], [])]
            record.digital_objects = [_dao(d) for d in daos.get(row["pk"], [])]
            yield record
        after = rows[-1]["sequence"]


def component_refs(collection: models.Collection) -> set[str]:
    """The refs of the public components (one query): the ids an export will hold."""
    return set(models.Component.objects.filter(collection=collection).values_list("ref", flat=True))


def finding_aid(data: dict[str, Any], eadid: str = "") -> FindingAidInfo:
    info = FindingAidInfo(**{k: v for k, v in data.items() if k in _INFO_FIELDS})
    info.eadid = info.eadid or eadid
    info.revisions = list(info.revisions)
    return info


def _describe(record: Description, row: dict[str, Any]) -> None:
    record.title = row["title"]
    record.title_html = row["title_html"]
    record.unitids = [row["unitid"]] if row["unitid"] else []
    record.level = row["level"]
    record.dates = [_span(d) for d in row["dates"]]
    record.extents = [row["extent"]] if row["extent"] else []
    record.languages = [
        Language(code=x.get("code"), name=x.get("name") or "") for x in row["languages"]
    ]
    record.notes = [_note(n) for n in row["notes"]]


def _rows(rows: QuerySet[Any], names: list[str]) -> Iterator[dict[str, Any]]:
    return iter(rows.order_by("component_id", "position").values(*names))


def _by_component(rows: QuerySet[Any], names: list[str]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in _rows(rows, names):
        grouped[row["component_id"]].append(row)
    return grouped


def _span(data: dict[str, Any]) -> DateSpan:
    return DateSpan(
        text=data.get("text", ""),
        normal=data.get("normal"),
        type=data.get("type"),
        begin=data.get("begin"),
        end=data.get("end"),
        open_end=bool(data.get("open_end")),
        approximate=bool(data.get("approximate")),
        undated=bool(data.get("undated")),
    )


def _container(data: dict[str, Any]) -> Container:
    return Container(
        type=data.get("type", ""),
        indicator=data.get("indicator", ""),
        label=data.get("label"),
        id=data.get("id"),
        parent=data.get("parent"),
    )


def _note(data: dict[str, Any]) -> Note:
    return Note(
        type=data.get("type", ""),
        html=data.get("html", ""),
        text=data.get("text", ""),
        head=data.get("head") or None,
    )


def _term(row: dict[str, Any]) -> AccessTerm:
    return AccessTerm(
        kind=row["kind"],
        text=row["text"],
        relation=row["relation"],
        source=row["source"] or None,
        identifier=row["identifier"] or None,
        role=row["role"] or None,
        internal=row["internal"],
    )


def _dao(row: dict[str, Any]) -> DigitalObject:
    return DigitalObject(
        href=row["href"],
        title=row["title"],
        role=row["role"] or None,
        description=row["description"],
        group_label=row["group_label"] or None,
        internal=row["internal"],
    )

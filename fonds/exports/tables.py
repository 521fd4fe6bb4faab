"""Collections and components as CSV tables, for spreadsheets and scripts.

``collections-csv``: one row per public collection. ``components-csv``: one row per
public component of one collection, in document order. Rows come from generators
that read the database a chunk at a time, and :func:`write_csv` writes any of them to
a text stream, so a caller can stream a table of millions of rows; the exporters
collect it into bytes. Addresses are absolute, from ``settings.BASE_URL``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from .registry import register

CHUNK = 2_000
COLLECTION_COLUMNS = (
    "identifier",
    "call_number",
    "title",
    "dates",
    "begin",
    "end",
    "extent",
    "creators",
    "components",
    "url",
)
COMPONENT_COLUMNS = (
    "ref",
    "parent_ref",
    "level",
    "depth",
    "title",
    "dates",
    "begin",
    "end",
    "containers",
    "url",
)
SEPARATOR = " | "  # between several values in one cell


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])


def _as_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    write_csv(out, columns, rows)
    return out.getvalue().encode("utf-8")


def collection_rows() -> Iterator[tuple[object, ...]]:
    from django.db.models import Count

    from fonds.findingaids.models import AccessTerm, Collection, Component
    from fonds.linked.iris import collection_iri

    counts = dict(
        Component.objects.order_by()
        .values_list("collection_id")
        .annotate(n=Count("id"))
        .values_list("collection_id", "n")
    )
    creators: dict[int, list[str]] = defaultdict(list)
    for collection_id, text in AccessTerm.objects.filter(
        relation=AccessTerm.CREATOR, component__isnull=True
    ).values_list("collection_id", "text"):
        if text not in creators[collection_id]:
            creators[collection_id].append(text)
    for c in Collection.objects.order_by("identifier").iterator(chunk_size=CHUNK):
        yield (
            c.identifier,
            c.unitid,
            c.display_title,
            c.date_text,
            c.begin_year,
            c.end_year,
            c.extent,
            SEPARATOR.join(creators.get(c.pk, [])),
            counts.get(c.pk, 0),
            collection_iri(c.identifier),
        )


def component_rows(collection: Any) -> Iterator[tuple[object, ...]]:
    """The public components of a collection, read by document order in chunks."""
    from fonds.findingaids.models import Component
    from fonds.linked.iris import ComponentIRIs

    url_of = ComponentIRIs(collection.identifier)
    public = Component.objects.filter(collection=collection).order_by("sequence")
    fields = (
        "sequence",
        "ref",
        "parent__ref",
        "level",
        "depth",
        "title",
        "date_text",
        "begin_year",
        "end_year",
        "container_summary",
    )
    after = 0
    while True:
        rows = list(public.filter(sequence__gt=after).values_list(*fields)[:CHUNK])
        if not rows:
            return
        after = rows[-1][0]
        for _, ref, parent, level, depth, title, dates, begin, end, containers in rows:
            yield (
                ref,
                parent or "",
                level,
                depth,
                title or dates or "[Untitled]",
                dates,
                begin,
                end,
                containers,
                url_of(ref),
            )


@register("collections-csv", "Collections (CSV)", "text/csv; charset=utf-8", "csv", "archive")
def collections_csv(_: Any = None) -> bytes:
    return _as_bytes(COLLECTION_COLUMNS, collection_rows())


@register(
    "components-csv",
    "Components of a collection (CSV)",
    "text/csv; charset=utf-8",
    "csv",
    "collection",
)
def components_csv(collection: Any) -> bytes:
    return _as_bytes(COMPONENT_COLUMNS, component_rows(collection))

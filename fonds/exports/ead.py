"""EAD 2002 and EAD3 exports of a collection, written from its public rows.

Unlike ``ead-source`` (the file as loaded, minus internal content), these are
written from the database, so any collection can be exported in either version,
whatever it was loaded from; loading an export again gives the same records (see
:mod:`fonds.formats.ead_write` for what each version cannot say).
"""

from __future__ import annotations

from typing import Any

from .registry import register


def _render(collection: Any, version: str) -> bytes:
    from fonds.findingaids.records import collection_record, component_records, component_refs
    from fonds.formats.ead_write import write_ead

    return write_ead(
        collection_record(collection),
        component_records(collection),
        version,
        component_refs(collection),
    )


@register("ead2002", "EAD 2002", "application/xml", "xml", "collection")
def ead2002(collection: Any) -> bytes:
    return _render(collection, "2002")


@register("ead3", "EAD3", "application/xml", "xml", "collection")
def ead3(collection: Any) -> bytes:
    return _render(collection, "3")

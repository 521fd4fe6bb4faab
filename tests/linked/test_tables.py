"""The CSV exports of collections and components."""

from __future__ import annotations

import csv
import io

from fonds.exports.registry import all_exporters, export
from fonds.findingaids.models import Collection, Component
from fonds.linked import iris
from tests.linked.conftest import BASE_URL


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_exporters_are_registered():
    found = all_exporters()
    assert found["collections-csv"].scope == "archive"
    assert found["components-csv"].scope == "collection"
    assert found["components-csv"].media_type.startswith("text/csv")


def test_collections_csv(demo):
    table = rows(export("collections-csv"))
    assert len(table) == Collection.objects.count()
    assert list(table[0]) == [
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
    ]
    row = next(r for r in table if r["identifier"] == "DEMO-001")
    collection = Collection.objects.get(identifier="DEMO-001")
    assert row["call_number"] == collection.unitid
    assert row["dates"] == "1963-1989, bulk 1970-1987"
    assert (row["begin"], row["end"]) == ("1963", "1989")
    assert row["extent"] == collection.extent
    assert row["creators"] == "Cleveland Council on Soviet Anti-Semitism"
    assert row["components"] == str(collection.components.count())
    assert row["url"] == f"{BASE_URL}/collections/DEMO-001/"


def test_components_csv(demo):
    collection = Collection.objects.get(identifier="DEMO-004")
    table = rows(export("components-csv", collection))
    public = list(Component.objects.filter(collection=collection).order_by("sequence"))
    assert len(table) == len(public) > 5000
    assert [r["ref"] for r in table] == [c.ref for c in public]
    seen: set[str] = set()
    for row, component in zip(table, public, strict=True):
        assert row["parent_ref"] == "" or row["parent_ref"] in seen  # parents come first
        seen.add(row["ref"])
        assert row["depth"] == str(component.depth)
        assert row["level"] == component.level
        assert row["url"] == iris.component_iri("DEMO-004", component.ref)
    folder = next(r for r in table if r["containers"])
    assert folder["url"].startswith(f"{BASE_URL}/collections/DEMO-004/")


def test_components_csv_leaves_out_internal_folders(demo):
    data = export("components-csv", Collection.objects.get(identifier="DEMO-001"))
    assert b"INTERNAL-MARKER" not in data
    assert b"demo001-s1-ss3-f5" not in data
    assert len(rows(data)) == Component.objects.filter(collection__identifier="DEMO-001").count()


def test_component_addresses_match_the_pages(demo):
    for component in Component.objects.select_related("collection")[:500]:
        assert iris.component_iri(component.collection.identifier, component.ref) == (
            BASE_URL + component.get_absolute_url()
        )

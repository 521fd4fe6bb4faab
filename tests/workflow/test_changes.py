"""The diff behind the dry run and the comparison of versions: pure Python."""

from __future__ import annotations

import io

from fonds.workflow.changes import Snapshot, compare, read_snapshot, read_snapshot_file

from .conftest import ADDED, ADDED_TITLE, DEMO, NEW_TITLE, REMOVED, RETITLED


def _ead(components: str, title: str = "Papers") -> Snapshot:
    text = (
        '<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><eadid>T-1</eadid></eadheader>'
        f'<archdesc level="collection"><did><unittitle>{title}</unittitle>'
        f"<unitid>T-1</unitid></did><dsc>{components}</dsc></archdesc></ead>"
    )
    return read_snapshot(io.BytesIO(text.encode()), "t.xml", "2002")


def _folder(title: str, folder: int) -> str:
    return (
        f'<c level="file"><did><unittitle>{title}</unittitle>'
        f'<container type="box">1</container><container type="folder">{folder}</container>'
        "</did></c>"
    )


def test_the_edited_demo_001_differs_by_exactly_its_three_edits(edited_demo_001):
    old = read_snapshot_file(DEMO / "DEMO-001.xml", "2002")
    new = read_snapshot_file(edited_demo_001, "2002")
    changes = compare(old, new)
    assert [c.ref for c in changes.added] == [ADDED]
    assert changes.added[0].title == ADDED_TITLE
    assert changes.added[0].containers == "Box 1, Folder 3a"
    assert [c.ref for c in changes.removed] == [REMOVED]
    assert [(c.new.ref, c.fields) for c in changes.changed] == [(RETITLED, ["title"])]
    assert changes.changed[0].new.title == NEW_TITLE
    assert changes.unchanged == 142 - 2
    assert changes.collection_diff == []


def test_a_file_compared_with_itself_changes_nothing():
    snapshot = read_snapshot_file(DEMO / "DEMO-002.xml", "2002")
    changes = compare(snapshot, snapshot)
    assert changes.collection_status == "unchanged"
    assert changes.nothing and changes.unchanged == len(snapshot.components)


def test_without_ids_an_inserted_folder_is_one_addition_not_a_cascade():
    # positional identifiers (c1.2, c1.3...) shift after an insertion: the alignment
    # still sees one new folder, not every later folder changed
    folders = [_folder(f"Folder {n}", n) for n in range(1, 30)]
    before = _ead(
        '<c level="series"><did><unittitle>S</unittitle></did>' + "".join(folders) + "</c>"
    )
    inserted = [*folders[:5], _folder("A new folder", 99), *folders[5:]]
    after = _ead(
        '<c level="series"><did><unittitle>S</unittitle></did>' + "".join(inserted) + "</c>"
    )
    changes = compare(before, after)
    assert [c.title for c in changes.added] == ["A new folder"]
    assert changes.removed == [] and changes.changed == []


def test_a_new_collection_adds_everything_and_collection_fields_are_diffed():
    after = _ead(_folder("One", 1) + _folder("Two", 2), title="New papers")
    changes = compare(None, after)
    assert changes.collection_status == "new"
    assert len(changes.added) == 2
    retitled = compare(_ead(_folder("One", 1)), _ead(_folder("One", 1), title="Other papers"))
    assert "-title: Papers" in retitled.collection_diff
    assert "+title: Other papers" in retitled.collection_diff


def test_changed_containers_and_level_are_named():
    before = _ead(_folder("One", 1))
    after = _ead(_folder("One", 2).replace('level="file"', 'level="item"'))
    changes = compare(before, after)
    assert [c.fields for c in changes.changed] == [["level", "containers"]]
    shown = changes.as_dict()["changed"][0]["fields"]
    assert {"field": "containers", "old": "Box 1, Folder 1", "new": "Box 1, Folder 2"} in shown

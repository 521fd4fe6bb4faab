"""The EAD 2002 and EAD3 exports: written from the database, valid against the
official schemas, and loaded again they give the same database content."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fonds.exports.registry import all_exporters, export
from fonds.findingaids.models import AccessTerm, Collection, Component, DigitalObject
from fonds.findingaids.records import collection_record, component_records
from fonds.formats.archival import FindingAidInfo
from fonds.loader import load_file
from tests.conftest import corpus_file
from tests.findingaids.test_loading import WELL_FORMED_EAD
from tests.schemas import assert_valid

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fonds" / "demo" / "findingaids"
DEMO_FILES = sorted(p.name for p in DEMO.glob("*.xml"))
VERSIONS = ("2002", "3")
SCHEMA = {"2002": "ead2002", "3": "ead3"}

DESCRIBED = [
    "level",
    "title",
    "title_html",
    "unitid",
    "date_text",
    "begin_year",
    "end_year",
    "undated",
    "dates",
    "extent",
    "languages",
    "notes",
]
COMPONENT = ["ref", *DESCRIBED, "containers", "container_summary", "has_digital_object"]
COMPONENT += ["depth", "position"]
HEADER = ["eadid", "repository", "abstract"]
FINDING_AID = [f.name for f in fields(FindingAidInfo)]
TERM = ["kind", "relation", "text", "source", "identifier", "role"]
DAO = ["href", "title", "role", "description"]

# What a reloaded export cannot give back, by file and version: one field of that
# file, never globally. Each with its reason: the source says what its own schema
# refuses and the export must leave out or fill in, or one version cannot say what
# the other said.
_INTERNAL_HEADER = (
    "the eadheader is audience='internal': the export keeps only the identifier and "
    "title the file needs, so the header reads back without the rest"
)
_HIDDEN_HEADER = [
    f"finding_aid.{key}"
    for key in ("subtitle", "author", "publisher", "language", "status", "internal")
]
_MISSING_HEADER = (
    "the eadheader has no eadid and no titleproper, which ead2002.xsd requires: the "
    "export fills them in with the collection's identifier and title"
)
_OPEN_2002 = (
    "ead2002.xsd's unitdate@normal takes no open range ('1951-04-05/ ', '1990/9999' "
    "read as open-ended): EAD 2002 exports leave it out and write the text ('1990-' "
    "where there was none), which reads back without the normal or the open end"
)
_UNDEPRECATED = (
    "the 'undeprecated' EAD3 namespace allows imprint, edition and bibseries in bibref "
    "and unittitle and blockquote in descgrp; EAD3 does not: their text stays"
)
_EAD3_PARTS = "EAD3 names and titles hold <part>s, EAD 2002 ones text: the parts go"
_EAD3_RELATIONS = "EAD 2002 has no <relations>: related names become controlaccess terms"
_EAD3_PHRASES = (
    "what EAD3 says otherwise: its physdesc and didnote hold phrases only (no genreform, "
    "physfacet, dimensions or paragraph), its langmaterial no text (a descriptivenote "
    "does), its paragraphs no address; it has no note (footnote) in a bioghist"
)
_EAD2002_PHRASES = (
    "EAD 2002 has no physdescstructured (the paragraphs of its descriptivenote become "
    "text in a physdesc) and no date range in a chronlist (its two dates run together)"
)
EXCLUDED: dict[tuple[str, str], dict[str, str]] = {
    ("pulfa-c0140-single-items.xml", "3"): {"notes": _EAD3_PHRASES},
    ("pulfa-c1752-naiman-cyrillic.xml", "3"): {"notes": _EAD3_PHRASES},
    ("aspace-voorhis-doctype.xml", "2002"): dict.fromkeys(_HIDDEN_HEADER, _INTERNAL_HEADER)
    | dict.fromkeys(("dates", "end_year"), _OPEN_2002),
    ("aspace-voorhis-doctype.xml", "3"): dict.fromkeys(_HIDDEN_HEADER, _INTERNAL_HEADER)
    | {"notes": _EAD3_PHRASES},
    ("cul-open-ended-9999.xml", "2002"): dict.fromkeys(
        ("eadid", "finding_aid.eadid", "finding_aid.title"), _MISSING_HEADER
    )
    | {"dates": _OPEN_2002},
    ("cul-open-ended-9999.xml", "3"): dict.fromkeys(
        ("eadid", "finding_aid.eadid", "finding_aid.title"), _MISSING_HEADER
    ),
    ("saa-c1571-ead3-undeprecated.xml", "3"): {
        "notes": _UNDEPRECATED,
        "title_html": _UNDEPRECATED,
    },
    ("saa-c1571-ead3-undeprecated.xml", "2002"): {
        "notes": _UNDEPRECATED,
        "title_html": _UNDEPRECATED,
        "terms": _EAD3_RELATIONS,
    },
    ("saa-c1571-ead3.xml", "2002"): {
        "notes": _EAD2002_PHRASES,
        "title_html": _EAD3_PARTS,
        "terms": _EAD3_RELATIONS,
    },
    ("ehri-comprehensive-ead3.xml", "2002"): {
        "notes": _EAD3_PARTS,
        "title_html": _EAD3_PARTS,
    },
    ("DEMO-003.xml", "2002"): {"notes": _EAD2002_PHRASES},
    ("ehri-yv-m19-eng.xml", "3"): {"notes": _EAD3_PHRASES},
    ("ehri-zbirka-jews-croatia.xml", "3"): {"notes": _EAD3_PHRASES},
    ("pulfa-c1491-relativedao.xml", "3"): {"notes": _EAD3_PHRASES},
    ("saa-kitchen-sink-at-enumerated.xml", "3"): {"notes": _EAD3_PHRASES},
    ("cul-too-large-date-range.xml", "3"): {"notes": _EAD3_PHRASES},
    ("DEMO-001.xml", "3"): {"notes": _EAD3_PHRASES},
    ("DEMO-002.xml", "3"): {"notes": _EAD3_PHRASES},
    ("DEMO-004.xml", "3"): {"notes": _EAD3_PHRASES},
}


def source(name: str) -> Path:
    return DEMO / name if name in DEMO_FILES else corpus_file(name)


def content(identifier: str) -> list[dict[str, object]]:
    """What the database holds of a collection: its own row (with what it says of the
    finding aid, each finding_aid key a field), then each public component in
    sequence order, each with its names and digital objects.

    A component's position counts its public siblings only: an export leaves the
    internal ones out (their sequence numbers go too, and sequence is not compared)."""
    collection = Collection.objects.get(identifier=identifier)
    terms = _owned(AccessTerm.objects.filter(collection=collection), TERM)
    daos = _owned(DigitalObject.objects.filter(collection=collection), DAO)
    info = collection.finding_aid
    header = {field: getattr(collection, field) for field in HEADER}
    rows: list[dict[str, object]] = [
        {field: getattr(collection, field) for field in DESCRIBED}
        | header
        | {f"finding_aid.{key}": info.get(key) for key in FINDING_AID}
        | {"terms": terms.get(None, []), "daos": daos.get(None, [])}
    ]
    siblings: dict[object, int] = {}
    components = Component.objects.filter(collection=collection).order_by("sequence")
    for component in components.values("pk", "parent_id", *COMPONENT):
        pk, parent = component.pop("pk"), component.pop("parent_id")
        siblings[parent] = component["position"] = siblings.get(parent, 0) + 1
        rows.append(component | {"terms": terms.get(pk, []), "daos": daos.get(pk, [])})
    return rows


def _owned(rows, fields: list[str]) -> dict[int | None, list[tuple[object, ...]]]:
    """Public names or digital objects by component (None: the collection's own)."""
    owned: dict[int | None, list[tuple[object, ...]]] = {}
    for row in rows.order_by("component_id", "position").values_list("component_id", *fields):
        owned.setdefault(row[0], []).append(row[1:])
    return owned


def differences(before, after, excluded: dict[str, str]) -> tuple[list[str], set[str]]:
    """What changed outside the excluded fields, and the excluded fields that changed."""
    found = []
    changed = set()
    if len(before) != len(after):
        found.append(f"{len(before)} rows before, {len(after)} after")
    for old, new in zip(before, after, strict=False):
        for field, value in old.items():
            if new[field] == value:
                continue
            if field in excluded:
                changed.add(field)
            else:
                where = old.get("ref", "the collection")
                found.append(f"{where} {field}: {value!r} became {new[field]!r}"[:600])
    return found, changed


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", [*WELL_FORMED_EAD, *DEMO_FILES])
def test_export_is_valid_and_loads_back_unchanged(name, version, tmp_path):
    loaded = load_file(source(name))
    assert loaded.status == "loaded", loaded.error
    before = content(loaded.identifier)
    collection = Collection.objects.get(identifier=loaded.identifier)

    data = export(f"ead{version}", collection)
    assert_valid(data, "", SCHEMA[version])
    assert b"INTERNAL-MARKER" not in data

    path = tmp_path / f"export-{version}.xml"
    path.write_bytes(data)
    again = load_file(path)
    assert again.status == "replaced", again.error
    assert again.identifier == loaded.identifier
    assert Collection.objects.get(identifier=loaded.identifier).ead_version == version
    excluded = EXCLUDED.get((name, version), {})
    problems, changed = differences(before, content(loaded.identifier), excluded)
    assert not problems, "\n".join(problems[:20])
    # an exclusion that nothing needs any more goes
    assert changed == set(excluded), f"stale exclusions: {sorted(set(excluded) - changed)}"


def test_internal_content_stays_out_of_both_exports():
    assert load_file(DEMO / "DEMO-001.xml").status == "loaded"
    collection = Collection.objects.get(identifier="DEMO-001")
    assert Component.all_objects.filter(collection=collection, internal=True).exists()
    for version in VERSIONS:
        data = export(f"ead{version}", collection).decode()
        assert "INTERNAL-MARKER-001" not in data  # an internal component's title
        assert "INTERNAL-MARKER-002" not in data  # an internal note
        assert 'audience="internal"' not in data


def test_exporters_are_registered():
    exporters = all_exporters()
    for name, title in (("ead2002", "EAD 2002"), ("ead3", "EAD3")):
        chosen = exporters[name]
        assert (chosen.title, chosen.media_type, chosen.extension, chosen.scope) == (
            title,
            "application/xml",
            "xml",
            "collection",
        )


def test_components_are_read_in_chunks_not_one_query_each():
    assert load_file(DEMO / "DEMO-004.xml").status == "loaded"
    collection = Collection.objects.get(identifier="DEMO-004")
    with CaptureQueriesContext(connection) as queries:
        record = collection_record(collection)
        count = sum(1 for _ in component_records(collection, chunk_size=1000))
    assert count == collection.component_count == 6763
    assert record.terms and record.digital_objects == []
    # the collection (terms, digital objects), then per 1,000 components three queries
    assert len(queries) <= 3 + 3 * 7 + 1


def test_component_records_rebuild_the_tree():
    assert load_file(corpus_file("pulfa-c1491-relativedao.xml")).status == "loaded"
    collection = Collection.objects.get(identifier="C1491")
    records = list(component_records(collection, chunk_size=3))
    rows = list(Component.objects.filter(collection=collection).order_by("sequence"))
    assert [r.ref for r in records] == [c.ref for c in rows]
    assert [r.depth for r in records] == [c.depth for c in rows]
    assert [r.path[-1] for r in records] == [c.position for c in rows]
    assert any(r.digital_objects for r in records)


SYNTHETIC_COMPONENTS = 100_000
# Run in a fresh process: resident memory sampled while the export streams to a file,
# then while the exporter makes its bytes.
MEASURE = """
import json, os, sys, threading, time
import django
django.setup()
from fonds.exports.registry import export
from fonds.findingaids.models import Collection
from fonds.findingaids.records import collection_record, component_records, component_refs
from fonds.formats.ead_write import write_ead_to

PAGE = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20
peak, done = [0.0], threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.005)

collection = Collection.objects.get(identifier="SYNTH-100K")
refs = component_refs(collection)
version = sys.argv[2]
result = {}
for way in ("stream", "bytes"):
    base, peak[0] = rss(), 0.0
    done.clear()
    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    if way == "stream":
        with open(sys.argv[1], "wb") as out:
            record, components = collection_record(collection), component_records(collection)
            write_ead_to(out, record, components, version, refs)
    else:
        data = export("ead" + version, collection)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    result[way] = {"growth": peak[0] - base, "seconds": seconds}
    data = None
print(json.dumps(result))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc/self/statm")
def test_a_100k_component_collection_exports_in_bounded_memory(tmp_path):
    from fonds.devtools.synthetic import write_file

    synthetic = tmp_path / "synthetic.xml"
    count = write_file(synthetic, 500, "SYNTH-100K", max_components=SYNTHETIC_COMPONENTS)
    assert count == SYNTHETIC_COMPONENTS
    env = dict(os.environ, FONDS_HOME=str(tmp_path / "home"))
    env["DJANGO_SETTINGS_MODULE"] = "fonds.settings"
    fonds = [sys.executable, "-m", "fonds"]
    loaded = subprocess.run(
        [*fonds, "load", str(synthetic)], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    for version in VERSIONS:
        output = tmp_path / f"synthetic-{version}.xml"
        run = subprocess.run(
            [sys.executable, "-c", MEASURE, str(output), version],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert run.returncode == 0, run.stderr
        measured = json.loads(run.stdout.strip().splitlines()[-1])
        size = output.stat().st_size / 2**20
        stream, whole = measured["stream"], measured["bytes"]
        print(
            f"EAD {version}: {size:.1f} MB; streamed to a file in {stream['seconds']:.1f} s, "
            f"memory +{stream['growth']:.1f} MB; as bytes in {whole['seconds']:.1f} s, "
            f"memory +{whole['growth']:.1f} MB"
        )
        assert size > 25
        # Streaming holds a chunk of components, whatever the size of the file (a
        # tree of the whole finding aid would take several times the file's size).
        assert stream["growth"] < 40
        # The exporter's bytes are the file itself, and little more.
        assert whole["growth"] < 2 * size + 40

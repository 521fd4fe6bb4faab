"""EADReader over the real corpus: counts, structure, errors, EAD3, digital objects,
internal (audience="internal") material, and memory on a large file."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import unicodedata
from collections import Counter
from itertools import islice

import pytest

from fonds.devtools.synthetic import write_file
from fonds.formats.detect import detect
from fonds.formats.ead import SAFE_REF, EADReader
from fonds.formats.errors import FormatError
from tests.conftest import corpus_file
from tests.formats.helpers import (
    COMPONENT_NAMES,
    EAD_FILES,
    EAD_NAMES,
    XLINK,
    collapse,
    components,
    elements,
    is_internal,
    local,
    own_text,
    read,
    squash,
    tree,
)

INTERNAL_FILES = ["pulfa-c0140-single-items.xml", "aspace-voorhis-doctype.xml"]


def read_bytes(data: bytes, version: str = "2002") -> EADReader:
    reader = EADReader(io.BytesIO(data), "snippet.xml", version)
    return reader


# -- every file, every component -------------------------------------------------------


@pytest.mark.parametrize("name", EAD_NAMES)
def test_reads_every_component(name):
    version, namespace, identifier, documented = EAD_FILES[name]
    detected = detect(corpus_file(name))
    assert detected.format == ("ead3" if version == "3" else "ead2002")
    assert detected.namespace == namespace

    reading = read(name)
    independent = sum(1 for el in tree(name).iter() if local(el) in COMPONENT_NAMES)
    assert len(reading.yielded) == independent == documented
    assert reading.collection.component_count == independent
    assert reading.collection.identifier == identifier
    assert reading.collection.namespace == namespace
    assert reading.collection.ead_version == version
    assert reading.collection.title


def index_parents(el, index):
    return [a for a in el.iterancestors() if a in index]


@pytest.mark.parametrize("name", [n for n in EAD_NAMES if EAD_FILES[n][3]])
def test_structure_is_consistent(name):
    reading = read(name)
    records = reading.records
    elements_in_order = components(name)
    count = len(records)
    assert [r.sequence for r in records] == list(range(1, count + 1))
    assert len(elements_in_order) == count

    index = {el: i + 1 for i, el in enumerate(elements_in_order)}  # sequence of each element
    by_sequence = {r.sequence: r for r in records}
    parents_of = {el: index_parents(el, index) for el in elements_in_order}
    top_level = [el for el in elements_in_order if not parents_of[el]]
    for record, el in zip(records, elements_in_order, strict=True):
        # sequence follows document order: same element, line and id
        assert record.sourceline == el.sourceline
        assert record.xml_id == el.get("id")
        parents = parents_of[el]
        expected_ancestry = tuple(index[a] for a in reversed(parents))
        assert record.ancestry == expected_ancestry
        assert record.parent_sequence == (expected_ancestry[-1] if parents else None)
        if record.parent_sequence is not None:
            assert record.ancestry[-1] == record.parent_sequence
            parent = by_sequence[record.parent_sequence]
            assert record.path[:-1] == parent.path
        # top level: numbered across every <dsc> of the archdesc
        siblings = [c for c in parents[0] if c in index] if parents else top_level
        assert record.path[-1] == siblings.index(el) + 1
        assert record.depth == len(record.path) == len(record.ancestry) + 1
        # the subtree is exactly the sequences in (sequence, subtree_end]
        assert record.subtree_end >= record.sequence
        descendants = sorted(index[d] for d in el.iterdescendants() if d in index)
        assert descendants == list(range(record.sequence + 1, record.subtree_end + 1))
        assert record.internal == (is_internal(el) or any(is_internal(p) for p in parents))


@pytest.mark.parametrize("name", [n for n in EAD_NAMES if EAD_FILES[n][3]])
def test_refs_and_yield_order(name):
    reading = read(name)
    refs = [r.ref for r in reading.records]
    assert len(set(refs)) == len(refs)
    seen_ids: set[str] = set()
    for record in reading.records:
        xml_id = record.xml_id
        if xml_id and SAFE_REF.match(xml_id) and xml_id not in seen_ids:
            assert record.ref == xml_id
        else:
            assert re.fullmatch(r"c\d+(\.\d+)*_*", record.ref)
        seen_ids.add(record.ref)
    # streamed: a component comes out after all its descendants (its end tag is later)
    position = {r.sequence: i for i, r in enumerate(reading.yielded)}
    for record in reading.yielded:
        for seq in range(record.sequence + 1, record.subtree_end + 1):
            assert position[seq] < position[record.sequence]


# -- errors --------------------------------------------------------------------------


def test_invalid_ead_without_unitid_is_refused_with_its_line():
    path = corpus_file("ehri-invalid-ead.xml")
    with open(path, "rb") as handle, pytest.raises(FormatError) as caught:
        list(EADReader(handle, str(path), "2002"))
    error = caught.value
    assert "unitid" in error.cause
    assert (error.line, error.column) == (17, 3)  # the archdesc's <did>
    assert str(error).startswith(f"{path}:17:3: ")


def test_missing_unitid_is_refused_before_any_component():
    data = (
        b'<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><eadid/></eadheader>'
        b"<archdesc level='collection'><did><unittitle>T</unittitle></did>"
        b"<dsc><c><did><unittitle>first</unittitle></did></c></dsc></archdesc></ead>"
    )
    with pytest.raises(FormatError, match="unitid"):
        list(islice(read_bytes(data), 1))


def test_truncated_real_file_is_refused_with_a_line():
    data = corpus_file("nyu-tam183-new-jewish-agenda.xml").read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(FormatError) as caught:
        list(read_bytes(cut))
    assert caught.value.line is not None and caught.value.line > 1
    assert "not well-formed" in caught.value.cause


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<eac-cpf><cpfDescription/></eac-cpf>", "no <ead> element"),
        (b"<eac-cpf><control/></eac-cpf>", "unknown root element <eac-cpf>"),
        (b"<EAD><eadheader/></EAD>", "unknown root element <EAD>"),
        (b"<!-- nothing -->\n<x:ead xmlns:x='urn:y'><x:eadheader/></x:ead>", None),
    ],
    ids=["eac-root", "eac-root-with-control", "wrong-case-root", "ead-in-other-namespace"],
)
def test_unknown_root_is_refused(data, message):
    reader = read_bytes(data)
    if message is None:  # an <ead> in any namespace is walked; it has no identity
        with pytest.raises(FormatError, match="unitid"):
            list(reader)
        return
    with pytest.raises(FormatError) as caught:
        list(reader)
    assert message in caught.value.cause


# -- EAD3 and namespaces ---------------------------------------------------------------


def test_ead3_namespaces_read_alike():
    plain, undeprecated = read("saa-c1571-ead3.xml"), read("saa-c1571-ead3-undeprecated.xml")
    for reading in (plain, undeprecated):
        assert reading.collection.identifier == "C1571"
        assert reading.collection.unitid == "C1571"
        assert reading.collection.title == "Clarence Brown Papers"
        assert len(reading.records) == 12
    assert [r.ref for r in plain.records] == [r.ref for r in undeprecated.records]
    assert [r.path for r in plain.records] == [r.path for r in undeprecated.records]
    assert [r.level for r in plain.records] == [r.level for r in undeprecated.records]
    assert plain.records[-1].level == "physicalitem"  # otherlevel, second <dsc>


@pytest.mark.parametrize("name", ["saa-c1571-ead3.xml", "saa-c1571-ead3-undeprecated.xml"])
def test_ead3_relations_are_read(name):
    related = [t for t in read(name).collection.terms if t.relation == "related"]
    expected = []
    for relation in elements(name, "relation"):
        entries = [c for c in relation if local(c) == "relationentry"]
        if entries:
            expected.append((collapse("".join(entries[0].itertext())), relation.get("href")))
    assert len(expected) == 2  # the third relation has only an objectxmlwrap
    assert [(t.text, t.identifier) for t in related] == expected
    kinds = {t.text: t.kind for t in related}
    assert kinds == {"Osip Mandelstam Papers (C0539)": "title", "Osip Mandelstam": "name"}


# -- digital objects -------------------------------------------------------------------


def source_hrefs(name: str) -> list[str]:
    found = []
    for el in elements(name, "dao", "daoloc"):
        href = el.get(XLINK + "href") or el.get("href") or ""
        found.append(href.strip())
    return found


@pytest.mark.parametrize("name", EAD_NAMES)
def test_every_dao_and_daoloc_becomes_a_digital_object(name):
    objects = [d for r in read(name).everything for d in r.digital_objects]
    hrefs = source_hrefs(name)
    assert len(objects) == len(hrefs)
    assert Counter(d.href for d in objects) == Counter(
        unicodedata.normalize("NFC", h) for h in hrefs
    )


def test_umn_ead3_has_74_digital_objects():
    objects = [d for r in read("saa-umn-yusa0008-ead3.xml").everything for d in r.digital_objects]
    assert len(objects) == 74 == len(elements("saa-umn-yusa0008-ead3.xml", "dao"))
    assert all(d.href.startswith(("http://", "https://")) for d in objects)


def test_daogrp_daoloc_are_read_with_their_group():
    name = "aspace-ead-dao-test.xml"
    reading = read(name)
    objects = [d for r in reading.everything for d in r.digital_objects]
    assert len(objects) == len(elements(name, "daoloc")) + len(elements(name, "dao")) == 11
    grouped = [(d.href, d.title, d.role, d.group_label) for d in objects if d.group_label]
    first = [g for g in grouped if g[3] == "first daogrp"]
    assert first == [
        ("http://a", "imageone", "image/jpeg", "first daogrp"),
        ("http://b", "imagetwo", "image/jpeg", "first daogrp"),
        ("http://c", "imagetwoverso", "image/jpeg", "first daogrp"),
    ]
    assert len([g for g in grouped if g[3] == "second daogrp"]) == 3
    single = {d.href: d for d in objects if d.group_label is None and d.href in ("somewhere",)}
    assert single["somewhere"].title == "required-title-2"
    assert "dao no grp" in single["somewhere"].description


def test_ead3_dao_and_relative_hrefs():
    (dao,) = read("saa-c1571-ead3.xml").collection.digital_objects
    assert dao.href == "bioghist-images/shieldlogo.jpg"
    assert dao.role == "borndigital"
    relative = [
        d.href for r in read("pulfa-c1491-relativedao.xml").records for d in r.digital_objects
    ]
    assert relative and all(h.startswith("pdf/") for h in relative)


def test_kitchen_sink_xlink_bound_to_ns2_is_read():
    name = "saa-kitchen-sink-at-enumerated.xml"
    assert tree(name).getroot().nsmap.get("ns2") == XLINK[1:-1]
    objects = [d for r in read(name).everything for d in r.digital_objects]
    assert [d.href for d in objects] == source_hrefs(name)
    assert objects[0].href


# -- audience="internal" ---------------------------------------------------------------


def public_source_text(name: str) -> str:
    """Text and attribute values of the file outside every internal element."""
    parts: list[str] = []
    for el in tree(name).iter():
        if not local(el) or is_internal(el) or any(is_internal(a) for a in el.iterancestors()):
            continue
        parts.append(own_text(el, frozenset(n for n in [local(c) for c in el] if n)))
        parts.extend(el.attrib.values())
    return squash(" ".join(parts))


@pytest.mark.parametrize("name", INTERNAL_FILES)
def test_internal_text_never_reaches_public_fields(name):
    reading = read(name)
    public: list[str] = []
    for record in reading.everything:
        if record.internal:
            continue
        public.append(record.title)
        public.extend(n.text for n in record.notes)
        public.extend(n.html for n in record.notes)
        public.extend(t.text for t in record.terms if not t.internal)
        for d in record.digital_objects:
            if not d.internal:
                public.extend((d.href, d.title, d.description))
    public_output = [squash(p) for p in public]
    source = public_source_text(name)
    internal = [el for el in tree(name).iter() if local(el) and is_internal(el)]
    assert internal
    checked = 0
    for el in internal:
        texts = [squash("".join(el.itertext()))]
        texts += [squash(d.get(XLINK + "href") or "") for d in el.iter() if local(d) == "dao"]
        for text in texts:
            if not text or text in source:  # also said publicly: not a secret
                continue
            checked += 1
            assert not any(text in p for p in public_output), (local(el), el.sourceline, text)
    assert checked


def test_internal_material_of_pulfa_c0140():
    name = "pulfa-c0140-single-items.xml"
    reading = read(name)
    internal = [el for el in tree(name).iter() if local(el) and is_internal(el)]
    assert len(internal) == 142
    by_element = dict(zip(components(name), reading.records, strict=True))
    # components: internal themselves or inside an internal one
    expected = {
        el
        for el in by_element
        if is_internal(el) or any(is_internal(a) for a in el.iterancestors())
    }
    assert {el for el, r in by_element.items() if r.internal} == expected
    assert len([el for el in expected if is_internal(el)]) == 3

    note_types = ("bioghist", "acqinfo", "processinfo", "scopecontent", "unitid")
    internal_notes = [n for r in reading.everything for n in r.internal_notes]
    assert len(internal_notes) == len([el for el in internal if local(el) in note_types]) == 86

    def owner(el):
        return next(
            (by_element[a] for a in el.iterancestors() if a in by_element), reading.collection
        )

    for el in internal:
        record = owner(el)
        name_ = local(el)
        if name_ in note_types:
            notes = {(n.type, squash(n.text)) for n in record.internal_notes}
            assert (name_, squash(own_text(el))) in notes
        elif name_ in ("persname", "corpname", "origination"):
            texts = {squash(t.text) for t in record.terms if t.internal}
            assert squash("".join(el.itertext())) in texts
        elif name_ == "dao":
            hidden = {d.href for d in record.digital_objects if d.internal}
            assert el.get(XLINK + "href") in hidden


def test_internal_header_and_physloc_of_voorhis():
    reading = read("aspace-voorhis-doctype.xml")
    assert reading.collection.finding_aid.internal is True
    assert reading.collection.finding_aid.eadid == "voorhis"
    physloc = [n for n in reading.collection.internal_notes if n.type == "physloc"]
    assert [n.text for n in physloc] == ["New York University Archives"]
    assert "physloc" not in [n.type for n in reading.collection.notes]


# -- memory ----------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import resource, sys
    from fonds.formats.ead import EADReader
    count = 0
    with open(sys.argv[1], "rb") as handle:
        for _record in EADReader(handle, sys.argv[1], "2002"):
            count += 1
    print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)
# Linux carries the RSS of the process that forked over exec into ru_maxrss, and this
# pytest process holds the whole corpus: a small relay process forks the measured one.
RELAY = (
    "import subprocess, sys; sys.exit(subprocess.run([sys.executable, *sys.argv[1:]]).returncode)"
)


@pytest.mark.slow
def test_large_file_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "synthetic.xml"
    written = write_file(path, 30)
    assert path.stat().st_size > 29 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", RELAY, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    count, peak_kib = map(int, done.stdout.split())
    assert count == written
    assert peak_kib < 150 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"


def _read_text(xml: str, version: str = "2002"):
    reader = EADReader(io.BytesIO(xml.encode()), "t.xml", version)
    components = list(reader)
    return reader.collection, components


EAD2002_WRAPPER = (
    '<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><eadid>T</eadid></eadheader>'
    '<archdesc level="collection"><did><unitid>T-1</unitid>{did}</did>{desc}</archdesc></ead>'
)


def test_loose_text_where_the_schema_wants_paragraphs_is_read_as_one():
    """A <note> with no <p> (ArchivesSpace writes a name so before a bioghist) is read
    as the paragraph it must be in: the EAD written from it says the same."""
    desc = (
        "<bioghist><note>Ball, <emph>James</emph> (1825-1904)</note><p>A photographer.</p>"
        "<note><p>Kept.</p></note></bioghist>"
    )
    collection, _ = _read_text(EAD2002_WRAPPER.format(did="", desc=desc))
    (note,) = collection.notes
    assert note.html == (
        '<section class="ead-note"><p>Ball, <em>James</em> (1825-1904)</p></section>'
        '<p>A photographer.</p><section class="ead-note"><p>Kept.</p></section>'
    )


def test_empty_notes_and_paragraphs_say_nothing():
    desc = "<accessrestrict/><scopecontent><p/></scopecontent><odd><head>H</head></odd>"
    collection, _ = _read_text(EAD2002_WRAPPER.format(did="", desc=desc))
    assert [(n.type, n.html, n.head) for n in collection.notes] == [("odd", "", "H")]


def test_a_controlaccess_inside_the_did_still_gives_its_names():
    did = "<controlaccess><genreform>Catalogs.</genreform></controlaccess>"
    collection, _ = _read_text(EAD2002_WRAPPER.format(did=did, desc=""))
    assert [(t.kind, t.text, t.relation) for t in collection.terms] == [
        ("genreform", "Catalogs.", "subject")
    ]
    assert collection.notes == []


def test_ead3_dao_roles():
    daos = (
        '<dao daotype="unknown" href="a"/><dao daotype="derived" href="b"/>'
        '<dao daotype="otherdaotype" otherdaotype="image/jpeg" href="c"/>'
        '<dao daotype="unknown" linkrole="https://iiif.io/api/" href="d"/>'
    )
    xml = (
        '<ead xmlns="http://ead3.archivists.org/schema/"><control><recordid>T</recordid>'
        '</control><archdesc level="collection"><did><unitid>T-1</unitid>'
        f"{daos}</did></archdesc></ead>"
    )
    collection, _ = _read_text(xml, "3")
    assert [d.role for d in collection.digital_objects] == [
        None,
        "derived",
        "image/jpeg",
        "https://iiif.io/api/",
    ]

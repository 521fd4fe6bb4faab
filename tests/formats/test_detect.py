"""Format detection from content (fonds.formats.detect) on every corpus file and on
small hand-made files; malformed files fail with file, line and column."""

from __future__ import annotations

import codecs
import subprocess
import sys

import pytest
from lxml import etree

from fonds.formats.detect import FORMAT_NAMES, Detected, detect
from fonds.formats.errors import FormatError
from fonds.formats.xmlsafe import iterparse, safe_parser
from tests.conftest import corpus_file
from tests.formats.helpers import EAD_FILES

EAC = "urn:isbn:1-931666-33-4"
NOT_EAD = {
    "aspace-eac-sia-nmah.xml": ("eac-cpf", EAC),
    "aspace-eac-feynman.xml": ("eac-cpf", EAC),
    "aspace-eac-boswell-family.xml": ("eac-cpf", EAC),
    "aspace-eac-duplicate-attr.xml": ("eac-cpf", EAC),
    "saa-eac-einstein.xml": ("eac-cpf", EAC),
    "timelinejs-eras.json": ("timelinejs", ""),
    "citationjs-biblatex-csl.json": ("csl-json", ""),
    "citationjs-biblatex-input.bib": ("bibtex", ""),
}
EXPECTED = {
    **{name: ("ead3" if v == "3" else "ead2002", ns) for name, (v, ns, *_) in EAD_FILES.items()},
    "ehri-invalid-ead.xml": ("ead2002", ""),  # well-formed: detect does not validate
    **NOT_EAD,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detects_every_corpus_file(name):
    detected = detect(corpus_file(name))
    assert (detected.format, detected.namespace) == EXPECTED[name]
    assert detected.name == FORMAT_NAMES[detected.format]


def test_the_corpus_has_no_file_left_out(corpus):
    names = {p.name for p in corpus.iterdir() if p.suffix in (".xml", ".json", ".bib")}
    assert names == set(EXPECTED) | {"emory-badlyformed.xml"}


def test_badly_formed_file_names_file_line_and_column():
    path = corpus_file("emory-badlyformed.xml")
    with pytest.raises(FormatError) as caught:
        detect(path)
    error = caught.value
    assert error.path == str(path)
    assert (error.line, error.column) == (2, 30)  # the "<" inside the unterminated value
    assert str(error).startswith(f"{path}:2:30: not well-formed XML: ")
    assert error.line_report().startswith(f"{path}:2:30: error: ")


def test_duplicate_attribute_eac_is_detected_but_does_not_parse():
    path = corpus_file("aspace-eac-duplicate-attr.xml")
    assert detect(path) == Detected("eac-cpf", EAC)  # the root is enough to tell
    with pytest.raises(etree.XMLSyntaxError):
        etree.parse(str(path), safe_parser())
    with open(path, "rb") as handle, pytest.raises(FormatError) as caught:
        list(iterparse(handle, str(path)))
    assert caught.value.line == 26  # the unbound xlink: prefix comes first
    assert caught.value.column


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<ead><eadheader/></ead>", Detected("ead2002")),
        (b"<ead><control/></ead>", Detected("ead3")),
        (b'<?xml version="1.0"?>\n<!-- c -->\n<?pi x?>\n<ead>\n<control/></ead>', Detected("ead3")),
        (
            codecs.BOM_UTF8 + b'<ead xmlns="urn:isbn:1-931666-22-9"/>',
            Detected("ead2002", "urn:isbn:1-931666-22-9"),
        ),
        (
            '<?xml version="1.0" encoding="UTF-16"?><ead/>'.encode("utf-16"),
            Detected("ead2002"),
        ),
        (
            b'<eac-cpf xmlns="https://archivists.org/ns/eac/v2"/>',
            Detected("eac-cpf", "https://archivists.org/ns/eac/v2"),
        ),
        (b"<eac-cpf/>", Detected("eac-cpf")),
        (b'{"title": {}, "eras": []}', Detected("timelinejs")),
        (b'{"events": []}', Detected("timelinejs")),
        (b'[{"id": "a", "type": "book"}]', Detected("csl-json")),
        (b'{"id": "a", "type": "book"}', Detected("csl-json")),
        (b"\n  @book{key, title={T}}", Detected("bibtex")),
        (b"TY  - BOOK\nTI  - T\nER  - \n", Detected("ris")),
    ],
    ids=[
        "ead-no-ns-2002",
        "ead-no-ns-ead3",
        "prolog-before-root",
        "utf8-bom",
        "utf16",
        "eac2",
        "eac-no-ns",
        "timeline-eras",
        "timeline-events",
        "csl-list",
        "csl-item",
        "bibtex",
        "ris",
    ],
)
def test_detects_small_files(content, expected, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert detect(path) == expected


@pytest.mark.parametrize(
    ("content", "message", "line", "column"),
    [
        (b"", "empty file", 1, 1),
        (b" \n\t ", "empty file", 1, 1),
        (b"hello", "unknown format", 1, 1),
        (b"<?xml version='1.0'?>\n<!-- only -->\n", "not well-formed", 3, 1),
        (b"<html><body/></html>", "unknown root element <html>", 1, None),
        (b'\n<ead xmlns="urn:example">\n</ead>', "unknown namespace", 2, None),
        (b'<eac-cpf xmlns="urn:example"/>', "unknown root element <eac-cpf>", 1, None),
        (b'{"a": 1,\n "b": }', "not valid JSON", 2, 7),
        (b'{"a": 1}', "neither TimelineJS nor CSL-JSON", 1, 1),
        (b'["x"]', "neither TimelineJS nor CSL-JSON", 1, 1),
        (b'{"title": "\xff"}', "not UTF-8", None, None),
    ],
    ids=[
        "empty",
        "blank",
        "text",
        "no-root",
        "html",
        "ead-unknown-ns",
        "eac-unknown-ns",
        "bad-json",
        "json-object",
        "json-strings",
        "json-latin1",
    ],
)
def test_refuses_with_a_location(content, message, line, column, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(FormatError) as caught:
        detect(path)
    error = caught.value
    assert message in error.cause
    assert error.path == str(path)
    if line is not None:
        assert error.line == line
    if column is not None:
        assert error.column == column


def test_formats_layer_does_not_import_django():
    code = (
        "import sys\n"
        "import fonds.formats.ead, fonds.formats.detect, fonds.formats.dates\n"
        "import fonds.formats.markup, fonds.formats.xmlsafe, fonds.formats.archival\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

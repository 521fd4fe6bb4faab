"""Safe XML parsing: no DTD or entity is ever fetched, declared entities are refused,
and parse errors say where they are."""

from __future__ import annotations

import codecs
import http.server
import io
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from lxml import etree

from fonds.formats.archival import CollectionRecord, ComponentRecord
from fonds.formats.detect import detect
from fonds.formats.ead import EADReader
from fonds.formats.errors import FormatError
from fonds.formats.xmlsafe import (
    PARSER_OPTIONS,
    PROLOG_LIMIT,
    check_prolog,
    iterparse,
    localname,
    namespace,
    safe_parser,
)
from tests.conftest import corpus_file
from tests.formats.helpers import read

REMOTE_DTD_FILES = ["aspace-voorhis-doctype.xml", "ehri-zbirka-jews-croatia.xml"]
BODY = (
    "<ead><eadheader><eadid>x1</eadid></eadheader><archdesc level='collection'><did>"
    "<unitid>U1</unitid><unittitle>Title{ref}</unittitle></did><dsc><c><did><unittitle>"
    "c{ref}</unittitle></did></c></dsc></archdesc></ead>"
)
LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' if n else '<!ENTITY lol0 "lol">' for n in range(10)
)
ATTACKS = {
    "xxe": ('<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;"),
    "xxe-parameter": ('<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;', ""),
    "billion-laughs": (LOL, "&lol9;"),
    "quadratic-blowup": (f'<!ENTITY a "{"a" * 100_000}">', "&a;" * 1000),
}


def document(subset: str = "", ref: str = "", doctype: str = "") -> str:
    prolog = f"<!DOCTYPE ead [\n  {subset}\n]>\n" if subset else doctype
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}{BODY.format(ref=ref)}\n'


def read_all(path: Path) -> tuple[CollectionRecord, list[ComponentRecord]]:
    with open(path, "rb") as handle:
        reader = EADReader(handle, str(path), "2002")
        records = list(reader)
    return reader.collection, records


@pytest.fixture
def dtd_server():
    """A local HTTP server that counts requests and serves a DTD declaring entities."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'<!ENTITY secret "LEAKED">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


class FetchingResolver(etree.Resolver):
    """What a careless parser would do with the system id: fetch it."""

    def resolve(self, url, pubid, context):
        if not url.startswith("http://"):
            return None
        with urllib.request.urlopen(url, timeout=5) as response:
            return self.resolve_string(response.read(), context)


def test_parser_options():
    assert PARSER_OPTIONS == {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
    }
    assert safe_parser().resolvers is not None


def test_remote_dtd_is_never_fetched(dtd_server, tmp_path):
    base, requests = dtd_server
    path = tmp_path / "remote.xml"
    path.write_text(document(ref=" &secret;", doctype=f'<!DOCTYPE ead SYSTEM "{base}/ead.dtd">\n'))
    # control: a parser that loads DTDs does ask for this one, and the server counts it
    careless = etree.XMLParser(load_dtd=True, no_network=False)
    careless.resolvers.add(FetchingResolver())
    assert "LEAKED" in "".join(etree.parse(str(path), careless).getroot().itertext())
    assert requests == ["/ead.dtd"]
    requests.clear()
    # the safe options do not even ask a resolver for it
    safe = safe_parser()
    safe.resolvers.add(FetchingResolver())
    etree.parse(str(path), safe)
    assert detect(path).format == "ead2002"
    collection, records = read_all(path)
    assert requests == []
    assert collection.title == "Title"
    assert "LEAKED" not in records[0].title


def test_external_parameter_entity_is_not_fetched(dtd_server, tmp_path):
    base, requests = dtd_server
    path = tmp_path / "parameter.xml"
    path.write_text(document(f'<!ENTITY % p SYSTEM "{base}/p.dtd"> %p;', " &secret;"))
    with pytest.raises(FormatError, match="entit"):
        detect(path)
    try:  # the reader alone, without detect() first
        read_all(path)
    except FormatError:
        pass
    assert requests == []


@pytest.mark.parametrize("name", REMOTE_DTD_FILES)
def test_real_doctype_pointed_at_a_local_server_is_not_fetched(name, dtd_server, tmp_path):
    base, requests = dtd_server
    data = corpus_file(name).read_bytes()
    remote = b"http://lcweb2.loc.gov/xmlcommon/dtds/ead2002/ead.dtd"
    remote = remote if remote in data else b"http://dlib.nyu.edu/findingaids/dtd/ead/ead.dtd"
    assert remote in data
    path = tmp_path / name
    path.write_bytes(data.replace(remote, f"{base}/ead.dtd".encode()))
    assert detect(path).format == "ead2002"
    collection, records = read_all(path)
    assert requests == []
    assert len(records) == len(read(name).yielded)
    assert collection.identifier == read(name).collection.identifier


@pytest.mark.parametrize("form", ["path", "uri"])
def test_local_dtd_file_is_not_loaded(form, tmp_path):
    # A DTD that is fatal to load: the document reads only if it is never opened.
    dtd = tmp_path / "entities.dtd"
    dtd.write_text('<!ENTITY secret "LEAKED">\n<!ELEMENT broken (((>\n')
    system = str(dtd) if form == "path" else dtd.as_uri()
    path = tmp_path / "doc.xml"
    path.write_text(document(ref=" &secret;", doctype=f'<!DOCTYPE ead SYSTEM "{system}">\n'))
    with pytest.raises(etree.XMLSyntaxError, match="ContentDecl"):  # control: loading fails
        etree.parse(str(path), etree.XMLParser(load_dtd=True))
    assert detect(path).format == "ead2002"
    collection, records = read_all(path)
    assert collection.title == "Title"
    assert all("LEAKED" not in r.title for r in records)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_entity_declarations_are_refused(attack, tmp_path):
    subset, ref = ATTACKS[attack]
    text = document(subset, ref)
    line = 3
    column = text.splitlines()[line - 1].index("<!ENTITY") + 1
    with pytest.raises(FormatError) as caught:
        check_prolog("doc.xml", text.encode())
    assert (caught.value.line, caught.value.column) == (line, column)
    assert "entit" in caught.value.cause
    path = tmp_path / "doc.xml"
    path.write_text(text)
    with pytest.raises(FormatError) as caught:
        detect(path)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"{path}:3:{column}: ")


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_reader_alone_never_expands_entities(attack, tmp_path):
    subset, ref = ATTACKS[attack]
    path = tmp_path / "doc.xml"
    path.write_text(document(subset, ref))
    try:
        collection, records = read_all(path)
    except FormatError as error:  # refusing is fine; crashing or expanding is not
        assert error.line
        return
    texts = [collection.title, *(r.title for r in records)]
    assert all(len(t) < 100 and "root:" not in t for t in texts)


@pytest.mark.parametrize(
    ("prolog", "line"),
    [
        ("<!-- see <!DOCTYPE note> -->\n<!DOCTYPE ead [\n<!ENTITY x 'y'>\n]>", 4),
        ('<?model href="<!DOCTYPE x>"?>\n<!DOCTYPE ead [\n<!ENTITY x "y">\n]>', 4),
        ("<!DOCTYPE ead [\n<!-- ] -->\n<!ENTITY x SYSTEM 'file:///etc/passwd'>\n]>", 4),
        ('<!DOCTYPE ead [\n<!ATTLIST ead a CDATA "]">\n<!ENTITY x "y">\n]>', 4),
        ('<!DOCTYPE ead SYSTEM "a>b.dtd" [\n<!ENTITY x "y">\n]>', 3),
        ("<!DOCTYPE ead [\n<!entity x 'y'>\n]>", 3),
    ],
    ids=[
        "doctype-in-comment",
        "doctype-in-pi",
        "bracket-in-comment",
        "bracket-in-literal",
        "gt-in-system-id",
        "lower-case",
    ],
)
def test_entity_declarations_cannot_hide(prolog, line):
    with pytest.raises(FormatError) as caught:
        check_prolog("doc.xml", f'<?xml version="1.0"?>\n{prolog}\n<ead/>'.encode())
    assert (caught.value.line, caught.value.column) == (line, 1)


@pytest.mark.parametrize(
    "prolog",
    [
        "",
        "<!DOCTYPE ead>",
        '<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd//EN" "ead.dtd">',
        '<!DOCTYPE ead SYSTEM "box[1.dtd">',
        "<!DOCTYPE ead [\n<!ELEMENT ead ANY>\n<!ATTLIST ead a CDATA '&lt;!ENTITY'>\n]>",
        "<!DOCTYPE ead [\n<!-- <!ENTITY x 'commented out'> -->\n]>",
    ],
    ids=["none", "bare", "public", "bracket-in-system-id", "subset", "commented-entity"],
)
def test_doctypes_without_entity_declarations_are_fine(prolog, tmp_path):
    text = f'<?xml version="1.0"?>\n{prolog}\n{BODY.format(ref="")}'
    check_prolog("doc.xml", text.encode())
    path = tmp_path / "doc.xml"
    path.write_text(text)
    assert detect(path).format == "ead2002"
    assert len(read_all(path)[1]) == 1


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8-sig"])
def test_entity_declarations_are_found_in_any_encoding(codec):
    data = document(*ATTACKS["xxe"]).encode(codec)
    if codec.startswith("utf-16"):
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    with pytest.raises(FormatError):
        check_prolog("doc.xml", data)


def test_a_prolog_larger_than_the_limit_is_refused():
    head = ('<?xml version="1.0"?>\n<!--' + "x" * PROLOG_LIMIT).encode()[:PROLOG_LIMIT]
    with pytest.raises(FormatError, match="too large"):
        check_prolog("doc.xml", head)
    subset = ('<?xml version="1.0"?>\n<!DOCTYPE ead [\n' + "<!ELEMENT e ANY>\n" * 70_000).encode()
    with pytest.raises(FormatError, match="too large"):
        check_prolog("doc.xml", subset[:PROLOG_LIMIT])


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        (b'<?xml version="1.0"?>\n<ead>\n  <p>a &nbsp; b</p></ead>', 3, 14, "nbsp"),
        (b'<?xml version="1.0"?>\n<ead>\n<p>x</b></ead>', 3, 9, "mismatch"),
        (b'<?xml version="1.0"?>\n<ead a="1" a="2"/>', 2, 17, "redefined"),
    ],
    ids=["undefined-entity", "tag-mismatch", "duplicate-attribute"],
)
def test_syntax_errors_say_where(data, line, column, message):
    # libxml2's column is where it stopped: just after the offending markup
    for _ in range(2):  # a second parse must not report the first one's error
        with pytest.raises(FormatError) as caught:
            list(iterparse(io.BytesIO(data), "doc.xml"))
        error = caught.value
        assert (error.line, error.column) == (line, column)
        assert message in error.cause
        assert not re.search(r"line \d+, column \d+|\(.*line \d+\)$", error.cause)
        assert str(error).startswith(f"doc.xml:{line}:{column}: not well-formed XML: ")


def test_empty_document_has_no_line_zero():
    with pytest.raises(FormatError) as caught:
        list(EADReader(io.BytesIO(b""), "empty.xml", "2002"))
    assert caught.value.line != 0 and ":0" not in str(caught.value)


def test_names():
    assert localname("{urn:isbn:1-931666-22-9}c01") == "c01"
    assert localname("c01") == "c01"
    assert namespace("{http://ead3.archivists.org/schema/}ead") == (
        "http://ead3.archivists.org/schema/"
    )
    assert namespace("ead") == ""

"""Hostile and broken input files, written at test time (nothing big is committed).

Each :class:`Case` writes one file into a folder. ``loads`` says what must happen:
False, the file is refused with one error line; True, it loads (a BOM, say). A case's
``secret`` is a marker that must never reach the database, an error or the index.

Used by tests/hostile/test_files.py and bench/fuzz.py (as seeds).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SECRET = "FONDS-SECRET-7f3a9c"  # written to a local file that XXE cases point at

# -- valid documents, one per format ------------------------------------------------------

EAD2002 = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="urn:isbn:1-931666-22-9">
  <eadheader><eadid>{ident}</eadid><filedesc><titlestmt>
    <titleproper>Hostile {ident}</titleproper></titlestmt></filedesc></eadheader>
  <archdesc level="collection"><did><unitid>{ident}</unitid>
    <unittitle>{title}</unittitle><abstract>{abstract}</abstract></did>
    <dsc><c level="file"><did><unittitle>Folder of {ident}</unittitle></did></c></dsc>
  </archdesc>
</ead>
"""

EAD3 = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="http://ead3.archivists.org/schema/">
  <control><recordid>{ident}</recordid><filedesc><titlestmt>
    <titleproper>Hostile {ident}</titleproper></titlestmt></filedesc></control>
  <archdesc level="collection"><did><unitid>{ident}</unitid>
    <unittitle>{title}</unittitle><abstract>{abstract}</abstract></did>
    <dsc><c level="file"><did><unittitle>Folder of {ident}</unittitle></did></c></dsc>
  </archdesc>
</ead>
"""

EAC = """<?xml version="1.0" encoding="UTF-8"?>
<eac-cpf xmlns="urn:isbn:1-931666-33-4">
  <control><recordId>{ident}</recordId><maintenanceStatus>new</maintenanceStatus>
    <maintenanceAgency><agencyName>Test</agencyName></maintenanceAgency></control>
  <cpfDescription><identity><entityType>corporateBody</entityType>
    <nameEntry><part>{title}</part></nameEntry></identity>
    <description><biogHist><p>{abstract}</p></biogHist></description></cpfDescription>
</eac-cpf>
"""

TIMELINEJS = '{"events": [{"start_date": {"year": "1970"}, "text": {"headline": "Hostile"}}]}\n'
CSL = '[{"id": "hostile-1", "type": "book", "title": "Hostile"}]\n'
BIBTEX = "@book{hostile1,\n  title = {Hostile},\n  author = {Doe, Jane},\n  year = {1990}\n}\n"
RIS = "TY  - BOOK\nTI  - Hostile\nAU  - Doe, Jane\nPY  - 1990\nER  - \n"
ROSTER_YAML = "agents:\n  - id: hostile\n    kind: organization\n    name: Hostile Council\n"
ROSTER_CSV = "id,kind,name\nhostile,organization,Hostile Council\n"
EVENTS_YAML = "events:\n  - id: hostile-event\n    date: '1970'\n    title: Hostile event\n"
EVENTS_CSV = "id,date,title\nhostile-event,1970,Hostile event\n"

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def ead(ident: str = "HOSTILE-1", title: str = "Hostile", abstract: str = "", v3: bool = False):
    return (EAD3 if v3 else EAD2002).format(ident=ident, title=title, abstract=abstract)


def eac(ident: str = "hostile-eac", title: str = "Hostile Council", abstract: str = "") -> str:
    return EAC.format(ident=ident, title=title, abstract=abstract)


def with_doctype(document: str, root: str, subset: str) -> str:
    """Put ``<!DOCTYPE root [subset]>`` after the XML declaration."""
    declaration, _, rest = document.partition("\n")
    return f"{declaration}\n<!DOCTYPE {root} [\n{subset}\n]>\n{rest}"


# -- the cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str  # also the file name's stem
    format: str  # the format the bytes imitate
    content: Callable[[Path], bytes]  # given the folder, the file's bytes
    suffix: str = ".xml"
    loads: bool = False
    secret: bool = False  # the case points at the secret file

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}{self.suffix}"
        path.write_bytes(self.content(folder))
        return path


def secret_file(folder: Path) -> Path:
    path = folder / "secret.txt"  # .txt: a folder walk passes it over
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def _xxe_file(root: str, doc: Callable[[str], str]) -> Callable[[Path], bytes]:
    def content(folder: Path) -> bytes:
        uri = secret_file(folder).as_uri()
        subset = f'<!ENTITY xxe SYSTEM "{uri}">'
        return with_doctype(doc("&xxe;"), root, subset).encode()

    return content


def _xxe_parameter(root: str, doc: Callable[[str], str]) -> Callable[[Path], bytes]:
    def content(folder: Path) -> bytes:
        uri = secret_file(folder).as_uri()
        subset = f'<!ENTITY % ext SYSTEM "{uri}">\n%ext;'
        return with_doctype(doc("x"), root, subset).encode()

    return content


def _external_dtd(root: str, doc: Callable[[str], str]) -> Callable[[Path], bytes]:
    def content(folder: Path) -> bytes:
        declaration, _, rest = doc("&remote;").partition("\n")
        # a port nobody listens on: a parser that fetched it would error or hang
        dtd = f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd">'
        return f"{declaration}\n{dtd}\n{rest}".encode()

    return content


def _billion_laughs(root: str, doc: Callable[[str], str]) -> Callable[[Path], bytes]:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return lambda folder: with_doctype(doc("&lol9;"), root, "\n".join(lines)).encode()


def _quadratic(root: str, doc: Callable[[str], str]) -> Callable[[Path], bytes]:
    subset = f'<!ENTITY big "{"x" * 50_000}">'
    return lambda folder: with_doctype(doc("&big;" * 50_000), root, subset).encode()


def _deep_components(depth: int) -> Callable[[Path], bytes]:
    def content(folder: Path) -> bytes:
        inner = "<c><did><unittitle>deep</unittitle></did>" * depth + "</c>" * depth
        return ead().replace('<c level="file">', inner + '<c level="file">').encode()

    return content


def _deep_elements(depth: int) -> Callable[[Path], bytes]:
    return lambda folder: ead(abstract="<emph>" * depth + "deep" + "</emph>" * depth).encode()


def _declares(document: str, encoding: str) -> str:
    return document.replace('encoding="UTF-8"', f'encoding="{encoding}"', 1)


def _xml_cases(key: str, root: str, doc: Callable[[str], str]) -> list[Case]:
    """The XML cases for one format; ``doc(text)`` puts text in a description field."""
    valid = doc("valid")
    nfc = doc("Щаранский — שרנסקי")
    return [
        Case(f"{key}-xxe-local-file", key, _xxe_file(root, doc), secret=True),
        Case(f"{key}-xxe-parameter-entity", key, _xxe_parameter(root, doc), secret=True),
        # a DOCTYPE naming a remote DTD is common (voorhis.xml): never fetched, it loads
        Case(f"{key}-external-dtd-http", key, _external_dtd(root, doc), loads=True),
        Case(f"{key}-billion-laughs", key, _billion_laughs(root, doc)),
        Case(f"{key}-quadratic-blowup", key, _quadratic(root, doc)),
        Case(f"{key}-invalid-utf8", key, lambda f: doc("caf\xe9 \xff\xfe").encode("latin-1")),
        Case(
            f"{key}-declares-utf16-is-utf8",
            key,
            lambda f: _declares(nfc, "UTF-16").encode("utf-8"),
        ),
        Case(
            f"{key}-nul-byte",
            key,
            lambda f: doc("before\x00after").encode(),
        ),
        Case(f"{key}-truncated", key, lambda f: valid.encode()[: len(valid) // 2]),
        Case(
            f"{key}-unknown-root",
            key,
            lambda f: (
                valid.replace(f"<{root} ", "<rss ", 1).replace(f"</{root}>", "</rss>").encode()
            ),
        ),
        Case(f"{key}-utf8-bom", key, lambda f: codecs.BOM_UTF8 + nfc.encode(), loads=True),
        Case(
            f"{key}-utf16-bom",
            key,
            lambda f: _declares(nfc, "UTF-16").encode("utf-16"),  # Python writes the BOM
            loads=True,
        ),
        Case(
            f"{key}-latin1-declared-utf8-bytes",
            key,
            # mojibake, but well-formed: it loads as the Latin-1 the file declares
            lambda f: _declares(nfc, "ISO-8859-1").encode("utf-8"),
            loads=True,
        ),
        Case(
            f"{key}-deep-elements",
            key,
            _deep_elements(100_000),
        ),
    ]


def _json_nesting(depth: int, events: bool) -> Callable[[Path], bytes]:
    nested = "[" * depth + "]" * depth
    if events:
        return lambda f: f'{{"events": {nested}}}'.encode()
    return lambda f: f'[{{"id": "x", "type": "book", "title": {nested}}}]'.encode()


YAML_LAUGHS = """{top}:
  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  - &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  - &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  - &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  - &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  - &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  - &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  - &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  - &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
  - id: laughs
    kind: organization
    date: '1970'
    name: *i
    title: *i
"""


def _text_cases(key: str, valid: str, suffix: str) -> list[Case]:
    """Encoding and framing cases shared by the text formats."""
    head, _, tail = valid.partition("\n")
    return [
        Case(
            f"{key}-invalid-utf8",
            key,
            lambda f: head.encode() + b"\n\xff\xfe\xc3(" + tail.encode(),
            suffix,
        ),
        Case(
            f"{key}-nul-bytes",
            key,
            lambda f: (head + "\n" + tail.replace("o", "\x00", 2)).encode(),
            suffix,
        ),
        Case(f"{key}-truncated", key, lambda f: valid.encode()[: len(valid) * 2 // 3], suffix),
        Case(
            f"{key}-utf8-bom", key, lambda f: codecs.BOM_UTF8 + valid.encode(), suffix, loads=True
        ),
        Case(f"{key}-utf16-bom", key, lambda f: valid.encode("utf-16"), suffix, loads=True),
    ]


def cases() -> list[Case]:
    found: list[Case] = [
        Case("empty-file", "any", lambda f: b""),
        Case("whitespace-only", "any", lambda f: b" \n\t\r\n"),
        Case("png-named-xml", "any", lambda f: PNG),
        Case("random-binary", "any", lambda f: bytes(range(256)) * 64, ".json"),
        Case("ead-deep-components", "ead2002", _deep_components(300)),
        Case(
            "ead-no-unitid",
            "ead2002",
            lambda f: ead().replace("<unitid>HOSTILE-1</unitid>", "").encode(),
        ),
        Case(  # found by bench/fuzz.py: the error had no line to name
            "ead-identifier-without-letters",
            "ead2002",
            lambda f: ead(ident="-*-").encode(),
        ),
        Case(
            "ead3-deep-components",
            "ead3",
            lambda f: (
                _deep_components(300)(f)
                .replace(b"urn:isbn:1-931666-22-9", b"http://ead3.archivists.org/schema/")
                .replace(b"eadheader><eadid", b"control><recordid")
                .replace(b"</eadid>", b"</recordid>")
                .replace(b"</eadheader>", b"</control>")
            ),
        ),
        Case(
            "ead-unknown-namespace",
            "ead2002",
            lambda f: ead().replace("urn:isbn:1-931666-22-9", "urn:example:not-ead").encode(),
        ),
        Case(
            "ead-internal-subset-without-entities-then-garbage",
            "ead2002",
            lambda f: with_doctype(ead(), "ead", "<!ELEMENT ead ANY>").encode()[:-30],
        ),
    ]
    found += _xml_cases("ead2002", "ead", lambda text: ead(abstract=text))
    found += _xml_cases("ead3", "ead", lambda text: ead(abstract=text, v3=True))
    found += _xml_cases("eac-cpf", "eac-cpf", lambda text: eac(abstract=text))
    # JSON
    found += [
        Case(
            "timelinejs-invalid-json",
            "timelinejs",
            lambda f: b'{"events": [{"start_date": }]}',
            ".json",
        ),
        Case("timelinejs-deep-nesting", "timelinejs", _json_nesting(100_000, True), ".json"),
        Case(
            "timelinejs-huge-integer",
            "timelinejs",
            lambda f: b'{"events": [{"start_date": {"year": ' + b"9" * 5000 + b"}}]}",
            ".json",
        ),
        Case(
            "timelinejs-wrong-types",
            "timelinejs",
            lambda f: b'{"events": [{"start_date": "1970", "text": 5}]}',
            ".json",
        ),
        Case(
            "csl-json-invalid-json", "csl-json", lambda f: b'[{"id": "x", "type": "book",]', ".json"
        ),
        Case("csl-json-deep-nesting", "csl-json", _json_nesting(100_000, False), ".json"),
        Case(
            "csl-json-wrong-types",
            "csl-json",
            lambda f: b'[{"id": "x", "type": "book", "author": "not a list", "issued": 7}]',
            ".json",
        ),
        Case("csl-json-nan", "csl-json", lambda f: b'[{"id": NaN, "type": "book"}]', ".json"),
    ]
    found += _text_cases("timelinejs", TIMELINEJS.replace(", ", ",\n"), ".json")
    found += _text_cases("csl-json", CSL.replace(", ", ",\n"), ".json")
    # BibTeX and RIS
    found += [
        Case(
            "bibtex-unbalanced-braces",
            "bibtex",
            lambda f: b"@book{a,\n title = {Open {\n}\n",
            ".bib",
        ),
        Case(
            "bibtex-deep-braces",
            "bibtex",
            lambda f: b"@book{a,\n title = " + b"{" * 50_000 + b"x" + b"}" * 50_000 + b"\n}\n",
            ".bib",
        ),
        Case(
            "bibtex-string-loop",
            "bibtex",
            # macros read in order: "a" is the text "b"; nothing loops
            lambda f: b"@string{a = b}\n@string{b = a # a}\n@book{k, title = a # a # a}\n",
            ".bib",
            loads=True,
        ),
        Case("bibtex-string-expansion", "bibtex", lambda f: _bibtex_laughs(), ".bib"),
        Case("ris-no-end", "ris", lambda f: b"TY  - BOOK\nTI  - Never closed\n", ".ris"),
        Case(
            "ris-tag-outside-record", "ris", lambda f: b"TY  - BOOK\nER  - \nTI  - stray\n", ".ris"
        ),
    ]
    found += _text_cases("bibtex", BIBTEX, ".bib")
    found += _text_cases("ris", RIS, ".ris")
    # YAML and CSV
    found += [
        Case(
            "roster-yaml-billion-laughs",
            "roster-yaml",
            lambda f: YAML_LAUGHS.format(top="agents").encode(),
            ".yaml",
        ),
        Case(
            "events-yaml-billion-laughs",
            "events-yaml",
            lambda f: YAML_LAUGHS.format(top="events").encode(),
            ".yaml",
        ),
        Case(
            "roster-yaml-python-tag",
            "roster-yaml",
            lambda f: b"agents:\n  - !!python/object/apply:os.system ['echo pwned']\n",
            ".yaml",
        ),
        Case(
            "roster-yaml-bad-indent",
            "roster-yaml",
            lambda f: b"agents:\n  - id: a\n   name: b\n  kind: c\n",
            ".yaml",
        ),
        Case(
            "roster-yaml-deep-nesting",
            "roster-yaml",
            lambda f: b"agents:\n  - name: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
            ".yaml",
        ),
        Case(
            "roster-csv-nul",
            "roster-csv",
            lambda f: b"id,kind,name\nhostile,organization,Hostile\x00Council\n",
            ".csv",
        ),
        Case(
            "roster-csv-huge-field",
            "roster-csv",
            lambda f: b'id,kind,name\nhostile,organization,"' + b"x" * 200_000 + b'"\n',
            ".csv",
        ),
        Case(
            "roster-csv-unclosed-quote",
            "roster-csv",
            lambda f: b'id,kind,name\nhostile,organization,"Hostile\n',
            ".csv",
        ),
        # longer than the database's columns: refused alike on SQLite and PostgreSQL
        Case(
            "roster-yaml-name-too-long",
            "roster-yaml",
            lambda f: ROSTER_YAML.replace("Hostile Council", "Hostile " * 80).encode(),
            ".yaml",
        ),
        Case(
            "roster-yaml-unknown-type",
            "roster-yaml",
            lambda f: (ROSTER_YAML + "    type: <script>alert(1)</script>\n").encode(),
            ".yaml",
        ),
        Case(
            "roster-csv-relation-role-too-long",
            "roster-csv",
            lambda f: (
                "id,kind,name,relations\n"
                f"hostile,organization,Hostile Council,associated_with:other [{'r' * 300}]\n"
            ).encode(),
            ".csv",
        ),
        Case("eac-cpf-name-too-long", "eac-cpf", lambda f: eac(title="Hostile " * 80).encode()),
        Case(
            "events-yaml-title-too-long",
            "events-yaml",
            lambda f: EVENTS_YAML.replace("Hostile event", "Hostile " * 80).encode(),
            ".yaml",
        ),
        Case(
            "events-csv-nul",
            "events-csv",
            lambda f: b"id,date,title\nhostile,1970,Hos\x00tile\n",
            ".csv",
        ),
    ]
    found += _text_cases("roster-yaml", ROSTER_YAML, ".yaml")
    found += _text_cases("roster-csv", ROSTER_CSV, ".csv")
    found += _text_cases("events-yaml", EVENTS_YAML, ".yaml")
    found += _text_cases("events-csv", EVENTS_CSV, ".csv")
    return found


def _bibtex_laughs() -> bytes:
    lines = ['@string{l0 = "lol"}']
    lines += [f"@string{{l{i} = {' # '.join([f'l{i - 1}'] * 10)}}}" for i in range(1, 10)]
    lines.append("@book{k, title = l9}")
    return "\n".join(lines).encode()


def big_text_node(path: Path, megabytes: int = 50) -> Path:
    """A finding aid whose abstract is one text node of ``megabytes``, written as a stream."""
    head, _, tail = ead(ident="HUGE-TEXT", abstract="@@").partition("@@")
    chunk = "Soviet Jewry " * 8192
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for _ in range(megabytes * 1024 * 1024 // len(chunk) + 1):
            out.write(chunk)
        out.write(tail)
    return path


def write_all(folder: Path) -> dict[Path, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    return {case.write(folder): case for case in cases()}

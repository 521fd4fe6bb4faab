"""Tell a file's format from its content, never from its name."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from .ead import EAD3_NAMESPACES, EAD2002_NS
from .errors import FormatError
from .xmlsafe import (
    PARSER_OPTIONS,
    PROLOG_LIMIT,
    check_prolog,
    decode_head,
    localname,
    syntax_error,
)
from .xmlsafe import namespace as ns_of

_DETECT_CHUNK = 4096

EAC_NAMESPACES = frozenset({"urn:isbn:1-931666-33-4", "https://archivists.org/ns/eac/v2"})

FORMAT_NAMES = {
    "ead2002": "EAD 2002",
    "ead3": "EAD3",
    "eac-cpf": "EAC-CPF",
    "timelinejs": "TimelineJS JSON",
    "csl-json": "CSL-JSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "roster-yaml": "roster (YAML)",
    "roster-csv": "roster (CSV)",
    "events-yaml": "timeline (YAML)",
    "events-csv": "timeline (CSV)",
}


@dataclass(frozen=True)
class Detected:
    format: str  # a key of FORMAT_NAMES
    namespace: str = ""

    @property
    def name(self) -> str:
        return FORMAT_NAMES[self.format]


def detect(path: Path) -> Detected:
    with open(path, "rb") as handle:
        head = handle.read(PROLOG_LIMIT)
    text = decode_head(head).lstrip("\ufeff \t\r\n")
    if not text:
        raise FormatError(str(path), "empty file", 1, 1)
    if text.startswith("<"):
        return _detect_xml(path, head)
    if text[0] in "{[":
        return _detect_json(path, text)
    if text.startswith(("@", "%")):
        return Detected("bibtex")
    if text[:6].upper().startswith("TY  -"):
        return Detected("ris")
    first = _first_line(text)
    top = re.match(r"^(agents|events)\s*:", first)
    if top or first == "---":
        key = top.group(1) if top else _yaml_top_key(text)
        if key in ("agents", "events"):
            return Detected("roster-yaml" if key == "agents" else "events-yaml")
    if "," in first:
        columns = {c.strip().strip('"').lower() for c in first.split(",")}
        if {"date", "title"} <= columns:
            return Detected("events-csv")
        if "name" in columns and columns & {"id", "kind"}:
            return Detected("roster-csv")
    raise FormatError(
        str(path),
        "unknown format: not XML (EAD, EAC-CPF), JSON (TimelineJS, CSL-JSON), BibTeX, "
        "RIS, or a roster or timeline in YAML or CSV",
        1,
        1,
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    return ""


def _yaml_top_key(text: str) -> str:
    for line in text.splitlines()[1:]:
        match = re.match(r"^([A-Za-z_]+)\s*:", line)
        if match:
            return match.group(1)
    return ""


def _detect_xml(path: Path, head: bytes) -> Detected:
    check_prolog(str(path), head)
    root_ns = ""
    root = ""
    line = 1
    # Fed in small pieces, so that the root is known before a fault further on stops
    # the parse: the root is enough to tell the format (the loader reports the fault).
    parser = etree.XMLPullParser(events=("start",), **PARSER_OPTIONS)
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_DETECT_CHUNK)
            failure = None
            try:
                parser.feed(chunk) if chunk else parser.close()
            except etree.XMLSyntaxError as error:
                failure = error
            for _event, item in parser.read_events():
                el = cast(Any, item)
                if not isinstance(el.tag, str):
                    continue
                if not root:
                    root, root_ns = localname(el.tag), ns_of(el.tag)
                    line = el.sourceline or 1
                    if root != "ead" or root_ns:
                        break
                    continue
                # An <ead> with no namespace: EAD3 opens with <control>, 2002 with <eadheader>.
                return Detected("ead3" if localname(el.tag) == "control" else "ead2002")
            if root and (root != "ead" or root_ns):
                break
            if failure is not None:
                if root:
                    break
                raise syntax_error(str(path), failure, parser.error_log) from None
            if not chunk:
                break
    if root == "ead":
        if root_ns == EAD2002_NS or not root_ns:
            return Detected("ead2002", root_ns)
        if root_ns in EAD3_NAMESPACES:
            return Detected("ead3", root_ns)
        raise FormatError(str(path), f"<ead> in an unknown namespace {root_ns!r}", line)
    if root in ("eac-cpf", "eac") and (root_ns in EAC_NAMESPACES or not root_ns):
        return Detected("eac-cpf", root_ns)
    if not root:
        raise FormatError(str(path), "no root element", 1, 1)
    raise FormatError(
        str(path),
        f"unknown root element <{root}>"
        + (f" in namespace {root_ns!r}" if root_ns else "")
        + ": expected <ead> (EAD 2002 or EAD3) or <eac-cpf>",
        line,
    )


def decode_text(data: bytes, path: str) -> str:
    """The text of a JSON, YAML, CSV, BibTeX or RIS file: UTF-8, or UTF-16 with its
    byte order mark; a BOM is dropped. A NUL byte is refused (binary, or mis-encoded)."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        cause = f"not UTF-8: {error.reason} at byte {error.start}"
        raise FormatError(path, cause, line, column) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise FormatError(path, "a NUL character: not a text file", line, column)
    return text


def _detect_json(path: Path, text: str) -> Detected:
    try:
        data = json.loads(decode_text(path.read_bytes(), str(path)))
    except json.JSONDecodeError as error:
        raise FormatError(
            str(path), f"not valid JSON: {error.msg}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise FormatError(str(path), "not valid JSON: nested too deeply", 1, 1) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise FormatError(
            str(path), "not valid JSON: a number of over 4,300 digits", 1, 1
        ) from None
    if isinstance(data, dict) and ("events" in data or ("title" in data and "eras" in data)):
        return Detected("timelinejs")
    if isinstance(data, list) and all(isinstance(i, dict) and "type" in i for i in data):
        return Detected("csl-json")
    if isinstance(data, dict) and "type" in data and "id" in data:
        return Detected("csl-json")
    raise FormatError(str(path), "JSON that is neither TimelineJS nor CSL-JSON", 1, 1)

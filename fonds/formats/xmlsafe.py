"""Safe XML parsing: no external entities, no network, no entity expansion.

The parser options are the ones measured safe with lxml 6. Documents whose internal
DTD subset declares entities are refused before parsing, which stops both entity
expansion bombs ("billion laughs", quadratic blow-up) and external entities (XXE).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from .errors import FormatError

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}

PROLOG_LIMIT = 1 << 20  # bytes of prolog (declaration, comments, DOCTYPE) we inspect

_ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(remove_blank_text=False, **PARSER_OPTIONS)


def decode_head(head: bytes) -> str:
    """Decode the first bytes of a document well enough to read its prolog."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head[:4] == b"<\x00?\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:4] == b"\x00<\x00?":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")


def check_prolog(path: str, head: bytes) -> None:
    """Refuse a document whose DOCTYPE internal subset declares entities."""
    text = decode_head(head)
    start = text.find("<!DOCTYPE")
    if start < 0:
        return
    bracket = text.find("[", start)
    close = text.find(">", start)
    if bracket < 0 or (0 <= close < bracket):
        return  # no internal subset
    subset_end = text.find("]", bracket)
    subset = text[bracket : subset_end if subset_end >= 0 else len(text)]
    match = _ENTITY_DECL.search(subset)
    if match is None:
        if subset_end < 0:
            raise FormatError(path, "DTD internal subset is too large to inspect; refused")
        return
    offset = bracket + match.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    raise FormatError(
        path,
        "the DTD declares entities; entity declarations are refused "
        "(they allow external-entity and expansion attacks)",
        line,
        column,
    )


def syntax_error(path: str, error: etree.XMLSyntaxError) -> FormatError:
    line, column = error.position if error.position else (error.lineno, None)
    message = str(error.msg or error)
    message = re.sub(r"\s*\(.*?, line \d+\)$", "", message)
    message = re.sub(r", line \d+, column \d+$", "", message)
    return FormatError(path, f"not well-formed XML: {message}", line, column)


def iterparse(
    source: IO[bytes],
    path: str,
    events: tuple[str, ...] = ("start", "end"),
    tag: list[str] | None = None,
) -> Iterator[tuple[str, Any]]:
    """lxml's iterparse with the safe options; syntax errors become FormatError.

    ``tag`` limits the events to those elements (``{*}name`` matches any namespace),
    which keeps Python out of the loop for every other element.
    """
    context = etree.iterparse(source, events=events, tag=tag, **PARSER_OPTIONS)
    try:
        yield from context
    except etree.XMLSyntaxError as error:
        raise syntax_error(path, error) from None


def localname(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""

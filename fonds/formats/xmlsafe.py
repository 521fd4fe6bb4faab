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

# Before the DOCTYPE: white space, the XML declaration, processing instructions, comments.
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
# Inside the DOCTYPE: quoted literals, comments and processing instructions are read
# whole (a "[", "]", ">" or "<!ENTITY" in them is text); unterminated, they run to the end.
_DOCTYPE_TOKEN = re.compile(
    r"\"[^\"]*\"?|'[^']*'?|<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!ENTITY|[\[\]>]",
    re.DOTALL | re.IGNORECASE,
)


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


_DECLARED_WIDE = re.compile(
    rb"<\?xml[^>]*?\sencoding\s*=\s*[\"'](utf-?16|utf-?32|ucs-?2|ucs-?4)[^\"']*[\"']", re.I
)


def check_prolog(path: str, head: bytes) -> None:
    """Refuse a document whose DOCTYPE internal subset declares entities, or whose
    declaration names a 16- or 32-bit encoding that its 8-bit bytes contradict."""
    wide = _DECLARED_WIDE.match(head)
    if wide:
        raise FormatError(
            path,
            f"the XML declaration says {wide.group(1).decode().upper()}, but the file is "
            "written in an 8-bit encoding (UTF-8?) with no byte order mark; "
            "correct the declaration",
            1,
            wide.start(1) + 1,
        )
    text = decode_head(head)
    start = 0
    while (skipped := _PROLOG_SKIP.match(text, start)) is not None:
        start = skipped.end()
    if not text.startswith("<!DOCTYPE", start):
        truncated = len(head) >= PROLOG_LIMIT
        if truncated and (start == len(text) or text.startswith(("<?", "<!--"), start)):
            raise FormatError(path, "the prolog is too large to inspect; refused")
        return
    in_subset = False
    for token in _DOCTYPE_TOKEN.finditer(text, start + len("<!DOCTYPE")):
        value = token.group()
        if value == ">" and not in_subset:
            return  # no internal subset
        if value == "[":
            in_subset = True
        elif value == "]" and in_subset:
            return
        elif value.upper() == "<!ENTITY":
            offset = token.start()
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            raise FormatError(
                path,
                "the DTD declares entities; entity declarations are refused "
                "(they allow external-entity and expansion attacks)",
                line,
                column,
            )
    raise FormatError(path, "DTD internal subset is too large to inspect; refused")


def syntax_error(path: str, error: etree.XMLSyntaxError, log: Any = None) -> FormatError:
    """``log`` is the parse's own error log (``iterparse(...).error_log``), when known."""
    line, column = error.position if error.position else (error.lineno, None)
    message = str(error.msg or error)
    fatal = log.filter_from_fatals() if log is not None else None
    if not line and fatal:
        # iterparse without entity resolution reports "no element found" at line 0
        # while its log holds the real error (an undefined entity, for one).
        line, column, message = fatal[0].line, fatal[0].column, fatal[0].message
    message = re.sub(r"\s*\(.*?, line \d+\)$", "", message)
    message = re.sub(r", line \d+, column \d+$", "", message)
    message = " ".join(message.split())  # libxml2 ends some messages with a newline
    return FormatError(path, f"not well-formed XML: {message}", line or None, column or None)


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
        raise syntax_error(path, error, context.error_log) from None


def localname(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""

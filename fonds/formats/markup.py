"""EAD mixed content to a small, safe HTML vocabulary, and plain text.

The output uses only the tags in :data:`ALLOWED_TAGS` and the attributes in
:data:`ALLOWED_ATTRIBUTES`; link targets keep only http, https and mailto schemes and
relative references. Text is escaped and normalized to NFC. Pages render the stored
fragments through a sanitizer again (defence in depth), but what is stored is already
safe. Elements not listed keep their text: content is never dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Any
from urllib.parse import urlsplit

from .html_to_ead import MODELS, ContentModel
from .xmlsafe import localname, namespace

XLINK = "{http://www.w3.org/1999/xlink}"

ALLOWED_TAGS = frozenset(
    "a abbr blockquote br caption cite code dd div dl dt em h4 h5 li ol p q section "
    "small span strong sub sup table tbody td tfoot th thead tr u ul".split()
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "span": {"class"},
    "div": {"class"},
    "dl": {"class"},
    "section": {"class"},
    "ol": {"class"},
    "ul": {"class"},
    "td": {"colspan"},
    "th": {"colspan"},
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", ""})
_EAD3_NAMESPACES = frozenset(
    {"http://ead3.archivists.org/schema/", "http://ead3.archivists.org/schema/undeprecated/"}
)

_SPACE = re.compile(r"\s+")

# Elements that hold a value rather than flowing text: skipped inside mixed content.
_SKIP = frozenset({"colspec", "spanspec", "listhead", "runner", "thead_skip"})
_EMPH = {
    "italic": ("em",),
    "bold": ("strong",),
    "bolditalic": ("strong", "em"),
    "underline": ("u",),
    "boldunderline": ("strong", "u"),
    "super": ("sup",),
    "sub": ("sub",),
    "nonproportional": ("code",),
    "smcaps": ("span",),
    "quoted": ("q",),
    "doublequote": ("q",),
    "singlequote": ("q",),
}
_LINKS = frozenset(
    {"extref", "ref", "archref", "bibref", "extptr", "ptr", "extrefloc", "refloc", "title"}
)
_NAMES = frozenset(
    {
        "persname",
        "corpname",
        "famname",
        "geogname",
        "name",
        "subject",
        "genreform",
        "function",
        "occupation",
        "date",
        "num",
        "unitdate",
        "unittitle",
        "unitid",
        "physfacet",
        "extent",
        "dimensions",
        "language",
        "origination",
        "repository",
        "legalstatus",
        "part",
        "foreign",
        "expan",
        "datesingle",
        "fromdate",
        "todate",
        "geographiccoordinates",
    }
)
_PARAGRAPHS = frozenset({"p", "physdesc", "physloc", "materialspec", "langmaterial", "dao"})


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def plain(text: str) -> str:
    """Collapse white space, NFC-normalize."""
    return nfc(_SPACE.sub(" ", text).strip())


# Phrase-level elements: no word break after them in plain text.
_INLINE = frozenset(
    {"emph", "title", "abbr", "expan", "ref", "extref", "ptr", "extptr", "archref", "bibref"}
    | {"foreign", "quote", "footnote", "date", "num", "unitdate", "part", "linkgrp"}
    | {"persname", "corpname", "famname", "name", "geogname", "subject", "genreform"}
    | {"function", "occupation", "language", "physfacet", "extent", "dimensions"}
)


def is_internal(element: Any) -> bool:
    """Marked ``audience="internal"``: for staff only."""
    return (element.get("audience") or "").strip().lower() == "internal"


def _holds_internal(element: Any) -> bool:
    return any(is_internal(e) for e in element.iterdescendants("{*}*"))


def text_of(element: Any, skip: frozenset[str] = frozenset()) -> str:
    """The plain text of an element, white space collapsed, optionally skipping children;
    descendants marked internal are left out."""
    if not skip and not _holds_internal(element):
        return plain("".join(element.itertext()))
    parts: list[str] = []
    _collect_text(element, skip, parts)
    return plain("".join(parts))


def _collect_text(element: Any, skip: frozenset[str], parts: list[str]) -> None:
    """Skip only direct children named in ``skip``, as :func:`to_html` does."""
    if element.text:
        parts.append(element.text)
    for child in element:
        if (
            isinstance(child.tag, str)
            and localname(child.tag) not in skip
            and not is_internal(child)
        ):
            _collect_text(child, frozenset(), parts)
            # Block elements end a word even when the source has no white space
            # between them ("<note>Name (1918-1993)</note><p>Nikos...").
            parts.append("" if localname(child.tag) in _INLINE else " ")
        if child.tail:
            parts.append(child.tail)


def safe_href(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    compact = re.sub(r"[\x00-\x20]", "", value)
    try:
        scheme = urlsplit(compact).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES:
        return None
    return value


def attribute(element: Any, name: str) -> str | None:
    """An attribute in the xlink namespace or without a namespace (EAD 2002 DTD style)."""
    value: str | None = element.get(XLINK + name)
    if value is None:
        value = element.get(name)
    return value


class _Writer:
    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.out.append(escape(nfc(value), quote=False))

    def open(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        rendered = "".join(
            f' {k}="{escape(nfc(v), quote=True)}"' for k, v in (attrs or {}).items() if v
        )
        self.out.append(f"<{tag}{rendered}>")

    def close(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def result(self) -> str:
        return "".join(self.out).strip()


def to_html(element: Any, skip: frozenset[str] = frozenset({"head"})) -> str:
    """Render the content of an EAD element (not the element itself) as safe HTML."""
    writer = _Writer()
    _content(element, writer, skip)
    return writer.result()


def _block_model(element: Any) -> ContentModel | None:
    """The content model of an element whose schema allows blocks only, with
    paragraphs among them (a note, a bioghist, a daodesc...); None otherwise."""
    version = "3" if namespace(element.tag) in _EAD3_NAMESPACES else "2002"
    model = MODELS[version].get(localname(element.tag))
    if model is None or model.mixed or "p" not in model.children:
        return None
    return model


def _content(element: Any, w: _Writer, skip: frozenset[str]) -> None:
    """The children of an element; in one that holds blocks only, text and phrases
    standing loose (a ``<note>`` with no ``<p>``, which the schemas refuse) are read
    as the paragraph they would have to be in, as the EAD writer puts them."""
    model = _block_model(element)
    if model is None:
        _children(element, w, skip)
        return
    in_paragraph = False

    def loose(text: str | None) -> None:
        nonlocal in_paragraph
        if text and text.strip() and not in_paragraph:
            w.open("p")
            in_paragraph = True
        w.text(text)

    loose(element.text)
    for child in element:
        if isinstance(child.tag, str):
            name = localname(child.tag)
            if name not in skip and name not in _SKIP and not is_internal(child):
                if name in model.children:
                    if in_paragraph:
                        w.close("p")
                        in_paragraph = False
                elif not in_paragraph:
                    w.open("p")
                    in_paragraph = True
                _element(child, name, w)
        loose(child.tail)
    if in_paragraph:
        w.close("p")


def _children(element: Any, w: _Writer, skip: frozenset[str]) -> None:
    w.text(element.text)
    for child in element:
        if isinstance(child.tag, str):
            name = localname(child.tag)
            if name not in skip and name not in _SKIP and not is_internal(child):
                _element(child, name, w)
        w.text(child.tail)


def _element(el: Any, name: str, w: _Writer) -> None:
    nested = frozenset({"head"}) if name not in _LINKS else frozenset()
    if name == "emph" or (name == "title" and el.get("render")):
        tags = _EMPH.get(el.get("render", "italic"), ("em",))
        for tag in tags:
            w.open(tag, {"class": "smcaps"} if el.get("render") == "smcaps" else None)
        _children(el, w, frozenset())
        for tag in reversed(tags):
            w.close(tag)
    elif name == "lb":
        w.out.append("<br>")
    elif name in _LINKS:
        _link(el, name, w)
    elif name in ("abbr",):
        w.open("abbr", {"title": el.get("expan", "")})
        _children(el, w, frozenset())
        w.close("abbr")
    elif name == "p" and not len(el) and not (el.text or "").strip():
        return  # an empty paragraph says nothing
    elif name in _PARAGRAPHS:
        w.open("p")
        _children(el, w, frozenset())
        w.close("p")
    elif name in ("list",):
        _list(el, w)
    elif name == "chronlist":
        _chronlist(el, w)
    elif name == "table":
        _table(el, w)
    elif name in ("blockquote", "quote") and _has_block(el):
        w.open("blockquote")
        _children(el, w, nested)
        w.close("blockquote")
    elif name == "quote":
        w.open("q")
        _children(el, w, frozenset())
        w.close("q")
    elif name in ("address",):
        w.open("p")
        first = True
        for line in el:
            if isinstance(line.tag, str):
                if not first:
                    w.out.append("<br>")
                w.text(text_of(line))
                first = False
        w.close("p")
    elif name == "footnote":
        w.open("small", None)
        _children(el, w, nested)
        w.close("small")
    elif name == "head":
        w.open("h4")
        _children(el, w, frozenset())
        w.close("h4")
    elif name in _NAMES:
        w.open("span", {"class": f"ead-{name}"})
        _children(el, w, frozenset())
        w.close("span")
    else:
        # Nested notes (a bioghist inside a bioghist, odd, descgrp, note...) keep their
        # heading and their content as a section.
        head = _first(el, "head")
        w.open("section", {"class": f"ead-{name}"})
        if head is not None:
            w.open("h4")
            _children(head, w, frozenset())
            w.close("h4")
        _content(el, w, nested)
        w.close("section")


def _first(el: Any, name: str) -> Any:
    for child in el:
        if isinstance(child.tag, str) and localname(child.tag) == name:
            return child
    return None


def _has_block(el: Any) -> bool:
    return any(
        isinstance(c.tag, str) and localname(c.tag) in {"p", "list", "table", "chronlist"}
        for c in el
    )


def _link(el: Any, name: str, w: _Writer) -> None:
    href = safe_href(attribute(el, "href"))
    target = el.get("target")
    if href is None and target:
        href = "#" + target
    title = attribute(el, "title") or ""
    label_present = bool(text_of(el))
    tag = "cite" if name in ("title", "bibref") and href is None else "a"
    if tag == "a" and href is None:
        tag = "span"
    w.open(tag, {"href": href or "", "title": title} if tag == "a" else None)
    if label_present:
        _children(el, w, frozenset())
    else:
        w.text(title or href or "")
    w.close(tag)


def _list(el: Any, w: _Writer) -> None:
    kind = el.get("type") or el.get("listtype") or ""
    head = _first(el, "head")
    if head is not None:
        w.open("p")
        w.open("strong")
        _children(head, w, frozenset())
        w.close("strong")
        w.close("p")
    if kind == "deflist" or _first(el, "defitem") is not None:
        w.open("dl")
        for item in el:
            if isinstance(item.tag, str) and localname(item.tag) == "defitem":
                for part in item:
                    if not isinstance(part.tag, str):
                        continue
                    tag = "dt" if localname(part.tag) == "label" else "dd"
                    w.open(tag)
                    _children(part, w, frozenset())
                    w.close(tag)
        w.close("dl")
        return
    tag = "ol" if kind == "ordered" else "ul"
    w.open(tag, {"class": "plain"} if kind in ("simple", "") and tag == "ul" else None)
    for item in el:
        if isinstance(item.tag, str) and localname(item.tag) == "item":
            w.open("li")
            _children(item, w, frozenset())
            w.close("li")
    w.close(tag)


def _chronlist(el: Any, w: _Writer) -> None:
    head = _first(el, "head")
    if head is not None:
        w.open("h4")
        _children(head, w, frozenset())
        w.close("h4")
    w.open("dl", {"class": "chronlist"})
    for item in el:
        if not (isinstance(item.tag, str) and localname(item.tag) == "chronitem"):
            continue
        for part in item:
            if not isinstance(part.tag, str):
                continue
            name = localname(part.tag)
            if name in ("date", "datesingle", "daterange", "dateset"):
                w.open("dt")
                w.text(text_of(part))
                w.close("dt")
            elif name in ("eventgrp", "chronitemset"):
                for event in part:
                    if isinstance(event.tag, str) and localname(event.tag) == "event":
                        w.open("dd")
                        _children(event, w, frozenset())
                        w.close("dd")
                    elif isinstance(event.tag, str) and localname(event.tag) in (
                        "datesingle",
                        "daterange",
                        "dateset",
                    ):
                        w.open("dt")
                        w.text(text_of(event))
                        w.close("dt")
            else:
                w.open("dd")
                _children(part, w, frozenset())
                w.close("dd")
    w.close("dl")


def _table(el: Any, w: _Writer) -> None:
    w.open("table")
    head = _first(el, "head")
    if head is not None:
        w.open("caption")
        _children(head, w, frozenset())
        w.close("caption")
    for group in el:
        if not isinstance(group.tag, str) or localname(group.tag) != "tgroup":
            continue
        for section in group:
            if not isinstance(section.tag, str):
                continue
            kind = localname(section.tag)
            if kind not in ("thead", "tbody"):
                continue
            w.open(kind)
            cell = "th" if kind == "thead" else "td"
            for row in section:
                if not (isinstance(row.tag, str) and localname(row.tag) == "row"):
                    continue
                w.open("tr")
                for entry in row:
                    if isinstance(entry.tag, str) and localname(entry.tag) == "entry":
                        w.open(cell)
                        _children(entry, w, frozenset())
                        w.close(cell)
                w.close("tr")
            w.close(kind)
    w.close("table")

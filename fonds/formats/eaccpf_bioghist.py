"""EAC-CPF ``biogHist`` and the small, safe HTML of :mod:`fonds.formats.markup`, both
ways: :func:`bioghist_html` for the reader, :class:`BiogHistWriter` for the writer.
The mapping is described in :mod:`fonds.formats.eaccpf`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any, Protocol

import lxml.html
from lxml import etree

from .eaccpf_base import (
    CONTROL_CHARACTERS,
    WHITE_SPACE,
    XLINK_NS,
    children,
    clean,
    date_label,
    text_of,
)
from .markup import nfc, safe_href
from .xmlsafe import localname

HEADING_TYPE = "heading"  # 2010 has no head in biogHist: <p><span localType="heading">
CITE_TYPE = "cite"  # a citation inside a paragraph: <span localType="cite">
PLACE_CLASS = "eac-place"
SECTION_CLASS = "eac-bioghist"


_STYLES = (  # outermost first
    ("font-weight:bold", "strong"),
    ("font-style:italic", "em"),
    ("text-decoration:underline", "u"),
    ("vertical-align:super", "sup"),
    ("vertical-align:sub", "sub"),
)


def _esc(text: str | None) -> str:
    if not text:
        return ""
    return escape(nfc(WHITE_SPACE.sub(" ", CONTROL_CHARACTERS.sub("", text))), quote=False)


def _wrap(tag: str, inner: str, keep_empty: bool = False) -> str:
    inner = inner.strip(" ")
    return f"<{tag}>{inner}</{tag}>" if inner or keep_empty else ""


def inline_html(el: Any) -> str:
    """Mixed content: spans become em, strong..., a reference (2.0) a cite."""
    out = [_esc(el.text)]
    for child in children(el):
        name = localname(child.tag)
        tags = []
        if name == "span":
            style = re.sub(r"\s+", "", (child.get("style") or "").lower())
            tags = ["cite"] if child.get("localType") == CITE_TYPE else []
            tags += [tag for css, tag in _STYLES if css in style]
        elif name == "reference":
            href = safe_href(child.get("href") or child.get(f"{{{XLINK_NS}}}href"))
            tags = ["cite"] + ([f'a href="{escape(href, quote=True)}"'] if href else [])
        out += [f"<{t}>" for t in tags] + [inline_html(child)]
        out += [f"</{t.split()[0]}>" for t in reversed(tags)] + [_esc(child.tail)]
    return "".join(out)


def bioghist_html(bioghists: list[Any]) -> str:
    parts = [html for html in (_blocks(b) for b in bioghists) if html]
    if len(parts) > 1:
        return "".join(f'<section class="{SECTION_CLASS}">{p}</section>' for p in parts)
    return parts[0] if parts else ""


def _blocks(el: Any) -> str:
    out = []
    for child in children(el):
        name, kids = localname(child.tag), children(child)
        heading = (
            name == "p"
            and [k.get("localType") for k in kids] == [HEADING_TYPE]
            and not (child.text or "").strip()
            and not (kids[0].tail or "").strip()
        )
        if name == "head" or heading:
            out.append(_wrap("h4", inline_html(kids[0] if heading else child)))
        elif name == "citation":
            inner, href = inline_html(child).strip(" "), safe_href(child.get(f"{{{XLINK_NS}}}href"))
            if inner and href:
                inner = f'<a href="{escape(href, quote=True)}">{inner}</a>'
            out.append(f"<p><cite>{inner}</cite></p>" if inner else "")
        elif name in ("list", "outline"):
            out.append(_list(child))
        elif name == "chronList":
            out.append(_chronlist(child))
        elif name != "abstract":  # p, and anything unexpected keeps its text
            out.append(_wrap("p", inline_html(child)))
    return "".join(out)


def _list(el: Any) -> str:
    """list (2.0: a nested list follows its item) or 2010 outline/level: ul or ol."""
    tag = "ol" if "ordered" in (el.get("listType"), el.get("localType")) else "ul"
    heads, entries = [], []  # entries: [item html, nested list html...]
    for child in children(el):
        name = localname(child.tag)
        if name == "head":
            heads.append(f"<p><strong>{inline_html(child).strip(' ')}</strong></p>")
        elif name == "item" and localname(el.tag) != "level":
            entries.append([inline_html(child).strip(" ")])
        elif name == "level":  # its item, then its levels as a nested list
            item = children(child, "item")
            entries.append([inline_html(item[0]).strip(" ") if item else ""])
            entries[-1] += [_list(child)] if children(child, "level") else []
        elif name == "list":
            html = _list(child)
            entries = entries or [[""]]
            last = entries[-1]
            if len(last) > 1 and last[-1][:4] == html[:4]:
                last[-1] = last[-1][:-5] + html[4:]  # consecutive lists are one
            elif html:
                last.append(html)
    items = "".join(f"<li>{''.join(e)}</li>" for e in entries)
    return "".join(heads) + (f"<{tag}>{items}</{tag}>" if entries else "")


def _chronlist(el: Any) -> str:
    rows: list[str] = []
    last: str | None = None
    for item in children(el, "chronItem"):
        dates = children(item, "date", "dateRange", "dateSet")
        date = date_label(dates[0]) if dates else ""
        flat = [
            s
            for p in children(item)
            for s in (children(p) if localname(p.tag) == "chronItemSet" else [p])
        ]
        if date != last or not rows:
            rows.append(f"<dt>{escape(date, quote=False)}</dt>")
        last = date
        rows += [_wrap("dd", inline_html(e), True) for e in flat if localname(e.tag) == "event"]
        for place in (p for p in flat if localname(p.tag) in ("placeEntry", "place")):
            names = [text_of(n) for n in children(place, "placeName")] or [text_of(place)]
            name = escape("; ".join(n for n in names if n), quote=False)
            rows.append(f'<dd><span class="{PLACE_CLASS}">{name}</span></dd>')
    return f'<dl class="chronlist">{"".join(rows)}</dl>' if rows else ""


# -- biogHist: the HTML back to EAC markup -------------------------------------------

_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 ul ol dl section div blockquote table address".split())
_TAG_STYLES = {"strong": "font-weight:bold", "b": "font-weight:bold", "em": "font-style:italic"}
_TAG_STYLES |= {"i": "font-style:italic", "u": "text-decoration:underline"}
_TAG_STYLES |= {"sup": "vertical-align:super", "sub": "vertical-align:sub"}
_STYLE_ORDER = list(dict.fromkeys(_TAG_STYLES.values()))  # the reader's nesting order


def _tag(node: Any) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _content(el: Any) -> list[Any]:
    """An element's text, children and their tails, in order."""
    out: list[Any] = [el.text]
    for child in el:
        out += [child, child.tail]
    return out


def _has_content(nodes: Iterable[Any]) -> bool:
    return any(n.strip() if isinstance(n, str) else n is not None for n in nodes)


def _only(el: Any, tag: str, cls: str | None = None) -> Any:
    """The one child of ``el`` if it is a ``tag`` (of class ``cls``) with no text around."""
    kids = [c for c in el if _tag(c)]
    if len(kids) != 1 or _tag(kids[0]) != tag or _has_content([el.text, kids[0].tail]):
        return None
    return kids[0] if cls is None or cls in (kids[0].get("class") or "").split() else None


class ElementMaker(Protocol):
    """What the biogHist writer needs of the document writer."""

    v2: bool
    ns: str

    def sub(self, parent: Any, name: str, text: str | None = None, **attrs: str | None) -> Any: ...


class BiogHistWriter:
    """The reader's safe-HTML vocabulary as biogHist markup."""

    def __init__(self, writer: ElementMaker) -> None:
        self.w, self.v2 = writer, writer.v2

    def bioghists(self, description: Any, html: str, summary: str) -> None:
        groups: list[Any] = [None] if summary else []
        if html.strip():
            root = lxml.html.fragment_fromstring(html, create_parent="div")
            kids = [c for c in root if _tag(c)]
            sections = all(
                _tag(c) == "section" and SECTION_CLASS in (c.get("class") or "").split()
                for c in kids
            )
            loose = _has_content([root.text, *(c.tail for c in kids)])
            groups = kids if kids and sections and not loose else [root]
        for index, group in enumerate(groups):
            bioghist = self.w.sub(description, "biogHist")
            if group is not None:
                self.blocks(group, bioghist)
            if index == 0 and summary:  # 2.0 puts a head first
                at = int(len(bioghist) > 0 and etree.QName(bioghist[0]).localname == "head")
                bioghist.insert(at, etree.Element(f"{{{self.w.ns}}}abstract"))
                bioghist[at].text = summary
            if not len(bioghist):
                description.remove(bioghist)

    def blocks(self, src: Any, dest: Any) -> None:
        run: list[Any] = []  # inline nodes waiting for their paragraph
        for node in _content(src):
            if isinstance(node, str) or node is None or _tag(node) not in _BLOCKS:
                run.append(node if node is None or isinstance(node, str) or _tag(node) else None)
                continue
            if _has_content(run):
                self.inline(self.w.sub(dest, "p"), run)
            run = []
            self.block(node, dest)
        if _has_content(run):
            self.inline(self.w.sub(dest, "p"), run)

    def block(self, el: Any, dest: Any) -> None:
        tag = _tag(el)
        cite = _only(el, "cite") if tag == "p" and not self.v2 else None
        if cite is not None:  # a paragraph that is a citation
            links = list(cite.iter("a"))
            href = safe_href(links[0].get("href")) if links else None
            citation = self.w.sub(dest, "citation", xlink_href=href, xlink_type=href and "simple")
            self.inline(citation, _content(cite))
        elif tag == "p":
            self.inline(self.w.sub(dest, "p"), _content(el))
        elif tag[:1] == "h" and self.v2 and not len(dest):
            self.inline(self.w.sub(dest, "head"), _content(el))
        elif tag[:1] == "h":
            heading = self.w.sub(self.w.sub(dest, "p"), "span", localType=HEADING_TYPE)
            heading.text = clean(el.text_content())
        elif tag in ("ul", "ol"):
            self.list(el, dest)
        elif tag == "dl":
            self.chronlist(el, dest)
        elif tag in ("section", "div", "blockquote"):
            self.blocks(el, dest)
        else:  # table, address: their text
            self.w.sub(dest, "p", clean(el.text_content()))

    def inline(self, dest: Any, nodes: Iterable[Any], styles: tuple[str, ...] = ()) -> None:
        """Text and phrase markup: 2010 spans (``@style``; a citation's
        ``localType="cite"``), 2.0 spans and ``reference`` for citations and links."""
        for node in nodes:
            tag = "" if node is None or isinstance(node, str) else _tag(node)
            if isinstance(node, str):
                self.text(dest, node, styles)
            elif tag == "br":
                self.text(dest, " ", styles)
            elif tag in ("cite", "a") and self.v2 and "cite" not in styles:
                link = node if tag == "a" else next(node.iter("a"), None)
                href = safe_href(link.get("href")) if link is not None else None
                reference = self.w.sub(dest, "reference", href=href)
                self.inline(reference, _content(node), (*styles, "cite"))
            elif tag:
                style = "cite" if tag == "cite" else _TAG_STYLES.get(tag)
                more = (*styles, style) if style and style not in styles else styles
                self.inline(dest, _content(node), more)

    def text(self, dest: Any, text: str, styles: tuple[str, ...]) -> None:
        text = WHITE_SPACE.sub(" ", text)  # as the reader takes it: a line break is a space
        css = ";".join(s for s in _STYLE_ORDER if s in styles)
        parent = etree.QName(dest).localname
        cite = "cite" in styles and parent != "reference"  # in 2.0 the reference says it
        if (css or cite) and parent != "event":  # 2010 events hold text only
            self.w.sub(dest, "span", text, localType=CITE_TYPE if cite else None, style=css or None)
        elif len(dest):
            dest[-1].tail = (dest[-1].tail or "") + text
        else:
            dest.text = (dest.text or "") + text

    @staticmethod
    def _split_item(li: Any) -> tuple[list[Any], list[Any]]:
        """An li's inline content and its nested lists."""
        nested = [c for c in li if _tag(c) in ("ul", "ol")]
        return [
            n for n in _content(li) if n is None or isinstance(n, str) or n not in nested
        ], nested

    def list(self, el: Any, dest: Any) -> None:
        items = [li for li in el if _tag(li) == "li"]
        ordered = "ordered" if _tag(el) == "ol" else None
        if not items:
            return
        if self.v2:
            lst = self.w.sub(dest, "list", listType=ordered or "unordered")
            for li in items:
                content, nested = self._split_item(li)
                if _has_content(content) or not nested:
                    self.inline(self.w.sub(lst, "item"), content)
                for sub in nested:
                    self.list(sub, lst)
        elif any(self._split_item(li)[1] for li in items):  # 2010 nests as an outline
            outline = self.w.sub(dest, "outline", localType=ordered)
            for li in items:
                self.level(li, outline)
        else:
            lst = self.w.sub(dest, "list", localType=ordered)
            for li in items:
                self.inline(self.w.sub(lst, "item"), self._split_item(li)[0])

    def level(self, li: Any, parent: Any) -> None:
        content, nested = self._split_item(li)
        level = self.w.sub(parent, "level")
        self.inline(self.w.sub(level, "item"), content)
        for sub in nested:
            if _tag(sub) == "ol":
                level.set("localType", "ordered")
            for child in (c for c in sub if _tag(c) == "li"):
                self.level(child, level)

    def chronlist(self, el: Any, dest: Any) -> None:
        rows: list[tuple[str, list[list[Any]]]] = []  # (date, [[event dd, place]])
        for child in el:
            if _tag(child) == "dt":
                rows.append((clean(child.text_content()), []))
            elif _tag(child) == "dd":
                rows = rows or [("", [])]
                events = rows[-1][1]
                place = _only(child, "span", PLACE_CLASS)
                if place is None:
                    events.append([child, None])
                elif events and events[-1][1] is None:
                    events[-1][1] = clean(place.text_content())
                else:
                    events.append([None, clean(place.text_content())])
        chron = self.w.sub(dest, "chronList") if rows else None
        for date, events in rows:
            for event, place in events or [[None, None]]:
                item = self.w.sub(chron, "chronItem")
                self.w.sub(item, "date", date)
                if place and not self.v2:
                    self.w.sub(item, "placeEntry", place)
                node = self.w.sub(item, "event")
                if event is not None and self.v2:
                    self.inline(node, _content(event))
                elif event is not None:
                    node.text = clean(event.text_content()) or None
                if place and self.v2:
                    self.w.sub(self.w.sub(item, "place"), "placeName", place)

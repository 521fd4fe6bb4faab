"""The stored HTML of notes and titles back to EAD mixed content: the inverse of
:func:`fonds.formats.markup.to_html`, for EAD 2002 and EAD3.

``to_html(html_to_ead(html, version, container))`` gives ``html`` back whenever the
version can say what the HTML says, which is always the case for HTML read from a
finding aid of the same version that was valid where it stood. What each HTML form
becomes:

========================================  =============================================
HTML                                      EAD
========================================  =============================================
``p``, ``br``                             ``p`` (2002: ``address`` with ``addressline``s
                                          where no ``p`` may stand), ``lb``
``em strong u sup sub code q``,           ``emph`` with ``render`` italic, bold,
``span.smcaps``                           underline, super, sub, nonproportional
                                          (EAD3: nonproport), doublequote, smcaps (EAD3:
                                          ``title`` with that ``render`` around parts)
``a href title``                          ``extref`` (or ``ref``) ``xlink:href
                                          xlink:title`` (2002), ``ref href linktitle``
                                          (EAD3)
``span`` (no class)                       ``ref`` without a target, or ``archref``
``cite``                                  ``title`` (EAD3: when it holds parts), else
                                          ``bibref``
``abbr title``, ``small``                 ``abbr expan``, ``footnote`` (2002: ``note``)
``ul``, ``ul.plain``, ``ol``, ``dl``      ``list`` marked/unordered, simple (EAD3: no
                                          type), ordered, deflist (``defitem`` with
                                          ``label`` and ``item``); a paragraph holding
                                          only ``strong`` just before is its ``head``
``h4`` + ``dl.chronlist``                 ``chronlist`` with ``head``; ``chronitem``
                                          with ``date`` (EAD3 ``datesingle``) and an
                                          ``event``, or ``eventgrp`` (EAD3
                                          ``chronitemset``) when there are several
``table caption thead tbody tr th td``    ``table head tgroup thead tbody row entry``
``blockquote``                            ``blockquote``
``section.ead-NAME`` (``h4`` first)       ``NAME`` (with its ``head``)
``span.ead-NAME``                         ``NAME``: persname, corpname, date, part...
========================================  =============================================

What the target version cannot hold where it stands is adapted rather than dropped,
so the result is always valid: an element the parent does not allow is unwrapped
(its content kept), text where only blocks may stand is wrapped in a ``p`` (in a
``part`` inside EAD3 names and titles), an element that needs a child gets an empty
one. The content models below are those of the official schemas (ead2002.xsd,
ead3.xsd), restricted to the elements written here; the tests check them against
the schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from lxml import etree

EAD2002_NS = "urn:isbn:1-931666-22-9"
EAD3_NS = "http://ead3.archivists.org/schema/"
XLINK_NS = "http://www.w3.org/1999/xlink"
NAMESPACES = {"2002": EAD2002_NS, "3": EAD3_NS}

# parent names: the child elements it may hold; "*" before the names: text too.
_MODEL_TEXT = {
    "2002": """
     descgrp: accessrestrict accruals acqinfo address altformavail appraisal arrangement
        bibliography bioghist blockquote chronlist controlaccess custodhist descgrp fileplan
        head index list note odd originalsloc otherfindaid p phystech prefercite processinfo
        relatedmaterial scopecontent separatedmaterial table userestrict
    *event item p: abbr address archref bibref blockquote chronlist corpname date emph expan
        extref famname function genreform geogname lb list name note num occupation origination
        persname ref repository subject table title unitdate unittitle
    *extref: abbr address archref bibref blockquote chronlist corpname date emph expan famname
        function genreform geogname lb list name note num occupation origination persname ref
        repository subject table title unitdate unittitle
    *ref: abbr address archref bibref blockquote chronlist corpname date emph expan extref
        famname function genreform geogname lb list name note num occupation origination
        persname repository subject table title unitdate unittitle
    *entry: abbr address archref bibref corpname date emph expan extref famname function
        genreform geogname lb list name note num occupation origination persname ref repository
        subject title unitdate unittitle
    *label: abbr archref bibref corpname date emph expan extref famname function genreform
        geogname lb name num occupation origination persname ref repository subject title
        unitdate unittitle
    *unittitle: abbr archref bibref bibseries corpname date edition emph expan extref famname
        function genreform geogname imprint lb name num occupation persname ref subject title
        unitdate
    *physdesc: abbr archref bibref corpname date dimensions emph expan extent extref famname
        function genreform geogname lb name occupation persname physfacet ref subject title
    *archref: abbr abstract bibref emph expan extref langmaterial lb materialspec note
        origination physdesc physloc ref repository title unitdate unitid unittitle
     controlaccess: address blockquote chronlist controlaccess corpname famname function
        genreform geogname head list name note occupation p persname subject table title
    *physfacet: abbr archref bibref corpname date emph expan extref famname function genreform
        geogname lb name occupation persname ref subject title
    *bibref: abbr archref bibseries corpname edition emph expan extref famname imprint lb name
        num persname ref title
     bibliography: address archref bibliography bibref blockquote chronlist extref head list
        note p ref table title
     otherfindaid: address archref bibref blockquote chronlist extref head list note
        otherfindaid p ref table title
     relatedmaterial: address archref bibref blockquote chronlist extref head list note p ref
        relatedmaterial table title
     separatedmaterial: address archref bibref blockquote chronlist extref head list note p ref
        separatedmaterial table title
    *origination: abbr archref bibref corpname emph expan extref famname lb name persname ref
        title
     indexentry: corpname famname function genreform geogname indexentry name occupation
        persname ref subject title
    *repository: abbr address archref bibref corpname emph expan extref lb name ref title
    *materialspec: abbr archref bibref emph expan extref lb materialspec num ref title
     accessrestrict: accessrestrict address blockquote chronlist head legalstatus list note p
        table
     custodhist: acqinfo address blockquote chronlist custodhist head list note p table
    *dimensions: abbr archref bibref dimensions emph expan extref lb ref title
     index: address blockquote chronlist head index indexentry list note p table
    *langmaterial: abbr archref bibref emph expan extref language lb ref title
     scopecontent: address arrangement blockquote chronlist head list note p scopecontent table
    *abstract emph extent physloc unitdate unitid: abbr archref bibref emph expan extref lb ref
        title
     accruals: accruals address blockquote chronlist head list note p table
     acqinfo: acqinfo address blockquote chronlist head list note p table
     altformavail: address altformavail blockquote chronlist head list note p table
     appraisal: address appraisal blockquote chronlist head list note p table
     arrangement: address arrangement blockquote chronlist head list note p table
     bioghist: address bioghist blockquote chronlist head list note p table
     fileplan: address blockquote chronlist fileplan head list note p table
     odd: address blockquote chronlist head list note odd p table
     originalsloc: address blockquote chronlist head list note originalsloc p table
     phystech: address blockquote chronlist head list note p phystech table
     prefercite: address blockquote chronlist head list note p prefercite table
     processinfo: address blockquote chronlist head list note p processinfo table
     userestrict: address blockquote chronlist head list note p table userestrict
     daodesc: address blockquote chronlist head list note p table
     note: address blockquote chronlist list note p table
     blockquote: address chronlist list note p table
    *imprint: date emph geogname lb publisher
    *bibseries: emph lb num title
    *title: date emph lb num
     chronitem: date event eventgrp
    *legalstatus: date emph lb
     list: defitem head item
    *addressline corpname date edition famname function genreform geogname head language name
        num occupation persname publisher subject: emph lb
     chronlist: chronitem head
     defitem: item label
     table: head tgroup
     tgroup: tbody thead
     address: addressline
     eventgrp: event
     row: entry
     tbody thead: row
    *abbr expan:
     lb:
    """,
    "3": """
    *entry event item p: abbr corpname date emph expan famname footnote foreign function
        genreform geogname lb list name num occupation persname quote ref subject title
    *abstract archref bibref physfacet unittitle: abbr corpname date emph expan famname
        footnote foreign function genreform geogname lb name num occupation persname quote ref
        subject title
    *ref: abbr corpname date emph expan famname footnote foreign function genreform geogname lb
        name num occupation persname quote subject title
     controlaccess: blockquote chronlist controlaccess corpname famname function genreform
        geogname head list name occupation p persname subject table title
     indexentry: corpname famname function genreform geogname indexentry name occupation
        persname ref subject title
     bibliography: archref bibliography bibref blockquote chronlist head list p table
     otherfindaid: archref bibref blockquote chronlist head list otherfindaid p table
     relatedmaterial: archref bibref blockquote chronlist head list p relatedmaterial table
     separatedmaterial: archref bibref blockquote chronlist head list p separatedmaterial table
     index: blockquote chronlist head index indexentry list p table
     accessrestrict: accessrestrict blockquote chronlist head list p table
     accruals: accruals blockquote chronlist head list p table
     acqinfo: acqinfo blockquote chronlist head list p table
     altformavail: altformavail blockquote chronlist head list p table
     appraisal: appraisal blockquote chronlist head list p table
     arrangement: arrangement blockquote chronlist head list p table
     bioghist: bioghist blockquote chronlist head list p table
     custodhist: blockquote chronlist custodhist head list p table
    *dimensions: abbr dimensions emph expan foreign lb ref
     fileplan: blockquote chronlist fileplan head list p table
     legalstatus: blockquote chronlist head legalstatus list p table
     odd: blockquote chronlist head list odd p table
     originalsloc: blockquote chronlist head list originalsloc p table
    *part: abbr date emph expan foreign lb ref
     phystech: blockquote chronlist head list p phystech table
     prefercite: blockquote chronlist head list p prefercite table
     processinfo: blockquote chronlist head list p processinfo table
     scopecontent: blockquote chronlist head list p scopecontent table
     userestrict: blockquote chronlist head list p table userestrict
    *addressline date datesingle didnote edition emph fromdate head label materialspec num
        physdesc physloc publisher quote todate unitdate unitid: abbr emph expan foreign lb ref
     footnote: blockquote chronlist list p table
     repository: address corpname famname name persname
     blockquote: chronlist list p table
     chronitem: chronitemset datesingle event geogname
     origination: corpname famname name persname
     list: defitem head item
     chronitemset: event geogname
     chronlist: chronitem head
     defitem: item label
     geogname: geographiccoordinates part
     langmaterial: descriptivenote language
     table: head tgroup
     tgroup: tbody thead
     address: addressline
     corpname famname function genreform name occupation persname subject title: part
     descriptivenote: p
     row: entry
     tbody thead: row
    *abbr expan foreign geographiccoordinates language:
     lb:
    """,
}


@dataclass(frozen=True)
class ContentModel:
    mixed: bool
    children: frozenset[str]


def _models(text: str) -> dict[str, ContentModel]:
    models: dict[str, ContentModel] = {}
    for entry in text.replace("\n        ", " ").strip().splitlines():
        parents, _, children = entry.strip().partition(":")
        model = ContentModel(parents.startswith("*"), frozenset(children.split()))
        for parent in parents.lstrip("*").split():
            models[parent] = model
    return models


MODELS = {version: _models(text) for version, text in _MODEL_TEXT.items()}
_NOTHING = ContentModel(False, frozenset())

# Elements that need at least one child, and the (empty) one they get.
_REQUIRED = {
    "2002": {"note": "p", "blockquote": "p", "daodesc": "p"},
    "3": {"footnote": "p", "blockquote": "p", "descriptivenote": "p"}
    | dict.fromkeys(
        "corpname famname function genreform name occupation persname subject title "
        "geogname".split(),
        "part",
    ),
}
_RENDER = {
    "em": "italic",
    "strong": "bold",
    "u": "underline",
    "sup": "super",
    "sub": "sub",
    "code": "nonproportional",
    "q": "doublequote",
}
# span.ead-NAME and section.ead-NAME where the version lacks NAME: what to try next.
_RENAMES = {
    "2002": {"datesingle": ["date"], "fromdate": ["date"], "todate": ["date"]},
    "3": {"unitdate": ["date"], "note": ["footnote"]},
}
_VOID = frozenset({"br", "hr", "img", "wbr"})


# -- the HTML, as written by markup.to_html --------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """A tree of the fragment, exactly as written: no implied end tags, no fixing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# -- to EAD ----------------------------------------------------------------------


def html_to_ead(html: str, version: str, container: str = "p") -> etree._Element:
    """A new ``container`` element (in the version's namespace) holding ``html``."""
    converter = Converter(version)
    nsmap: Any = (
        {None: converter.ns, "xlink": XLINK_NS} if version == "2002" else {None: converter.ns}
    )
    element = etree.Element(f"{{{converter.ns}}}{container}", nsmap=nsmap)
    converter.fill(element, parse_html(html).children)
    return element


def _append_text(el: Any, text: str) -> None:
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _local(el: Any) -> str:
    return str(el.tag).rpartition("}")[2]


class _Sink:
    """Where converted content goes: an element, and the paragraph (or EAD3 part)
    opened to hold inline content the element cannot hold itself."""

    def __init__(self, converter: Converter, el: Any) -> None:
        self.converter = converter
        self.el = el
        self.name = _local(el)
        self.model = converter.model(self.name)
        self.wrapper: Any = None

    def wrapper_name(self) -> str | None:
        for name in ("p", "part"):
            if name in self.model.children:
                return name
        return None

    def open_wrapper(self) -> Any:
        if self.wrapper is None:
            name = self.wrapper_name()
            if name is None:
                return None
            self.wrapper = self.converter.element(name)
            self.el.append(self.wrapper)
        return self.wrapper

    def text(self, text: str) -> None:
        if self.wrapper is not None:
            _append_text(self.wrapper, text)
        elif self.model.mixed or not text.strip():
            _append_text(self.el, text)
        else:
            wrapper = self.open_wrapper()
            _append_text(self.el if wrapper is None else wrapper, text)

    def accepts(self, name: str) -> bool:
        return name in self.model.children

    def place(self, name: str, wrapped: bool) -> Any:
        """A new child ``name``, directly or (``wrapped``) in the wrapper; None if the
        element cannot hold it so."""
        if not wrapped:
            if not self.accepts(name):
                return None
            self.wrapper = None
            child = self.converter.element(name)
            self.el.append(child)
            return child
        wrapper_name = self.wrapper_name()
        if wrapper_name and name in self.converter.model(wrapper_name).children:
            child = self.converter.element(name)
            self.open_wrapper().append(child)
            return child
        return None


Builder = Callable[[Any, Node], None]


class Converter:
    def __init__(self, version: str) -> None:
        if version not in NAMESPACES:
            raise ValueError(f"unknown EAD version {version!r}: '2002' or '3'")
        self.version = version
        self.ns = NAMESPACES[version]
        self.models = MODELS[version]
        self.required = _REQUIRED[version]
        # What HTML does not keep of a chronlist and the note's plain text does: the
        # white space after a date ("1972 Founded" or "1972Founded"), and where an
        # EAD3 date range's two dates meet (a dt holds "May 1976June 1976").
        self.spaced_dates = False
        self.date_ranges: dict[str, int] = {}

    def element(self, name: str, attrib: dict[str, str] | None = None) -> Any:
        return etree.Element(f"{{{self.ns}}}{name}", attrib or {})

    def model(self, name: str) -> ContentModel:
        return self.models.get(name, _NOTHING)

    def fill(self, el: Any, nodes: Sequence[Node | str]) -> None:
        """Append the converted ``nodes`` to ``el``."""
        sink = _Sink(self, el)
        self._into(sink, nodes)
        self._complete(el)

    def _complete(self, el: Any) -> None:
        needed = self.required.get(_local(el))
        if needed and not len(el):
            el.append(self.element(needed))

    def _into(self, sink: _Sink, nodes: Sequence[Node | str]) -> None:
        index = 0
        while index < len(nodes):
            node = nodes[index]
            following = nodes[index + 1] if index + 1 < len(nodes) else None
            index += 1
            if isinstance(node, str):
                sink.text(node)
            elif isinstance(following, Node) and _pairs(node, following):
                self._node(sink, following, head=node)
                index += 1
            else:
                self._node(sink, node)

    def _node(self, sink: _Sink, node: Node, head: Node | None = None) -> None:
        choices = self._choices(node, sink.name)
        for wrapped in (False, True):
            for name, build in choices:
                child = sink.place(name, wrapped)
                if child is not None:
                    if head is not None:
                        self._head(child, head)
                    build(child, node)
                    self._complete(child)
                    return
        # Nothing the parent can hold: keep the content.
        if head is not None:
            self._node(sink, head)
        self._into(sink, node.children)

    def _head(self, el: Any, head: Node) -> None:
        content: Sequence[Node | str] = head.children
        if head.tag == "p":  # a list's head, written <p><strong>head</strong></p>
            content = head.elements()[0].children
        self.fill(self._sub(el, "head"), content)

    def _sub(self, parent: Any, name: str, attrib: dict[str, str] | None = None) -> Any:
        child = self.element(name, attrib)
        parent.append(child)
        return child

    # -- what each HTML element may become, best first --------------------------

    def _choices(self, node: Node, parent: str) -> list[tuple[str, Builder]]:
        tag, classes = node.tag, node.classes
        if tag == "p":
            lines = all(isinstance(c, str) or c.tag == "br" for c in node.children)
            return [("p", self._content)] + ([("address", self._address)] if lines else [])
        if tag == "br":
            return [("lb", _nothing)]
        if tag in _RENDER or (tag == "span" and classes == ["smcaps"]):
            kinds = {_kind(child) for child in node.elements()}
            if self.version == "3" and kinds == {"ead-part"} and not node_text(node).strip():
                return [("title", self._emph), ("emph", self._emph)]
            return [("emph", self._emph)]
        if tag == "a":
            if self.version == "3":
                return [("ref", self._link)]
            return [("extref", self._link), ("ref", self._link)]
        if tag == "cite":
            return self._cite(node, parent)
        if tag == "abbr":
            return [("abbr", self._abbr)]
        if tag == "small":
            return [("footnote" if self.version == "3" else "note", self._content)]
        if tag in ("ul", "ol") or (tag == "dl" and "chronlist" not in classes):
            return [("list", self._list)]
        if tag == "dl":
            return [("chronlist", self._chronlist)]
        if tag == "table":
            return [("table", self._table)]
        if tag == "blockquote":
            return [("blockquote", self._content)]
        if tag == "span" and not classes:
            if self.version == "3" and any(n.tag == "a" for n in _descendants(node)):
                return [("archref", self._content)]  # an EAD3 ref holds no link
            return [("ref", self._content), ("archref", self._content)]
        if tag in ("span", "section") and len(classes) == 1 and classes[0].startswith("ead-"):
            name = classes[0][4:]
            names = [name, *_RENAMES[self.version].get(name, [])]
            build = self._section if tag == "section" else self._content
            return [(n, build) for n in names]
        return []

    def _cite(self, node: Node, parent: str) -> list[tuple[str, Builder]]:
        kinds = [_kind(child) for child in node.elements()]
        if self.version == "3":
            only_parts = not node_text(node).strip() and all(k == "ead-part" for k in kinds)
            if only_parts or "bibref" not in self.model(parent).children:
                return [("title", self._content), ("bibref", self._content)]
            return [("bibref", self._content), ("title", self._content)]
        title = self.model("title").children
        if all(self._target(child) in title for child in node.elements()):
            return [("title", self._content), ("bibref", self._content)]
        return [("bibref", self._content), ("title", self._content)]

    def _target(self, node: Node) -> str:
        choices = self._choices(node, "")
        return choices[0][0] if choices else ""

    # -- builders ---------------------------------------------------------------

    def _content(self, el: Any, node: Node) -> None:
        self._into(_Sink(self, el), node.children)

    def _section(self, el: Any, node: Node) -> None:
        content = node.children
        first = _first_element(node)
        if first is not None and first.tag == "h4" and not _starts_chronlist(node, first):
            self.fill(self._sub(el, "head"), first.children)
            content = [c for c in node.children if c is not first]
        self._into(_Sink(self, el), content)

    def _emph(self, el: Any, node: Node) -> None:
        render = "smcaps" if node.tag == "span" else _RENDER[node.tag]
        if self.version == "3" and render == "nonproportional":
            render = "nonproport"
        el.set("render", render)
        self._into(_Sink(self, el), node.children)

    def _link(self, el: Any, node: Node) -> None:
        href, title = node.attrs.get("href", ""), node.attrs.get("title", "")
        if self.version == "2002":
            el.set(f"{{{XLINK_NS}}}type", "simple")
            if href:
                el.set(f"{{{XLINK_NS}}}href", href)
            if title:
                el.set(f"{{{XLINK_NS}}}title", title)
        else:
            if href:
                el.set("href", href)
            if title:
                el.set("linktitle", title)
        self._into(_Sink(self, el), node.children)

    def _address(self, el: Any, node: Node) -> None:
        line = self._sub(el, "addressline")
        for child in node.children:
            if isinstance(child, str):
                _append_text(line, child)
            else:
                line = self._sub(el, "addressline")

    def _abbr(self, el: Any, node: Node) -> None:
        if node.attrs.get("title"):
            el.set("expan", node.attrs["title"])
        self._into(_Sink(self, el), node.children)

    def _list(self, el: Any, node: Node) -> None:
        if node.tag == "dl":
            el.set("type" if self.version == "2002" else "listtype", "deflist")
            self._defitems(el, node)
            return
        if node.tag == "ol":
            el.set("type" if self.version == "2002" else "listtype", "ordered")
        elif "plain" in node.classes:
            if self.version == "2002":
                el.set("type", "simple")
        elif self.version == "2002":
            el.set("type", "marked")
        else:
            el.set("listtype", "unordered")
        for item in _items(node, ("li",)):
            self.fill(self._sub(el, "item"), item.children)
        if not any(_local(c) == "item" for c in el):
            self._sub(el, "item")

    def _defitems(self, el: Any, node: Node) -> None:
        pairs: list[list[Node | None]] = []
        for part in _items(node, ("dt", "dd")):
            if part.tag == "dt" or not pairs or pairs[-1][1] is not None:
                pairs.append([None, None])
            pairs[-1][0 if part.tag == "dt" else 1] = part
        for label, item in pairs or [[None, None]]:
            defitem = self._sub(el, "defitem")
            self.fill(self._sub(defitem, "label"), label.children if label else [])
            self.fill(self._sub(defitem, "item"), item.children if item else [])

    def _chronlist(self, el: Any, node: Node) -> None:
        items: list[tuple[Node | None, list[Node]]] = []
        for part in _items(node, ("dt", "dd")):
            if part.tag == "dt" or not items:
                items.append((part if part.tag == "dt" else None, []))
            if part.tag == "dd":
                items[-1][1].append(part)
        for date, events in items or [(None, [])]:
            chronitem = self._sub(el, "chronitem")
            text = date.text() if date else ""
            split = self.date_ranges.get(text) if self.version == "3" else None
            if split:
                date_element = self._sub(chronitem, "daterange")
                self._sub(date_element, "fromdate").text = text[:split]
                self._sub(date_element, "todate").text = text[split:]
            else:
                date_name = "date" if self.version == "2002" else "datesingle"
                date_element = self._sub(chronitem, date_name)
                date_element.text = text or None
            date_element.tail = " " if self.spaced_dates else None
            holder = chronitem
            if len(events) > 1:
                holder = self._sub(
                    chronitem, "eventgrp" if self.version == "2002" else "chronitemset"
                )
            for event in events or [Node("dd")]:
                self.fill(self._sub(holder, "event"), event.children)

    def _table(self, el: Any, node: Node) -> None:
        tgroup: Any = None
        for part in node.elements():
            if part.tag == "caption":
                head = self.element("head")
                el.insert(0, head)
                self.fill(head, part.children)
            elif part.tag in ("thead", "tbody"):
                if tgroup is None or (part.tag == "thead" and len(tgroup)):
                    tgroup = self._sub(el, "tgroup")
                section = self._sub(tgroup, part.tag)
                for row in _items(part, ("tr",)):
                    entries = self._sub(section, "row")
                    for cell in _items(row, ("td", "th")):
                        self.fill(self._sub(entries, "entry"), cell.children)
                    if not len(entries):
                        self._sub(entries, "entry")
                if not len(section):
                    self._sub(self._sub(section, "row"), "entry")
        if tgroup is None:
            tgroup = self._sub(el, "tgroup")
        for group in el:
            if _local(group) != "tgroup":
                continue
            if not any(_local(s) == "tbody" for s in group):
                self._sub(self._sub(self._sub(group, "tbody"), "row"), "entry")
            widths = [len(row) for section in group for row in section]
            group.set("cols", str(max(widths, default=1)))


def _nothing(el: Any, node: Node) -> None:
    return None


def node_text(node: Node) -> str:
    return "".join(c for c in node.children if isinstance(c, str))


def _kind(node: Node) -> str:
    return node.classes[0] if node.classes else node.tag


def _descendants(node: Node) -> Iterator[Node]:
    for child in node.elements():
        yield child
        yield from _descendants(child)


def _first_element(node: Node) -> Node | None:
    for child in node.children:
        if isinstance(child, Node):
            return child
        if child.strip():
            return None
    return None


def _starts_chronlist(node: Node, first: Node) -> bool:
    index = node.children.index(first)
    following = node.children[index + 1] if index + 1 < len(node.children) else None
    return isinstance(following, Node) and _pairs(first, following)


def _items(node: Node, tags: Iterable[str]) -> list[Node]:
    wanted = set(tags)
    return [c for c in node.elements() if c.tag in wanted]


def _pairs(node: Node, following: Node) -> bool:
    """A heading written just before the thing it heads: a chronlist's ``h4``, a
    list's ``<p><strong>``."""
    if node.tag == "h4":
        return following.tag == "dl" and "chronlist" in following.classes
    if node.tag == "p" and following.tag in ("ul", "ol", "dl"):
        if "chronlist" in following.classes:
            return False
        inner = node.elements()
        return (
            len(inner) == 1
            and inner[0].tag == "strong"
            and not inner[0].attrs
            and not node_text(node).strip()
        )
    return False

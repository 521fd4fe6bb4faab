"""Small, exact edits to rendered pages.

The pages are Django's own output; the static site changes a few elements of them
(the contact form, the filter forms, the search attributes of ``<main>``). A page is
read once with the standard library's tokenizer to find where each element starts
and ends, and the edits are spliced into the original text: everything else stays
byte for byte as the live portal sends it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # offset of "<tag"
    start_end: int  # offset just after the start tag's ">"
    end_start: int = -1  # offset of "</tag>"; the element's end when it has none
    end: int = -1  # offset just after "</tag>"

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Scanner(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = text
        self.lines = [0, *(m.end() for m in re.finditer("\n", text))]
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = Element(tag, {k: v or "" for k, v in attrs}, start, start + len(text))
        self.elements.append(element)
        if tag in VOID:
            element.end_start = element.end = element.start_end
            return
        self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        end = start + len(text)
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, start, end, end, end))

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.source.find(">", start) + 1
        if not any(e.tag == tag for e in self.stack):
            return  # a stray end tag
        while self.stack:
            element = self.stack.pop()
            if element.tag == tag:
                element.end_start, element.end = start, end
                return
            element.end_start = element.end = start  # closed implicitly


@dataclass
class Page:
    """A rendered page, its elements, and the edits to make to it."""

    text: str
    elements: list[Element]
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def read(cls, text: str) -> Page:
        scanner = _Scanner(text)
        scanner.feed(text)
        scanner.close()
        for element in scanner.stack:  # never closed: ends with the page
            element.end_start = element.end = len(text)
        return cls(text, scanner.elements)

    def find(self, tag: str, *, classes: set[str] | None = None, **attrs: str) -> Iterator[Element]:
        for element in self.elements:
            if element.tag != tag:
                continue
            if classes and not classes <= element.classes:
                continue
            if all(element.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield element

    def first(self, tag: str, *, classes: set[str] | None = None, **attrs: str) -> Element | None:
        return next(self.find(tag, classes=classes, **attrs), None)

    def text_inside(self, element: Element, leaving_out: list[Element]) -> str:
        """The text inside ``element``, without that of ``leaving_out``, scripts or tags."""
        parts: list[str] = []
        position = element.start_end
        for inner in sorted(leaving_out, key=lambda e: e.start):
            if inner.start >= position:
                parts.append(self.text[position : inner.start])
            position = max(position, inner.end)
        parts.append(self.text[position : element.end_start])
        markup = _RAW_TEXT.sub(" ", " ".join(parts))
        return html.unescape(_TAG.sub(" ", markup))

    def replace(self, element: Element, markup: str) -> None:
        self.edits.append((element.start, element.end, markup))

    def add_attribute(self, element: Element, attribute: str) -> None:
        """Add ``attribute`` (``name`` or ``name="value"``) to an element's start tag."""
        closing = element.start_end - 1
        if self.text[closing - 1] == "/":
            closing -= 1
        self.edits.append((closing, closing, " " + attribute))

    def append_inside(self, element: Element, markup: str) -> None:
        self.edits.append((element.end_start, element.end_start, markup))

    def result(self) -> str:
        out: list[str] = []
        position = len(self.text)
        for start, end, markup in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            if end > position:
                raise ValueError("overlapping edits")
            out.append(self.text[end:position])
            out.append(markup)
            position = start
        out.append(self.text[:position])
        return "".join(reversed(out))

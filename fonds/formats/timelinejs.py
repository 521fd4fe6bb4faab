"""TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html) to and from
timeline events.

Reading
    ``start_date``/``end_date`` ({year, month, day}) become an EDTF day, month or year,
    or an interval of two; negative years are astronomical, as in both formats (``-44``
    is ``-0044``, 45 BCE). ``text.headline`` becomes the title (plain text),
    ``text.text`` the Markdown description: the HTML is converted, keeping paragraphs,
    line breaks, lists, emphasis and links with http(s)/mailto targets; everything else
    keeps its text only, and scripts are dropped. A ``<div lang>`` around the text
    gives the language. ``display_date`` restores what TimelineJS cannot say when it
    is the label this module writes ("about 1980", "the 1970s", "from 1990").

Writing
    ``start_date`` is the first end of the EDTF date at its own precision, ``end_date``
    the last (a decade 197X is 1970 to 1979; an open end has none), ``display_date`` the
    English label. The description is rendered from Markdown to HTML (escaped; no raw
    HTML) inside ``<div lang dir>`` when the language is known.

Lost on the way to TimelineJS: place, agents, collections, components and sources (no
field for them). Qualifiers, decades and open ends survive only through
``display_date`` (eras have none: 196X/1991 comes back as 1960/1991). Markdown comes
back normalized: soft line breaks become spaces, ``_em_`` becomes ``*em*``, headings,
quotes and code blocks become paragraphs. Lost from TimelineJS files: hours and
minutes, ``background``, ``autolink`` and a ``display_date`` that is not one of our
labels; media given as HTML embeds (``<iframe>``...) are refused, not run.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

from .edtf_dates import EDTFDate, EDTFPoint, build
from .errors import FormatError
from .markup import plain
from .timeline import IDENTIFIER as _IDENTIFIER
from .timeline import (
    MAX_TEXT,
    MEDIA_KEYS,
    EventRecord,
    Invalid,
    assign_identifiers,
    decode,
    direction_of,
    make_event,
    slugify,
)

SCALES = ("human", "cosmological")
MAX_YEAR = 9999
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_HTML_TAGS = {
    "a", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_HTML_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "div": {"lang", "dir"}}


@dataclass
class Era:
    date: str  # an EDTF interval
    title: str = ""
    description: str = ""  # Markdown


@dataclass
class TimelineMeta:
    """What a TimelineJS file says besides its events: the title slide, eras, scale."""

    title: str = ""
    description: str = ""  # Markdown
    media: dict[str, str] = field(default_factory=dict)
    eras: list[Era] = field(default_factory=list)
    scale: str | None = None


# Reading -----------------------------------------------------------------------------


def read_timelinejs(data: bytes | str, path: str) -> tuple[TimelineMeta, list[EventRecord]]:
    text = decode(data, path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(path, f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise FormatError(path, "not valid JSON: nested too deeply") from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise FormatError(path, f"not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise FormatError(path, "TimelineJS JSON is an object with 'events', not a list", 1, 1)
    meta = _read_meta(document, path)
    slides = document.get("events", [])
    if not isinstance(slides, list):
        raise FormatError(path, "'events' must be a list of slides")
    events = [_read_slide(slide, index, path) for index, slide in enumerate(slides, start=1)]
    duplicates = assign_identifiers(events)
    if duplicates:
        index, identifier = duplicates[0]
        raise FormatError(path, f"event {index + 1}: unique_id {identifier!r} is used twice")
    return meta, events


def _read_meta(document: dict[str, Any], path: str) -> TimelineMeta:
    meta = TimelineMeta()
    title = document.get("title")
    try:
        if title is not None:
            if not isinstance(title, dict):
                raise Invalid("title", "the title slide must be an object")
            meta.title, meta.description, _ = _slide_text(title)
            meta.media = _read_media(title.get("media"))
        scale = document.get("scale")
        if scale is not None and scale not in SCALES:
            raise Invalid("scale", f"scale must be human or cosmological, not {scale!r}")
        meta.scale = scale
    except Invalid as error:
        raise FormatError(path, f"title slide: {error.cause}") from None
    eras = document.get("eras", [])
    if not isinstance(eras, list):
        raise FormatError(path, "'eras' must be a list")
    for index, era in enumerate(eras, start=1):
        try:
            if not isinstance(era, dict):
                raise Invalid("era", "an era must be an object")
            start, end = _endpoint(era.get("start_date"), "start"), era.get("end_date")
            date = f"{start}/{_endpoint(end, 'end')}" if end is not None else start
            headline, body, _ = _slide_text(era)
            meta.eras.append(Era(build(date).edtf, headline, body))
        except ValueError as error:
            cause = error.cause if isinstance(error, Invalid) else str(error)
            raise FormatError(path, f"era {index}: {cause}") from None
    return meta


def _read_slide(slide: Any, index: int, path: str) -> EventRecord:
    headline = ""
    try:
        if not isinstance(slide, dict):
            raise Invalid("event", "a slide must be an object")
        headline, body, language = _slide_text(slide)
        raw = {
            "id": _unique_id(slide.get("unique_id")),
            "date": _slide_date(slide),
            "title": headline,
            "description": body,
            "language": language,
            "media": _read_media(slide.get("media")),
            "group": _string(slide.get("group"), "group"),
        }
        return make_event(raw)
    except Invalid as error:
        name = f" ({headline[:60]!r})" if headline else ""
        raise FormatError(path, f"event {index}{name}: {error.cause}") from None


def _slide_text(slide: dict[str, Any]) -> tuple[str, str, str | None]:
    """The headline as plain text, the text as Markdown, the language it declares."""
    text = slide.get("text")
    if text is None:
        return "", "", None
    if not isinstance(text, dict):
        raise Invalid("text", "'text' must be an object with headline and text")
    headline = _string(text.get("headline"), "headline")
    body = _Converter.convert(_string(text.get("text"), "text"))
    language = body.language.replace("_", "-") if body.language else None
    return html_to_text(headline), body.result, language


def _string(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(name, f"{name} must be text")
    text = str(value)
    if len(text) > 2 * MAX_TEXT:
        raise Invalid(name, f"{name} is longer than {2 * MAX_TEXT:,} characters")
    return text


def _unique_id(value: Any) -> str | None:
    text = _string(value, "unique_id").strip()
    if not text:
        return None
    return text if _IDENTIFIER.fullmatch(text) else slugify(text, limit=200) or None


def _read_media(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("media", "media must be an object")
    media: dict[str, str] = {}
    for key in MEDIA_KEYS:
        item = _string(value.get(key), f"media {key}")
        if key in ("caption", "credit"):
            item = html_to_markdown(item)
        if item.strip():
            media[key] = item.strip()
    return media


def _slide_date(slide: dict[str, Any]) -> str:
    start = _endpoint(slide.get("start_date"), "start")
    end_value = slide.get("end_date")
    end = _endpoint(end_value, "end") if end_value is not None else None
    date = f"{start}/{end}" if end is not None else start
    display = slide.get("display_date")
    if display is None and end is None and isinstance(slide.get("start_date"), dict):
        display = slide["start_date"].get("display_date")
    if isinstance(display, str) and display.strip():
        return _recover(date, plain(html_to_text(display)))
    return date


def _endpoint(value: Any, which: str) -> str:
    """An EDTF day, month or year from a TimelineJS date object."""
    if not isinstance(value, dict):
        raise Invalid("date", f"{which}_date must be an object with a year")
    year = _integer(value.get("year"), f"{which}_date year")
    if year is None:
        raise Invalid("date", f"{which}_date has no year")
    if abs(year) > MAX_YEAR:
        raise Invalid("date", f"{which}_date year {year} is beyond {MAX_YEAR} (not supported)")
    month = _integer(value.get("month"), f"{which}_date month")
    day = _integer(value.get("day"), f"{which}_date day")
    if day is not None and month is None:
        raise Invalid("date", f"{which}_date has a day but no month")
    text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
    for part in (month, day):
        if part is not None:
            if not 0 < part < 100:
                raise Invalid("date", f"{which}_date has a month or day {part}")
            text += f"-{part:02d}"
    return text


def _integer(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid("date", f"{name} must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    raise Invalid("date", f"{name} must be a whole number, not {str(value)[:40]!r}")


def _recover(date: str, display: str) -> str:
    """The EDTF whose label is ``display`` and whose bounds TimelineJS wrote as ``date``."""
    try:
        base = build(date)
    except ValueError:
        return date  # make_event reports it
    if base.label == display:
        return date
    for candidate in _candidates(base):
        try:
            found = build(candidate)
        except ValueError:
            continue
        if found.label == display:
            return found.edtf
    return date


def _candidates(base: EDTFDate) -> list[str]:
    """What TimelineJS writes the same way: qualified, decades, centuries, open ends."""
    qualifiers = ("", "?", "~", "%")
    assert base.start is not None and base.end is not None
    if not base.is_interval:
        point = base.start.edtf
        opened = [f"{point}{q}/{e}" for q in qualifiers for e in ("..", "")]
        opened += [f"../{point}{q}" for q in qualifiers]
        return [f"{point}{q}" for q in qualifiers[1:]] + opened
    starts = [base.start.edtf, *_unspecified(base.start, first=True)]
    ends = [base.end.edtf, *_unspecified(base.end, first=False)]
    found: list[str] = []
    for start, end in itertools.product(starts, ends):
        if start == end and "X" in start:
            found += [f"{start}{q}" for q in qualifiers]
    for start, q1, end, q2 in itertools.product(starts, qualifiers, ends, qualifiers):
        found.append(f"{start}{q1}/{end}{q2}")
    return found


def _unspecified(point: EDTFPoint, first: bool) -> list[str]:
    """197X and 19XX for a year that could be the first (or last) of its decade or century."""
    if point.precision != "year" or point.year < 0:
        return []
    digits = f"{point.year:04d}"
    found = []
    if point.year % 10 == (0 if first else 9):
        found.append(digits[:3] + "X")
    if point.year % 100 == (0 if first else 99):
        found.append(digits[:2] + "XX")
    return found


# HTML to Markdown ----------------------------------------------------------------------

_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 blockquote pre section article header footer figure "
    "figcaption table tr hr address aside main nav dl dt dd".split()
)
_DROP = frozenset({"script", "style", "template"})
_BREAK, _OPEN_STRONG, _CLOSE_STRONG, _OPEN_EM, _CLOSE_EM = "\x00", "\x01", "\x02", "\x03", "\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Markdown's punctuation; "_" inside a word (snake_case, URLs) is not emphasis.
_SPECIAL = re.compile(r"[\\`*\[\]<>]|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_LINE_START = re.compile(
    r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|-+(?=\s*$)|>|=+(?=\s*$)|~~~)|^(\d{1,9})([.)])(?=\s|$)"
)


class _Converter(HTMLParser):
    """HTML to Markdown (or to plain text): a stream, so nesting depth costs nothing."""

    def __init__(self, markdown: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.blocks: list[str] = []
        self.pieces: list[str] = []
        self.items: list[str] = []
        self.lists: list[list[int]] = []  # [ordered, next number] per open list
        self.links: list[str | None] = []
        self.dropping = 0
        self.code = 0  # inside <code>: Markdown takes the text as it is
        self.heading = 0  # inside <h1>..<h6> (not in a list): its level
        self.language: str | None = None
        self.seen_text = False

    @classmethod
    def convert(cls, html: str, markdown: bool = True) -> _Converter:
        converter = cls(markdown)
        converter.feed(_CONTROL.sub("", html))
        converter.close()
        converter.flush()
        converter.end_list()
        return converter

    @property
    def result(self) -> str:
        return "\n\n".join(self.blocks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.dropping += 1
        if self.dropping:
            return
        values = dict(attrs)
        if self.language is None and not self.seen_text and values.get("lang"):
            self.language = values["lang"]
        if tag == "br":
            self.pieces.append(_BREAK if self.markdown else " ")
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag == "ol", _start(values.get("start"))])
        elif tag == "li" or tag in _BLOCKS:
            self.flush()
            if self.markdown and tag in _HEADINGS and not self.lists:
                self.heading = int(tag[1])
        elif not self.markdown:
            return
        elif tag in ("strong", "b"):
            self.pieces.append(_OPEN_STRONG)
        elif tag in ("em", "i"):
            self.pieces.append(_OPEN_EM)
        elif tag == "code":
            self.code += 1
            if self.code == 1:
                self.pieces.append("`")
        elif tag == "a":
            href = _link_target(values.get("href"))
            self.links.append(href)
            if href is not None:
                self.pieces.append("[")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self.end_list()
        elif tag == "li" or tag in _BLOCKS:
            self.flush()
        elif not self.markdown:
            return
        elif tag in ("strong", "b"):
            self.pieces.append(_CLOSE_STRONG)
        elif tag in ("em", "i"):
            self.pieces.append(_CLOSE_EM)
        elif tag == "code" and self.code:
            self.code -= 1
            if not self.code:
                self.pieces.append("`")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href is not None:
                balanced = href.count("(") == href.count(")")
                target = href if balanced and not re.search(r"\s", href) else f"<{href}>"
                self.pieces.append(f"]({target})")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if data.strip():
            self.seen_text = True
        if self.markdown and self.code:
            data = data.replace("`", "'")  # a backquote would end the code span
        elif self.markdown:
            data = _SPECIAL.sub(r"\\\g<0>", data)
        self.pieces.append(data)

    def flush(self) -> None:
        text = "".join(self.pieces)
        self.pieces = []
        heading, self.heading = self.heading, 0
        if self.markdown:
            text = re.sub(f"([{_OPEN_STRONG}{_OPEN_EM}])(\\s+)", r"\2\1", text)
            text = re.sub(f"(\\s+)([{_CLOSE_STRONG}{_CLOSE_EM}])", r"\2\1", text)
            text = re.sub(f"{_OPEN_STRONG}{_CLOSE_STRONG}|{_OPEN_EM}{_CLOSE_EM}", "", text)
            text = text.replace(_OPEN_STRONG, "**").replace(_CLOSE_STRONG, "**")
            text = text.replace(_OPEN_EM, "*").replace(_CLOSE_EM, "*")
        text = re.sub(r"[ \t\n\r\f\v]+", " ", text)
        text = re.sub(f" ?{_BREAK} ?", _BREAK, text).strip(f" {_BREAK}")
        if not text:
            return
        lines = [_LINE_START.sub(_escape_start, line) for line in text.split(_BREAK)]
        text = "\\\n".join(lines)
        if heading:  # one line; "#" closing it would be taken for markup
            text = re.sub(r"(\s)(#+)$", r"\1\\\2", text.replace("\\\n", " "))
            text = "#" * heading + " " + text
        if self.lists:
            ordered, number = self.lists[-1]
            marker = f"{number}." if ordered else "-"
            self.lists[-1][1] += 1
            indent = " " * (len(marker) + 1)
            self.items.append(f"{marker} " + text.replace("\n", "\n" + indent))
        else:
            self.end_list()
            self.blocks.append(text)

    def end_list(self) -> None:
        if self.items:
            self.blocks.append("\n".join(self.items))
            self.items = []


def _escape_start(match: re.Match[str]) -> str:
    if match.group(2):
        return f"{match.group(2)}\\{match.group(3)}"
    return "\\" + match.group(1)


def _start(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 10 else 1


def _link_target(href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https", "mailto", "") or re.search(r"[<>\n]", href):
        return None
    return href


def html_to_markdown(html: str) -> str:
    """Markdown from a TimelineJS HTML fragment (safe: only text and Markdown come out)."""
    return _Converter.convert(html).result if html.strip() else ""


def html_to_text(html: str) -> str:
    """The plain text of an HTML fragment, white space collapsed."""
    return plain(_Converter.convert(html, markdown=False).result.replace("\n\n", " "))


@functools.lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """HTML from Markdown: raw HTML in the text is escaped, links only http(s)/mailto.
    Kept for the texts rendered last: pages and harvests render the same ones again."""
    if not text.strip():
        return ""
    return nh3.clean(
        _MARKDOWN.render(text).strip(),
        tags=_HTML_TAGS,
        attributes=_HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )


# Writing -----------------------------------------------------------------------------


def write_timelinejs(meta: TimelineMeta | None, events: Iterable[EventRecord]) -> str:
    """TimelineJS3 JSON for the events, in their order (TimelineJS sorts them by date)."""
    document: dict[str, Any] = {}
    if meta is not None and (meta.title or meta.description or meta.media):
        document["title"] = {
            "text": {
                "headline": escape(meta.title, quote=False),
                "text": markdown_to_html(meta.description),
            },
            **({"media": _write_media(meta.media)} if meta.media else {}),
        }
    document["events"] = [_write_slide(event) for event in events]
    if meta is not None and meta.eras:
        document["eras"] = [_write_era(era) for era in meta.eras]
    if meta is not None and meta.scale:
        document["scale"] = meta.scale
    # "</" and "<!--" are escaped so that the JSON can sit inside a <script> element.
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--") + "\n"


def _write_slide(event: EventRecord) -> dict[str, Any]:
    date = event.when
    slide: dict[str, Any] = _write_dates(date)
    slide["display_date"] = date.label
    body = markdown_to_html(event.description)
    if event.language:
        direction = direction_of(event.language)
        body = f'<div lang="{escape(event.language)}" dir="{direction}">{body}</div>'
    slide["text"] = {"headline": escape(event.title, quote=False), "text": body}
    if event.media:
        slide["media"] = _write_media(event.media)
    if event.group:
        slide["group"] = event.group
    slide["unique_id"] = event.identifier
    return slide


def _write_dates(date: EDTFDate) -> dict[str, Any]:
    if date.start is None:  # "../1990": TimelineJS needs a start; display_date says "until"
        assert date.end is not None
        return {"start_date": _date_object(date.end, last=False)}
    dates = {"start_date": _date_object(date.start, last=False)}
    if date.end is not None and (date.is_interval or date.end.last_year != date.end.year):
        dates["end_date"] = _date_object(date.end, last=True)
    return dates


def _date_object(point: EDTFPoint, last: bool) -> dict[str, Any]:
    value: dict[str, Any] = {"year": point.last_year if last else point.year}
    if point.month is not None:
        value["month"] = point.month
    if point.day is not None:
        value["day"] = point.day
    return value


def _write_media(media: dict[str, str]) -> dict[str, str]:
    written = {}
    for key, value in media.items():
        if key in ("caption", "credit"):
            value = nh3.clean(
                _MARKDOWN.renderInline(value),
                tags={"a", "em", "strong", "code", "br"},
                attributes={"a": {"href", "title"}},
                url_schemes={"http", "https", "mailto"},
            )
        written[key] = value
    return written


def _write_era(era: Era) -> dict[str, Any]:
    era_dates = _write_dates(build(era.date))
    era_dates.setdefault("end_date", era_dates["start_date"])
    text = {"headline": escape(era.title, quote=False)}
    if era.description:
        text["text"] = markdown_to_html(era.description)
    return {**era_dates, "text": text}

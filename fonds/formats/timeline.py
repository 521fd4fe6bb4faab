"""Timeline events in YAML or CSV, the files archivists write (docs/demo-data.md).

YAML::

    events:
      - id: 1970-leningrad-trial      # optional: made from the date and title
        date: "1970-12-24"            # EDTF (fonds.formats.edtf_dates)
        title: Leningrad trial verdicts
        place: Leningrad
        description: |                # Markdown
          ...
        language: en                  # BCP 47; he, ar, yi, fa... read right to left
        agents: [kuznetsov, dymshits] # roster ids
        collections: [DEMO-001]
        components: [DEMO-001/demo001-s3-ss1]
        sources: ["..."]
        media: {url: "https://...", caption: ..., credit: ...}   # TimelineJS media
        group: trials                 # TimelineJS group

CSV: a header row naming the columns ``id,date,title,place,description,language,
agents,collections,components,sources`` (``date`` and ``title`` required, the others
optional, in any order), plus optionally ``group`` and ``media_url``,
``media_caption``, ``media_credit``... List values are separated by ``;``; a ``;`` or
``\\`` inside a value is written ``\\;`` or ``\\\\``.

A reader stops at the first problem with a :class:`FormatError` naming the line (YAML:
the line of the bad value, or of the event when a value is missing; CSV: the row).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from .edtf_dates import EDTFDate
from .edtf_dates import parse as parse_edtf
from .errors import FormatError
from .markup import nfc, plain

FIELDS = (
    "id",
    "date",
    "title",
    "place",
    "description",
    "language",
    "agents",
    "collections",
    "components",
    "sources",
    "media",
    "group",
)
CSV_COLUMNS = FIELDS[:10]  # the documented columns; group and media_* only when used
LIST_FIELDS = frozenset({"agents", "collections", "components", "sources"})
TEXT_FIELDS = frozenset(FIELDS) - LIST_FIELDS - {"media"}
MEDIA_KEYS = ("url", "caption", "credit", "thumbnail", "alt", "title", "link", "link_target")
# Right-to-left languages (ISO 639, with the withdrawn iw/ji) and scripts (ISO 15924).
RTL_LANGUAGES = frozenset("he iw yi ji ar fa ur ps sd ug ckb dv syr arc".split())
RTL_SCRIPTS = frozenset("arab hebr syrc thaa nkoo adlm rohg samr mand".split())
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# The database's limits (fonds.timeline.models.Event), and a bound on everything else.
MAX_LENGTH = {"id": 200, "title": 500, "date": 100, "place": 300, "language": 35, "group": 200}
MAX_TEXT = 100_000
MAX_BYTES = 20_000_000


@dataclass
class EventRecord:
    """One event of the timeline; ``sourceline`` (the file's line) is not compared."""

    identifier: str
    title: str
    date: str  # EDTF, normalized
    place: str = ""
    description: str = ""  # Markdown
    language: str | None = None  # BCP 47
    agents: list[str] = field(default_factory=list)  # roster ids
    collections: list[str] = field(default_factory=list)  # collection identifiers
    components: list[str] = field(default_factory=list)  # "COLLECTION/REF"
    sources: list[str] = field(default_factory=list)
    media: dict[str, str] = field(default_factory=dict)  # TimelineJS: url, caption, credit
    group: str | None = None
    sourceline: int | None = field(default=None, compare=False)

    @property
    def direction(self) -> str:
        """Which way the text runs: rtl for Hebrew, Arabic, Yiddish, Persian..., else ltr."""
        return direction_of(self.language)

    @property
    def when(self) -> EDTFDate:
        return parse_edtf(self.date)


class Invalid(ValueError):
    """A problem with one field of an event, before the reader knows where it is."""

    def __init__(self, name: str, cause: str) -> None:
        super().__init__(cause)
        self.name = name
        self.cause = cause


def direction_of(language: str | None) -> str:
    if not language:
        return "ltr"
    subtags = language.lower().replace("_", "-").split("-")
    scripts = [s for s in subtags[1:] if len(s) == 4 and s.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def slugify(text: str, limit: int = 80) -> str:
    """Lower-case ASCII letters, digits and hyphens, cut at a hyphen near ``limit``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def make_identifier(date: str, title: str) -> str:
    """The id of an event that has none: "1970-12-24-leningrad-trial-verdicts".

    An interval contributes its first date (its last when the start is open).
    """
    first = next((part for part in date.split("/") if part not in ("", "..")), date)
    return slugify(f"{first.replace('X', 'x')} {title}") or "event"


def make_event(raw: dict[str, Any], sourceline: int | None = None) -> EventRecord:
    """An event from field values as read (text, lists of text, a media mapping).

    ``id`` may be missing (the reader makes one); any other problem raises
    :class:`Invalid` naming the field.
    """
    text = {name: _text(name, raw.get(name)) for name in FIELDS if name in TEXT_FIELDS}
    if not text["title"]:
        raise Invalid("title", "the event has no title")
    if not text["date"]:
        raise Invalid("date", "the event has no date")
    try:
        date = parse_edtf(text["date"]).edtf
    except ValueError as error:
        raise Invalid("date", f"date: {error}") from None
    identifier = text["id"]
    if identifier and not IDENTIFIER.fullmatch(identifier):
        suggestion = slugify(identifier)
        raise Invalid(
            "id",
            f"id {identifier!r} must be lower-case letters, digits and hyphens"
            + (f" (e.g. {suggestion!r})" if suggestion else ""),
        )
    language = text["language"] or None
    if language and not LANGUAGE.fullmatch(language):
        raise Invalid("language", f"language {language!r} is not a BCP 47 tag (en, he, yi-Hebr)")
    lists = {name: _list(name, raw.get(name)) for name in LIST_FIELDS}
    for agent in lists["agents"]:
        if not IDENTIFIER.fullmatch(agent):
            raise Invalid("agents", f"agent {agent!r} is not a roster id")
    for component in lists["components"]:
        collection, _, ref = component.partition("/")
        if not collection or not ref:
            raise Invalid("components", f"component {component!r} must be COLLECTION/REF")
    return EventRecord(
        identifier=identifier,
        title=text["title"],
        date=date,
        place=text["place"],
        description=text["description"],
        language=language,
        agents=lists["agents"],
        collections=lists["collections"],
        components=lists["components"],
        sources=lists["sources"],
        media=_media(raw.get("media")),
        group=text["group"] or None,
        sourceline=sourceline,
    )


def assign_identifiers(events: list[EventRecord]) -> list[tuple[int, str]]:
    """Give events without an id one made from date and title, unique in the list.

    Returns the (index, id) of each event whose id was written twice, for the reader
    to report; made ids never collide (``-2``, ``-3`` are added).
    """
    duplicates: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, event in enumerate(events):
        if event.identifier:
            if event.identifier in seen:
                duplicates.append((index, event.identifier))
            seen.add(event.identifier)
    for event in events:
        if not event.identifier:
            base = make_identifier(event.date, event.title)
            candidate, number = base, 1
            while candidate in seen:
                number += 1
                candidate = f"{base}-{number}"
            event.identifier = candidate
            seen.add(candidate)
    return duplicates


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(name, f"{name} must be text, not {_kind(value)}")
    limit = MAX_LENGTH.get(name, MAX_TEXT)
    if len(value) > limit:
        raise Invalid(name, f"{name} is longer than {limit:,} characters")
    if name == "description":
        return nfc(value.replace("\r\n", "\n").strip())
    return plain(value)


def _list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Invalid(name, f"{name} must be a list of text, not {_kind(value)}")
    if len(value) > 1000:
        raise Invalid(name, f"{name} has more than 1,000 values")
    items = [_text(name, item) for item in value]
    return [item for item in items if item]


def _media(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(
            "media", f"media must be a mapping (url, caption, credit), not {_kind(value)}"
        )
    media: dict[str, str] = {}
    for key, item in value.items():
        if key not in MEDIA_KEYS:
            raise Invalid("media", f"unknown media key {key!r}: use {', '.join(MEDIA_KEYS)}")
        text = _text("media", item)
        if text:
            media[key] = text
    for key in ("url", "thumbnail", "link"):
        if key in media and not web_link(media[key]):
            raise Invalid(
                "media", f"media {key} {media[key][:80]!r} is not an http(s) link (no embeds)"
            )
    return media


def web_link(url: str) -> bool:
    """An http(s) URL or a relative path; not the HTML embeds TimelineJS would run."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc)
    return not parts.scheme and not re.search(r"[<>\"'`\s\\]", url)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def decode(data: str | bytes, path: str) -> str:
    """Text from bytes (UTF-8, with or without a BOM), bounded in size."""
    if len(data) > MAX_BYTES:
        raise FormatError(path, f"the file is larger than {MAX_BYTES:,} bytes")
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        cause = f"not UTF-8: {error.reason} at byte {error.start}"
        raise FormatError(path, cause, line) from None


def _finish(events: list[EventRecord], path: str) -> list[EventRecord]:
    duplicates = assign_identifiers(events)
    if duplicates:
        index, identifier = duplicates[0]
        first = next(e for e in events if e.identifier == identifier)
        earlier = f" (first at line {first.sourceline})" if first.sourceline else ""
        raise FormatError(
            path, f"id {identifier!r} is used twice{earlier}", events[index].sourceline
        )
    return events


# YAML --------------------------------------------------------------------------------

_NULL = "tag:yaml.org,2002:null"


def yaml_character_error(path: str, text: str, error: yaml.reader.ReaderError) -> FormatError:
    """PyYAML's unacceptable character, located by line and column."""
    at = min(error.position, len(text))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    character = error.character if isinstance(error.character, int) else ord(error.character)
    cause = f"not valid YAML: the character U+{character:04X} is not allowed"
    return FormatError(path, cause, line, column)


def read_events_yaml(text: str | bytes, path: str) -> list[EventRecord]:
    """The events of a timeline YAML file, in file order."""
    text = decode(text, path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        cause = " ".join(p for p in (error.context, error.problem) if p)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise FormatError(path, f"not valid YAML: {cause}", line, column) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        raise yaml_character_error(path, text, error) from None
    except yaml.YAMLError as error:
        raise FormatError(path, f"not valid YAML: {error}") from None
    except RecursionError:
        raise FormatError(path, "not valid YAML: nested too deeply") from None
    if root is None:
        raise FormatError(path, "the file is empty: expected 'events:' and a list", 1, 1)
    if not isinstance(root, yaml.MappingNode):
        raise FormatError(path, "expected 'events:' and a list of events", *_where(root))
    items: yaml.Node | None = None
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "events"):
            raise FormatError(
                path, f"unknown key {_scalar(key)!r}: expected 'events'", *_where(key)
            )
        items = value
    if items is None:
        raise FormatError(path, "no 'events:' list", *_where(root))
    if isinstance(items, yaml.ScalarNode) and items.tag == _NULL:
        return []
    if not isinstance(items, yaml.SequenceNode):
        raise FormatError(
            path, "'events' must be a list (each item starts with '- ')", *_where(items)
        )
    return _finish([_yaml_event(item, path) for item in items.value], path)


def _yaml_event(item: yaml.Node, path: str) -> EventRecord:
    line, column = _where(item)
    if not isinstance(item, yaml.MappingNode):
        raise FormatError(path, "an event must be a mapping (id:, date:, title:...)", line, column)
    raw: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    for key, value in item.value:
        name = _scalar(key)
        if name not in FIELDS:
            raise FormatError(path, f"unknown field {name!r} in an event", *_where(key))
        if name in raw:
            raise FormatError(path, f"{name!r} is given twice in one event", *_where(key))
        try:
            raw[name] = _yaml_value(value)
        except Invalid as error:
            raise FormatError(path, f"{name}: {error.cause}", *_where(value)) from None
        where[name] = _where(value)
    try:
        return make_event(raw, line)
    except Invalid as error:
        at = where.get(error.name, (line, column))
        label = raw.get("id") or raw.get("title")
        prefix = f"event {label!r}: " if isinstance(label, str) and error.name != "id" else ""
        raise FormatError(path, prefix + error.cause, *at) from None


def _yaml_value(node: yaml.Node) -> Any:
    """Text as written (so 1970-12-24 stays a date string and 0700 is not octal 448)."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL else node.value
    if isinstance(node, yaml.SequenceNode):
        values = []
        for child in node.value:
            if not isinstance(child, yaml.ScalarNode):
                raise Invalid("", "a list item must be text, not a nested list or mapping")
            if child.tag != _NULL:
                values.append(child.value)
        return values
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key, value in node.value:
            if not isinstance(value, yaml.ScalarNode):
                raise Invalid("", "a value in a mapping must be text")
            mapping[_scalar(key)] = None if value.tag == _NULL else value.value
        return mapping
    raise Invalid("", "unreadable value")  # pragma: no cover - compose makes only these


def _scalar(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(a list or mapping)"


def _where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Dumper(yaml.SafeDumper):
    """Indented lists, and Markdown in block style (``|``) when it has line breaks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _Quoted(str):
    """A date: always in quotes, as docs/demo-data.md writes them."""


class _Flow(list[str]):
    """A list of ids, written on one line: [kuznetsov, dymshits]."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if isinstance(value, _Quoted) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: list[str]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Quoted, _represent_text)
_Dumper.add_representer(_Flow, _represent_flow)


def event_mapping(event: EventRecord) -> dict[str, Any]:
    """The fields of an event in the YAML order, leaving out empty ones."""
    values: dict[str, Any] = {
        "id": event.identifier,
        "date": event.date,
        "title": event.title,
        "place": event.place,
        "description": event.description,
        "language": event.language,
        "agents": event.agents,
        "collections": event.collections,
        "components": event.components,
        "sources": event.sources,
        "media": event.media,
        "group": event.group,
    }
    return {key: value for key, value in values.items() if value}


def write_events_yaml(events: Iterable[EventRecord]) -> str:
    """YAML in the documented layout: quoted dates, ids in [flow, lists], Markdown in |."""
    items = []
    for event in events:
        item = event_mapping(event)
        item["date"] = _Quoted(item["date"])
        for name in ("agents", "collections", "components"):
            if name in item:
                item[name] = _Flow(item[name])
        items.append(item)
    data = {"events": items}
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2)


# CSV ---------------------------------------------------------------------------------

_MEDIA_PREFIX = "media_"


def read_events_csv(text: str | bytes, path: str) -> list[EventRecord]:
    """The events of a timeline CSV file (a header row first), in file order."""
    text = decode(text, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    events: list[EventRecord] = []
    columns: list[str] | None = None
    start = 1  # the line where the row being read begins
    try:
        for row in reader:
            if columns is None:
                columns = _csv_columns(row, path)
            elif any(cell.strip() for cell in row):
                events.append(_csv_event(row, columns, path, start))
            start = reader.line_num + 1
    except csv.Error as error:
        raise FormatError(path, f"not valid CSV: {error}", start) from None
    if columns is None:
        raise FormatError(path, "the file is empty: a header row is required", 1, 1)
    return _finish(events, path)


def _csv_columns(header: list[str], path: str) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    known = set(FIELDS) - {"media"} | {_MEDIA_PREFIX + key for key in MEDIA_KEYS}
    for name in columns:
        if name not in known:
            raise FormatError(
                path,
                f"unknown column {name!r} in the header row: the first row must name the "
                f"columns ({','.join(CSV_COLUMNS)})",
                1,
            )
        if columns.count(name) > 1:
            raise FormatError(path, f"column {name!r} appears twice in the header row", 1)
    missing = [name for name in ("date", "title") if name not in columns]
    if missing:
        raise FormatError(path, f"the header row has no {' or '.join(missing)} column", 1)
    return columns


def _csv_event(row: list[str], columns: list[str], path: str, line: int) -> EventRecord:
    if len(row) > len(columns):
        raise FormatError(
            path, f"the row has {len(row)} cells, the header names {len(columns)} columns", line
        )
    raw: dict[str, Any] = {}
    media: dict[str, str] = {}
    for name, cell in zip(columns, row, strict=False):
        value = cell.strip()
        if name.startswith(_MEDIA_PREFIX):
            if value:
                media[name.removeprefix(_MEDIA_PREFIX)] = value
        elif name in LIST_FIELDS:
            raw[name] = split_list(value)
        else:
            raw[name] = value or None
    raw["media"] = media or None
    try:
        return make_event(raw, line)
    except Invalid as error:
        label = raw.get("id") or raw.get("title")
        prefix = f"event {label!r}: " if label and error.name != "id" else ""
        raise FormatError(path, f"{prefix}{error.cause} (column {error.name})", line) from None


def split_list(value: str) -> list[str]:
    r"""Values separated by ";", where "\;" is a semicolon and "\\" a backslash."""
    items: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    items.append("".join(current).strip())
    return [item for item in items if item]


def join_list(values: Iterable[str]) -> str:
    return "; ".join(v.replace("\\", "\\\\").replace(";", "\\;") for v in values)


def write_events_csv(events: Iterable[EventRecord]) -> str:
    """CSV with the documented columns, and ``group``/``media_*`` when any event has them."""
    events = list(events)
    columns = list(CSV_COLUMNS)
    if any(event.group for event in events):
        columns.append("group")
    used = {key for event in events for key in event.media}
    columns += [_MEDIA_PREFIX + key for key in MEDIA_KEYS if key in used]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for event in events:
        values = event_mapping(event)
        row = []
        for name in columns:
            if name.startswith(_MEDIA_PREFIX):
                row.append(event.media.get(name.removeprefix(_MEDIA_PREFIX), ""))
            elif name in LIST_FIELDS:
                row.append(join_list(values.get(name, [])))
            else:
                row.append(values.get(name) or "")
        writer.writerow(row)
    return out.getvalue()

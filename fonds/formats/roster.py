"""The roster in YAML or CSV: organizations, people and families with their names
and relations (the format is described in docs/demo-data.md).

CSV, one agent a row, lists separated by ";":

    id,kind,name,sort_name,type,existence,places,names,summary,history,relations,sources
    ncsj,organization,National Conference on Soviet Jewry,,national,1971,New York,
        "NCSJ [acronym|en|Latn]","...","...",
        "successor_of:ajcsj [|1971|]; led_by:jerry-goodman [first executive director||]",
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .edtf_dates import parse as parse_edtf
from .errors import FormatError
from .markup import nfc

KINDS = ("organization", "person", "family")
RELATION_TYPES = (
    "predecessor_of",
    "successor_of",
    "parent_of",
    "affiliate_of",
    "member_of",
    "has_member",
    "founded",
    "founded_by",
    "leader_of",
    "led_by",
    "associated_with",
)
NAME_TYPES = ("authorized", "variant", "acronym", "former", "translation")
ORGANIZATION_TYPES = (
    "national",
    "grassroots",
    "regional",
    "student",
    "religious",
    "interfaith",
    "legal",
    "israeli",
    "professional",
    "women",
    "resettlement",
    "relief",
    "militant",
    "governmental",
    "soviet",
    "other",
)
IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
CSV_COLUMNS = [
    "id",
    "kind",
    "name",
    "sort_name",
    "type",
    "existence",
    "places",
    "names",
    "summary",
    "history",
    "relations",
    "sources",
]


@dataclass
class NameRecord:
    name: str
    type: str = "variant"
    language: str = ""
    script: str = ""
    transliteration: str = ""
    dates: str = ""
    eac: dict[str, Any] = field(default_factory=dict)  # EAC-CPF only: parts, rules...


@dataclass
class RelationRecord:
    type: str
    target: str  # an agent id, or a name when the target is not in the roster
    role: str = ""
    dates: str = ""
    note: str = ""
    eac: dict[str, str] = field(default_factory=dict)  # EAC-CPF only: arcrole, href...


@dataclass
class AgentRecord:
    identifier: str
    kind: str
    name: str
    sort_name: str = ""
    type: str = ""
    existence: str = ""
    places: list[dict[str, str]] = field(default_factory=list)
    names: list[NameRecord] = field(default_factory=list)
    summary: str = ""
    history: str = ""
    relations: list[RelationRecord] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sourceline: int | None = None
    # What only EAC-CPF carries (neither YAML nor CSV): see fonds.authorities.eac
    languages_used: list[str] = field(default_factory=list)
    resources: list[dict[str, str]] = field(default_factory=list)
    descriptive_terms: list[dict[str, str]] = field(default_factory=list)
    record_id: str = ""
    other_record_ids: list[dict[str, str]] = field(default_factory=list)
    maintenance: dict[str, Any] = field(default_factory=dict)


def slugify(text: str) -> str:
    from .markup import plain

    ascii_text = plain(text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:200]


def _check(record: AgentRecord, path: str, line: int | None) -> AgentRecord:
    def fail(cause: str) -> FormatError:
        return FormatError(path, f"agent {record.identifier or '?'}: {cause}", line, 1)

    if not record.name:
        raise fail("a name is required")
    if not IDENTIFIER.match(record.identifier):
        raise fail("id must be lower-case letters, digits and hyphens")
    if record.kind not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, not {record.kind!r}")
    record.type = record.type.lower()
    if record.type and record.type not in ORGANIZATION_TYPES:
        shown = record.type if len(record.type) <= 40 else record.type[:40] + "..."
        raise fail(f"type must be one of {', '.join(ORGANIZATION_TYPES)}, not {shown!r}")
    for value in [record.existence, *(r.dates for r in record.relations)]:
        if value:
            try:
                parse_edtf(value)
            except ValueError as error:
                raise fail(f"date {value!r} is not EDTF: {error}") from None
    for relation in record.relations:
        if relation.type not in RELATION_TYPES:
            raise fail(f"unknown relation type {relation.type!r}")
    for name in record.names:
        if name.type not in NAME_TYPES:
            raise fail(f"unknown name type {name.type!r}")
    return record


class _WrongType(ValueError):
    """A YAML value of the wrong shape (a list where text belongs, say)."""


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        raise _WrongType(f"text expected, not a {'list' if isinstance(value, list) else 'mapping'}")
    return value


def _text(value: Any) -> str:
    return nfc(str(_scalar(value)).strip()) if value is not None else ""


def _items(item: dict[str, Any], key: str) -> list[Any]:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise _WrongType(f"{key!r} must be a list")
    return value


def _from_mapping(item: dict[str, Any]) -> AgentRecord:
    names = [
        NameRecord(
            name=_text(n.get("name")),
            type=_text(n.get("type")) or "variant",
            language=_text(n.get("language")),
            script=_text(n.get("script")),
            transliteration=_text(n.get("transliteration")),
            dates=_text(n.get("dates")),
        )
        for n in _items(item, "names")
        if isinstance(n, dict) and n.get("name")
    ]
    relations = [
        RelationRecord(
            type=_text(r.get("type")).replace(" ", "_"),
            target=_text(r.get("target")),
            role=_text(r.get("role")),
            dates=_text(r.get("dates") or r.get("date")),
            note=_text(r.get("note")),
        )
        for r in _items(item, "relations")
        if isinstance(r, dict)
    ]
    places = [
        {k: _text(v) for k, v in p.items()} if isinstance(p, dict) else {"name": _text(p)}
        for p in _items(item, "places")
    ]
    name = _text(item.get("name"))
    return AgentRecord(
        identifier=_text(item.get("id")) or slugify(name),
        kind=_text(item.get("kind")) or "organization",
        name=name,
        sort_name=_text(item.get("sort_name")),
        type=_text(item.get("type")),
        existence=_text(item.get("existence")),
        places=places,
        names=names,
        summary=_text(item.get("summary")),
        history=str(_scalar(item.get("history")) or "").strip(),
        relations=relations,
        sources=[_text(s) for s in _items(item, "sources")],
    )


# Aliases may repeat a node, and nested aliases multiply ("billion laughs"): a roster
# whose nodes, counted through every alias, pass this number is refused unread.
MAX_YAML_NODES = 1_000_000


def _expanded_nodes(node: yaml.Node, path: str, memo: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias is followed (memoized)."""
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = 1  # a node that contains itself counts once
    count = 1
    if isinstance(node, yaml.SequenceNode):
        count += sum(_expanded_nodes(child, path, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        count += sum(
            _expanded_nodes(k, path, memo) + _expanded_nodes(v, path, memo) for k, v in node.value
        )
    if count > MAX_YAML_NODES:
        line = node.start_mark.line + 1
        raise FormatError(
            path,
            f"YAML aliases expand to more than {MAX_YAML_NODES:,} values; refused",
            line,
            node.start_mark.column + 1,
        )
    memo[id(node)] = count
    return count


def read_roster_yaml(text: str, path: str) -> list[AgentRecord]:
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
        if document is not None:
            _expanded_nodes(document, path, {})
        data = yaml.safe_load(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        from .timeline import yaml_character_error

        raise yaml_character_error(path, text, error) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FormatError(
            path,
            f"not valid YAML: {getattr(error, 'problem', error)}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except RecursionError:
        raise FormatError(path, "not valid YAML: nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("agents"), list):
        raise FormatError(path, "a roster file has a top-level 'agents' list", 1, 1)
    lines: list[int | None] = []
    if document is not None:
        for key, value in document.value:
            if key.value == "agents":
                lines = [node.start_mark.line + 1 for node in value.value]
    records = []
    for index, item in enumerate(data["agents"]):
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict):
            raise FormatError(path, f"agent {index + 1} is not a mapping", line, 1)
        try:
            mapped = _from_mapping(item)
        except _WrongType as error:
            raise FormatError(path, f"agent {index + 1}: {error}", line, 1) from None
        record = _check(mapped, path, line)
        record.sourceline = line
        records.append(record)
    _unique(records, path)
    return records


def _unique(records: list[AgentRecord], path: str) -> None:
    seen: dict[str, int | None] = {}
    for record in records:
        if record.identifier in seen:
            raise FormatError(
                path,
                f"agent id {record.identifier!r} is used twice (first on line "
                f"{seen[record.identifier]})",
                record.sourceline,
                1,
            )
        seen[record.identifier] = record.sourceline


_NAME_CELL = re.compile(r"^(?P<name>.*?)\s*(?:\[(?P<meta>[^\]]*)\])?$")


def _csv_rows(reader: csv.DictReader[str], path: str) -> Iterator[dict[str, Any]]:
    try:
        yield from reader
    except csv.Error as error:  # a field over the csv module's limit, say
        # the record that failed starts after the last line read whole
        raise FormatError(path, f"not valid CSV: {error}", reader.line_num + 1) from None


def read_roster_csv(text: str, path: str) -> list[AgentRecord]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise FormatError(path, f"not valid CSV: {error}", 1) from None
    missing = {"name"} - set(fieldnames or [])
    if missing:
        raise FormatError(path, "a roster CSV needs a header with at least a name column", 1, 1)
    records = []
    for row in _csv_rows(reader, path):
        line = reader.line_num
        names = []
        for cell in _split(row.get("names")):
            match = _NAME_CELL.match(cell)
            assert match is not None
            meta = (match.group("meta") or "").split("|")
            names.append(
                NameRecord(
                    name=match.group("name"),
                    type=meta[0] or "variant",
                    language=meta[1] if len(meta) > 1 else "",
                    script=meta[2] if len(meta) > 2 else "",
                )
            )
        relations = []
        for cell in _split(row.get("relations")):
            match = _NAME_CELL.match(cell)
            assert match is not None
            kind, _, target = match.group("name").partition(":")
            if not target:
                raise FormatError(
                    path, f"relation {cell!r} is not type:target [role|dates|note]", line, 1
                )
            meta = (match.group("meta") or "").split("|")
            relations.append(
                RelationRecord(
                    kind.strip(),
                    target.strip(),
                    role=meta[0],
                    dates=meta[1] if len(meta) > 1 else "",
                    note=meta[2] if len(meta) > 2 else "",
                )
            )
        item = {k: v for k, v in row.items() if k in CSV_COLUMNS}
        record = _from_mapping(
            {
                **item,
                "names": [],
                "relations": [],
                "places": [_place(p) for p in _split(row.get("places"))],
                "sources": _split(row.get("sources")),
            }
        )
        record.names, record.relations = names, relations
        record.sourceline = line
        records.append(_check(record, path, line))
    _unique(records, path)
    return records


def _place(cell: str) -> dict[str, str]:
    """ "Cleveland, Ohio [headquarters]" """
    match = _NAME_CELL.match(cell)
    assert match is not None
    place = {"name": match.group("name")}
    if match.group("meta"):
        place["role"] = match.group("meta")
    return place


def _split(value: str | None) -> list[str]:
    return [nfc(p.strip()) for p in (value or "").split(";") if p.strip()]


def write_roster_csv(records: list[AgentRecord]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                "id": r.identifier,
                "kind": r.kind,
                "name": r.name,
                "sort_name": r.sort_name,
                "type": r.type,
                "existence": r.existence,
                "places": "; ".join(
                    p.get("name", "") + (f" [{p['role']}]" if p.get("role") else "")
                    for p in r.places
                ),
                "names": "; ".join(f"{n.name} [{n.type}|{n.language}|{n.script}]" for n in r.names),
                "summary": r.summary,
                "history": r.history,
                "relations": "; ".join(
                    f"{x.type}:{x.target}"
                    + (f" [{x.role}|{x.dates}|{x.note}]" if x.role or x.dates or x.note else "")
                    for x in r.relations
                ),
                "sources": "; ".join(r.sources),
            }
        )
    return out.getvalue()


def write_roster_yaml(records: list[AgentRecord]) -> str:
    agents = []
    for r in records:
        item: dict[str, Any] = {"id": r.identifier, "kind": r.kind, "name": r.name}
        for key, value in (
            ("sort_name", r.sort_name),
            ("type", r.type),
            ("existence", r.existence),
            ("places", r.places),
            ("summary", r.summary),
            ("history", r.history),
            ("sources", r.sources),
        ):
            if value:
                item[key] = value
        if r.names:
            item["names"] = [_fields(n) for n in r.names]
        if r.relations:
            item["relations"] = [_fields(x) for x in r.relations]
        agents.append(item)
    return yaml.safe_dump({"agents": agents}, allow_unicode=True, sort_keys=False, width=100)


def _fields(record: NameRecord | RelationRecord) -> dict[str, Any]:
    """A name's or a relation's YAML: its fields that have a value, but for EAC-CPF's."""
    return {k: v for k, v in record.__dict__.items() if v and k != "eac"}

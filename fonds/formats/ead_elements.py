"""What single elements of an EAD finding aid say, for :mod:`fonds.formats.ead`:
dates, levels, notes, names, quantities, a digital object's role, the maintenance
event an EAD3 export from fonds writes when there was none."""

from __future__ import annotations

from typing import Any

from . import dates
from .archival import DateSpan, Description, Note
from .markup import attribute, plain, text_of, to_html
from .xmlsafe import localname

NAME_KINDS = frozenset({"persname", "corpname", "famname", "name"})

TITLE_SKIP = frozenset({"unitdate"})


def trim_title(text: str) -> str:
    """Drop the trailing comma that exports leave before a date that is not there."""
    return text.rstrip(" ,;:")


def read_unitdate(el: Any) -> DateSpan:
    type_ = el.get("type") or el.get("unitdatetype") or None  # EAD 2002, EAD3
    return dates.normalize(trim_title(text_of(el)), el.get("normal"), type_)


def level_of(el: Any) -> str:
    level = (el.get("level") or "").strip()
    if level == "otherlevel":
        return (el.get("otherlevel") or "otherlevel").strip()
    return level


def read_note(el: Any, name: str, skip: frozenset[str] = frozenset({"head"})) -> Note:
    head = ""
    for child in el:
        if isinstance(child.tag, str) and localname(child.tag) == "head":
            head = text_of(child)
            break
    if not head:
        head = plain(el.get("label") or "")
    return Note(type=name, html=to_html(el, skip), text=text_of(el, skip), head=head or None)


def is_placeholder_event(event: Any) -> bool:
    """The maintenance event an EAD3 export from fonds holds when the finding aid had
    no history (EAD3 needs one): derived, by the machine agent "fonds", no text."""
    parts = {localname(child.tag): child for child in event if isinstance(child.tag, str)}
    kind, agent = parts.get("eventtype"), parts.get("agent")
    return (
        kind is not None
        and kind.get("value") == "derived"
        and agent is not None
        and text_of(agent) == "fonds"
        and "eventdescription" not in parts
    )


def dao_role(el: Any) -> str | None:
    """EAD 2002's ``xlink:role``; in EAD3 the ``linkrole``, else what ``daotype`` says
    (``otherdaotype`` naming it in ``@otherdaotype``; ``unknown`` says nothing)."""
    role = attribute(el, "role") or el.get("linkrole")
    if role:
        return role
    kind = (el.get("daotype") or "").strip()
    if kind == "otherdaotype":
        return (el.get("otherdaotype") or "").strip() or kind
    return kind if kind and kind != "unknown" else None


def add_note(record: Description, note: Note) -> None:
    """Keep a note unless it says nothing: an empty ``<accessrestrict/>`` is no note."""
    if note.html or note.head:
        record.notes.append(note)


def term_text(el: Any, kind: str) -> str:
    parts = [
        text_of(child)
        for child in el
        if isinstance(child.tag, str) and localname(child.tag) == "part"
    ]
    if parts:
        joiner = ", " if kind in NAME_KINDS else " -- "
        return joiner.join(p for p in parts if p)
    return text_of(el)


def read_quantity(el: Any) -> str:
    quantity = unit = ""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = localname(child.tag)
        if name == "quantity":
            quantity = text_of(child)
        elif name == "unittype":
            unit = text_of(child).replace("_", " ")
    return " ".join(p for p in (quantity, unit) if p)


def read_structured_dates(el: Any) -> list[DateSpan]:
    type_ = el.get("unitdatetype") or None
    found: list[DateSpan] = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        name = localname(node.tag)
        if name == "datesingle":
            std = node.get("standarddate") or node.get("notbefore") or None
            found.append(dates.normalize(text_of(node), std, type_))
        elif name == "daterange":
            begin = end = None
            begin_text = end_text = ""
            has_end = False
            for part in node:
                if not isinstance(part.tag, str):
                    continue
                if localname(part.tag) == "fromdate":
                    begin, begin_text = part.get("standarddate"), text_of(part)
                elif localname(part.tag) == "todate":
                    end, end_text, has_end = part.get("standarddate"), text_of(part), True
            text = "-".join(t for t in (begin_text, end_text) if t)
            normal: str | None = None
            if begin and end:
                normal = f"{begin}/{end}"
            elif begin and not has_end:
                normal = f"{begin}/.."  # a range with no end is open
            found.append(dates.normalize(text, normal, type_))
    return found

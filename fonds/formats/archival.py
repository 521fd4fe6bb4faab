"""Dataclasses for archival description, shared by the EAD 2002 and EAD3 readers.

A finding aid reads as one :class:`CollectionRecord` and, in document order, one
:class:`ComponentRecord` per ``<c>``/``<c01>``..``<c12>``. Mixed content is carried as
a restricted HTML fragment (see :mod:`fonds.formats.markup`) next to its plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DateSpan:
    """One ``unitdate`` (or EAD3 ``unitdatestructured``) as written and normalized."""

    text: str
    normal: str | None = None
    type: str | None = None  # inclusive, bulk, single...
    begin: int | None = None
    end: int | None = None
    open_end: bool = False
    approximate: bool = False
    undated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False, "")}


@dataclass
class Container:
    type: str
    indicator: str
    label: str | None = None
    id: str | None = None
    parent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class DigitalObject:
    href: str
    title: str = ""
    role: str | None = None
    description: str = ""  # HTML fragment
    group_label: str | None = None  # the daogrp/daoset it belongs to
    internal: bool = False


@dataclass
class AccessTerm:
    """A name or subject: controlled access, origination (creator) or EAD3 relation."""

    kind: str  # persname, corpname, famname, name, geogname, subject, genreform, ...
    text: str
    relation: str = "subject"  # creator | subject | related
    source: str | None = None
    identifier: str | None = None  # authfilenumber / identifier
    role: str | None = None  # relator
    internal: bool = False


@dataclass
class Note:
    type: str  # the EAD element name: scopecontent, bioghist, accessrestrict, ...
    html: str
    text: str
    head: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "html": self.html, "text": self.text}
        if self.head:
            data["head"] = self.head
        return data


@dataclass
class Language:
    code: str | None
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


@dataclass
class Description:
    """What ``did`` and the descriptive notes say, at any level."""

    title: str = ""
    title_html: str = ""
    unitids: list[str] = field(default_factory=list)
    dates: list[DateSpan] = field(default_factory=list)
    extents: list[str] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    internal_notes: list[Note] = field(default_factory=list)
    terms: list[AccessTerm] = field(default_factory=list)
    digital_objects: list[DigitalObject] = field(default_factory=list)
    level: str = ""
    internal: bool = False
    sourceline: int | None = None

    @property
    def date_text(self) -> str:
        parts = []
        for span in self.dates:
            text = span.text or span_label(span)
            if span.type == "bulk" and not text.lower().startswith("bulk"):
                text = f"bulk {text}"
            if text:
                parts.append(text)
        return ", ".join(parts)

    @property
    def begin_year(self) -> int | None:
        years = [d.begin for d in self.dates if d.begin is not None and d.type != "bulk"]
        years = years or [d.begin for d in self.dates if d.begin is not None]
        return min(years) if years else None

    @property
    def end_year(self) -> int | None:
        spans = [d for d in self.dates if d.type != "bulk"] or self.dates
        if any(d.open_end for d in spans):
            return None
        years = [d.end for d in spans if d.end is not None]
        return max(years) if years else None

    @property
    def undated(self) -> bool:
        return bool(self.dates) and all(d.undated for d in self.dates)


def span_label(span: DateSpan) -> str:
    if span.begin is None:
        return ""
    if span.open_end:
        return f"{span.begin}-"
    if span.end is None or span.end == span.begin:
        return str(span.begin)
    return f"{span.begin}-{span.end}"


@dataclass
class ComponentRecord(Description):
    ref: str = ""  # identifier within the collection, used in URLs
    xml_id: str | None = None
    path: tuple[int, ...] = ()  # 1-based position among siblings, from the top
    sequence: int = 0  # document order, from 1
    parent_sequence: int | None = None
    ancestry: tuple[int, ...] = ()  # sequences of the ancestors, outermost first
    subtree_end: int = 0  # the sequence of the last descendant (itself when a leaf)

    @property
    def depth(self) -> int:
        return len(self.path)


@dataclass
class FindingAidInfo:
    """About the finding aid itself (eadheader / control), not the records."""

    eadid: str = ""
    title: str = ""
    subtitle: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    language: str = ""
    rules: str = ""
    status: str = ""
    revisions: list[str] = field(default_factory=list)
    internal: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", [], False)}


@dataclass
class CollectionRecord(Description):
    identifier: str = ""  # URL-safe identifier of the collection
    ead_version: str = ""  # "2002" or "3"
    namespace: str = ""
    repository: str = ""
    finding_aid: FindingAidInfo = field(default_factory=FindingAidInfo)
    component_count: int = 0

    @property
    def unitid(self) -> str:
        return self.unitids[0] if self.unitids else ""

    @property
    def creators(self) -> list[AccessTerm]:
        return [t for t in self.terms if t.relation == "creator" and not t.internal]

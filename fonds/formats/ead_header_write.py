"""The finding aid's own description in an EAD export: the EAD 2002 ``eadheader`` or
the EAD3 ``control``, from what the loader kept of it (:class:`FindingAidInfo`).

EAD3 requires what EAD 2002 leaves optional, and fonds writes it so that it reads
back as it was (:class:`fonds.formats.ead.EADReader`):

* a ``maintenancestatus`` from a closed list: the finding aid's status when it is one,
  else ``derived``, with the finding aid's own status (or that it had none) in a
  ``localcontrol`` of type ``findaidstatus``;
* a ``maintenanceagency``: the publisher, the repository or "fonds";
* a ``maintenanceevent``: one per revision, or, for a finding aid with no history,
  one event derived by the machine agent "fonds" with no description, which the
  reader does not count as a revision.

An internal header (``audience="internal"``) gives only the identifier and title
the file needs.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .archival import CollectionRecord, FindingAidInfo
from .html_to_ead import NAMESPACES

MAINTENANCE_STATUS = frozenset(
    "revised deleted new deletedsplit deletedmerged deletedreplaced cancelled derived".split()
)
AGENCY = "fonds"
FINDAIDSTATUS = "findaidstatus"
NMTOKEN = re.compile(r"[\w.:\-\u00b7\u0300-\u036f\u203f\u2040]+")


def finding_aid_header(collection: CollectionRecord, version: str) -> Any:
    """eadheader (2002) or control (EAD3), from what is known of the finding aid."""
    return _Header(version).header(collection)


class Elements:
    """Elements in the namespace of one EAD version; empty attributes left out."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.ns = NAMESPACES[version]

    def el(self, name: str, attrib: dict[str, str | None] | None = None, text: str = "") -> Any:
        element = etree.Element(
            f"{{{self.ns}}}{name}", {k: v for k, v in (attrib or {}).items() if v}
        )
        if text:
            element.text = text
        return element

    def sub(
        self, parent: Any, name: str, attrib: dict[str, str | None] | None = None, text: str = ""
    ) -> Any:
        child = self.el(name, attrib, text)
        parent.append(child)
        return child


class _Header(Elements):
    def header(self, collection: CollectionRecord) -> Any:
        info = collection.finding_aid
        if info.internal:  # only what the file needs to be EAD
            info = FindingAidInfo(eadid=info.eadid, title=info.title, internal=True)
        identifier = info.eadid or collection.identifier
        if self.version == "2002":
            header = self.el("eadheader", {"findaidstatus": nmtoken(info.status)})
            self.sub(header, "eadid", text=identifier)
        else:
            header = self.el("control")
            self.sub(header, "recordid", text=identifier)
        filedesc = self.sub(header, "filedesc")
        titles = self.sub(filedesc, "titlestmt")
        self.sub(titles, "titleproper", text=info.title or collection.title or identifier)
        for name, value in (("subtitle", info.subtitle), ("author", info.author)):
            if value:
                self.sub(titles, name, text=value)
        if info.publisher or info.date:
            publication = self.sub(filedesc, "publicationstmt")
            for name, value in (("publisher", info.publisher), ("date", info.date)):
                if value:
                    self.sub(publication, name, text=value)
        if self.version == "3":
            self.maintenance(header, info, collection.repository)
            return header
        if info.language or info.rules:
            profile = self.sub(header, "profiledesc")
            for name, value in (("langusage", info.language), ("descrules", info.rules)):
                if value:
                    self.sub(profile, name, text=value)
        if info.revisions:
            revisions = self.sub(header, "revisiondesc")
            for revision in info.revisions:
                change = self.sub(revisions, "change")
                self.sub(change, "date")
                self.sub(change, "item", text=revision)
        return header

    def maintenance(self, control: Any, info: FindingAidInfo, repository: str) -> None:
        """What EAD3 requires of a record's maintenance, from what is known."""
        status = info.status if info.status in MAINTENANCE_STATUS else "derived"
        self.sub(control, "maintenancestatus", {"value": status})
        agency = self.sub(control, "maintenanceagency")
        name = "" if info.internal else info.publisher or repository
        self.sub(agency, "agencyname", text=name or AGENCY)
        if info.language:
            declaration = self.sub(control, "languagedeclaration")
            self.sub(declaration, "language", text=info.language)
            self.sub(declaration, "script")
        if info.rules:
            self.sub(self.sub(control, "conventiondeclaration"), "citation", text=info.rules)
        if info.status != status:  # the finding aid's own status, or that it had none
            local = self.sub(control, "localcontrol", {"localtype": FINDAIDSTATUS})
            if info.status:
                self.sub(local, "term", text=info.status)
        history = self.sub(control, "maintenancehistory")
        for revision in info.revisions:
            self._event(history, "revised", "unknown", "", revision)
        if not info.revisions:
            self._event(history, "derived", "machine", AGENCY, "")

    def _event(self, history: Any, kind: str, agent_type: str, agent: str, text: str) -> None:
        event = self.sub(history, "maintenanceevent")
        self.sub(event, "eventtype", {"value": kind})
        self.sub(event, "eventdatetime")
        self.sub(event, "agenttype", {"value": agent_type})
        self.sub(event, "agent", text=agent)
        if text:
            self.sub(event, "eventdescription", text=text)


def nmtoken(value: str | None) -> str | None:
    """The value when it is an XML name token (EAD 2002 attributes that want one)."""
    return value if value and NMTOKEN.fullmatch(value) else None

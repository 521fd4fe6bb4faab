"""The XML of OAI-PMH responses, built with lxml (every value escaped by it).

Element order and content follow the OAI-PMH 2.0 schema (OAI-PMH.xsd): the
envelope holds responseDate, request, then either one or more errors or the verb's
element.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from lxml import etree

from .dublincore import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, xml_text
from .protocol import OAI_NS, OAI_SCHEMA, XSI_NS, OAIError, datestamp
from .records import Item

OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# The repositoryIdentifier pattern of oai-identifier.xsd: a domain name.
REPOSITORY_IDENTIFIER = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")


def base_url() -> str:
    return f"{settings.BASE_URL}/oai"


def oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, oai(name))
    if text is not None:
        element.text = xml_text(text)
    return element


def envelope(
    now: datetime.datetime, arguments: Mapping[str, str] | None
) -> tuple[etree._Element, etree._Element]:
    """The OAI-PMH root with responseDate and request; ``arguments`` None: none echoed."""
    nsmap: Any = {None: OAI_NS, "xsi": XSI_NS}
    root = etree.Element(oai("OAI-PMH"), nsmap=nsmap)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    sub(root, "responseDate", datestamp(now))
    request = sub(root, "request", base_url())
    for name, value in (arguments or {}).items():
        request.set(name, xml_text(value))
    return root, request


def serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def errors(root: etree._Element, problems: Iterable[OAIError]) -> None:
    for problem in problems:
        sub(root, "error", problem.message).set("code", problem.code)


def header(parent: etree._Element, item: Item) -> etree._Element:
    element = sub(parent, "header")
    if item.deleted:
        element.set("status", "deleted")
    sub(element, "identifier", item.identifier)
    sub(element, "datestamp", datestamp(item.datestamp))
    for spec in item.sets:
        sub(element, "setSpec", spec)
    return element


def record(parent: etree._Element, item: Item, metadata: etree._Element | None) -> etree._Element:
    """A record; a deleted one (``metadata`` None) is its header alone."""
    element = sub(parent, "record")
    header(element, item)
    if metadata is not None:
        sub(element, "metadata").append(metadata)
    return element


def resumption_token(
    parent: etree._Element,
    token: str,
    size: int,
    cursor: int,
    expires: datetime.datetime | None,
) -> None:
    """A resumptionToken; an empty one (``token`` "") closes a list sent in parts."""
    element = sub(parent, "resumptionToken", token or None)
    if token and expires is not None:
        element.set("expirationDate", datestamp(expires))
    element.set("completeListSize", str(size))
    element.set("cursor", str(cursor))


def identify(parent: etree._Element, earliest: datetime.datetime, sample: str) -> None:
    element = sub(parent, "Identify")
    sub(element, "repositoryName", str(settings.ARCHIVE_NAME))
    sub(element, "baseURL", base_url())
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", str(settings.ADMIN_EMAIL))
    sub(element, "earliestDatestamp", datestamp(earliest))
    # records taken back are deleted records until they are public again; records
    # deleted from the database are not remembered
    sub(element, "deletedRecord", "transient")
    sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    repository = str(settings.OAI_REPOSITORY_IDENTIFIER)
    if REPOSITORY_IDENTIFIER.match(repository):
        description = sub(element, "description")
        ns = OAI_IDENTIFIER_NS
        nsmap: Any = {None: ns, "xsi": XSI_NS}
        box = etree.SubElement(description, f"{{{ns}}}oai-identifier", nsmap=nsmap)
        box.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} {OAI_IDENTIFIER_SCHEMA}")
        for name, value in (
            ("scheme", "oai"),
            ("repositoryIdentifier", repository),
            ("delimiter", ":"),
            ("sampleIdentifier", sample),
        ):
            etree.SubElement(box, f"{{{ns}}}{name}").text = value


def metadata_format(parent: etree._Element, prefix: str, schema: str, namespace: str) -> None:
    element = sub(parent, "metadataFormat")
    sub(element, "metadataPrefix", prefix)
    sub(element, "schema", schema)
    sub(element, "metadataNamespace", namespace)


def set_entry(
    parent: etree._Element, spec: str, name: str, description: list[tuple[str, str]]
) -> None:
    element = sub(parent, "set")
    sub(element, "setSpec", spec)
    sub(element, "setName", name)
    values = [(n, xml_text(v)) for n, v in description if xml_text(v)]
    if values:
        dc = etree.SubElement(
            sub(element, "setDescription"),
            f"{{{OAI_DC_NS}}}dc",
            nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
        )
        dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
        for name_, value in values:
            etree.SubElement(dc, f"{{{DC_NS}}}{name_}").text = value

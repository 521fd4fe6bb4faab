"""Structural checks of OAI-PMH 2.0 responses, written from the protocol's schemas
(OAI-PMH.xsd, oai_dc.xsd, oai-identifier.xsd). Every response is also validated
against the official OAI-PMH.xsd (tests/schemas.py, fetched by `make oai-schema`),
which skips the metadata inside records: oai_dc's structure and the rules no schema
says (badArgument echoing no arguments...) are checked here only.

:func:`check_response` parses a response and fails, naming the element, wherever
its structure departs from the schema: element order and cardinality, the allowed
attributes, and the patterns of identifiers, datestamps, setSpecs and prefixes.
"""

from __future__ import annotations

import re

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
XML = "http://www.w3.org/XML/1998/namespace"
NS = {"o": OAI, "oai_dc": OAI_DC, "dc": DC}

SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
IDENTIFIER = re.compile(
    r"^oai:[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+:[a-zA-Z0-9\-_.!~*'();/?:@&=+$,%]+$"
)
VERBS = {
    "Identify",
    "ListMetadataFormats",
    "ListSets",
    "ListIdentifiers",
    "ListRecords",
    "GetRecord",
}
REQUEST_ATTRIBUTES = {
    "verb",
    "identifier",
    "metadataPrefix",
    "from",
    "until",
    "set",
    "resumptionToken",
}
ERROR_CODES = {
    "badArgument",
    "badResumptionToken",
    "badVerb",
    "cannotDisseminateFormat",
    "idDoesNotExist",
    "noRecordsMatch",
    "noMetadataFormats",
    "noSetHierarchy",
}
DC_ELEMENTS = set(
    "title creator subject description publisher contributor date type format "
    "identifier source language relation coverage rights".split()
)


def q(name: str, ns: str = OAI) -> str:
    return f"{{{ns}}}{name}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def names(element: etree._Element) -> list[str]:
    found = []
    for child in children(element):
        assert etree.QName(child).namespace == OAI, f"{child.tag} outside the OAI namespace"
        found.append(local(child))
    return found


def sequence(element: etree._Element, pattern: str) -> None:
    """The children's names, space-separated, must match ``pattern`` (a regex over
    names each followed by a space)."""
    written = "".join(f"{n} " for n in names(element))
    assert re.fullmatch(pattern, written), f"<{local(element)}> holds {written!r}"


def no_attributes(element: etree._Element, allowed: set[str] = frozenset()) -> None:
    extra = set(element.attrib) - allowed
    assert not extra, f"<{local(element)}> has unexpected attributes {extra}"


def text(element: etree._Element) -> str:
    assert not children(element), f"<{local(element)}> must hold text only"
    return element.text or ""


def check_response(data: bytes) -> etree._Element:
    """The parsed response, after every structural check has passed."""
    assert data.startswith(b"<?xml"), data[:60]
    root = etree.fromstring(data)
    assert root.tag == q("OAI-PMH"), root.tag
    location = root.get(q("schemaLocation", XSI), "").split()
    assert location == [OAI, "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"], location
    kids = children(root)
    assert [local(k) for k in kids[:2]] == ["responseDate", "request"]
    assert SECOND.match(text(kids[0])), kids[0].text
    request = kids[1]
    no_attributes(request, REQUEST_ATTRIBUTES)
    assert text(request).startswith("http"), request.text
    rest = kids[2:]
    assert rest, "nothing after <request>"
    if local(rest[0]) == "error":
        for error in rest:
            assert local(error) == "error", "errors and a verb element mixed"
            no_attributes(error, {"code"})
            assert error.get("code") in ERROR_CODES, error.get("code")
            text(error)
        if any(e.get("code") in ("badVerb", "badArgument") for e in rest):
            assert not request.attrib, "badVerb/badArgument must not echo arguments"
        return root
    assert len(rest) == 1, [local(r) for r in rest]
    body = rest[0]
    verb = local(body)
    assert verb in VERBS and request.get("verb") == verb, (verb, request.attrib)
    no_attributes(body)
    CHECKS[verb](body)
    return root


def _identify(body: etree._Element) -> None:
    sequence(
        body,
        r"repositoryName baseURL protocolVersion (adminEmail )+earliestDatestamp "
        r"deletedRecord granularity (compression )*(description )*",
    )
    values = {local(c): text(c) for c in children(body) if local(c) != "description"}
    assert values["protocolVersion"] == "2.0"
    assert values["deletedRecord"] in ("no", "transient", "persistent")
    assert values["granularity"] in ("YYYY-MM-DD", "YYYY-MM-DDThh:mm:ssZ")
    stamp = SECOND if values["granularity"].endswith("Z") else DAY
    assert stamp.match(values["earliestDatestamp"]), values["earliestDatestamp"]
    assert "@" in values["adminEmail"]
    for description in body.findall(q("description")):
        assert len(children(description)) == 1, "a description holds one element"
        inner = children(description)[0]
        assert etree.QName(inner).namespace != OAI
        if inner.tag == q("oai-identifier", OAI_IDENTIFIER):
            parts = [local(c) for c in children(inner)]
            assert parts == ["scheme", "repositoryIdentifier", "delimiter", "sampleIdentifier"]
            assert IDENTIFIER.match(children(inner)[3].text or "")


def _metadata_formats(body: etree._Element) -> None:
    sequence(body, r"(metadataFormat )+")
    for entry in children(body):
        sequence(entry, r"metadataPrefix schema metadataNamespace ")
        prefix, schema, namespace = (text(c) for c in children(entry))
        assert PREFIX.match(prefix), prefix
        assert schema.startswith("http") and schema.endswith(".xsd"), schema
        assert namespace, prefix


def _sets(body: etree._Element) -> None:
    sequence(body, r"(set )+(resumptionToken )?")
    for entry in body.findall(q("set")):
        sequence(entry, r"setSpec setName (setDescription )*")
        assert SET_SPEC.match(text(entry[0])), entry[0].text
        assert text(entry[1])
        for description in entry.findall(q("setDescription")):
            assert len(children(description)) == 1
    _token(body)


def _headers(body: etree._Element) -> None:
    sequence(body, r"(header )+(resumptionToken )?")
    for header in body.findall(q("header")):
        check_header(header)
    _token(body)


def _records(body: etree._Element) -> None:
    sequence(body, r"(record )+(resumptionToken )?")
    for record in body.findall(q("record")):
        check_record(record)
    _token(body)


def _get_record(body: etree._Element) -> None:
    sequence(body, r"record ")
    check_record(body[0])


CHECKS = {
    "Identify": _identify,
    "ListMetadataFormats": _metadata_formats,
    "ListSets": _sets,
    "ListIdentifiers": _headers,
    "ListRecords": _records,
    "GetRecord": _get_record,
}


def check_header(header: etree._Element) -> None:
    no_attributes(header, {"status"})
    assert header.get("status") in (None, "deleted")
    sequence(header, r"identifier datestamp (setSpec )*")
    identifier, stamp, *specs = (text(c) for c in children(header))
    assert IDENTIFIER.match(identifier), identifier
    assert SECOND.match(stamp), stamp
    for spec in specs:
        assert SET_SPEC.match(spec), spec


def check_record(record: etree._Element) -> None:
    no_attributes(record)
    sequence(record, r"header (metadata )?(about )*")
    check_header(record[0])
    metadata = record.find(q("metadata"))
    if record[0].get("status") == "deleted":
        assert metadata is None, "a deleted record has no metadata"
        assert len(record) == 1, "a deleted record is its header alone"
        return
    assert metadata is not None, "a record that is not deleted has metadata"
    inner = children(metadata)
    assert len(inner) == 1, "metadata holds exactly one element"
    assert etree.QName(inner[0]).namespace not in (None, OAI), inner[0].tag
    if inner[0].tag == q("dc", OAI_DC):
        check_oai_dc(inner[0])


def check_oai_dc(dc: etree._Element) -> None:
    location = dc.get(q("schemaLocation", XSI), "").split()
    assert location == [OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"], location
    assert children(dc), "an empty oai_dc record"
    for element in children(dc):
        assert etree.QName(element).namespace == DC, element.tag
        assert local(element) in DC_ELEMENTS, element.tag
        no_attributes(element, {q("lang", XML)})
        assert text(element).strip(), f"empty dc:{local(element)}"


def _token(body: etree._Element) -> None:
    token = body.find(q("resumptionToken"))
    if token is None:
        return
    no_attributes(token, {"expirationDate", "completeListSize", "cursor"})
    if token.get("expirationDate") is not None:
        assert SECOND.match(token.get("expirationDate")), token.get("expirationDate")
    for name in ("completeListSize", "cursor"):
        if token.get(name) is not None:
            assert token.get(name).isdigit(), (name, token.get(name))
    text(token)

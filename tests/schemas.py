"""The official schemas in ../shared/schemas, with their imports resolved in memory:
xlink.xsd from the shared folder, xml.xsd written here; any other URL refused, so
validation never touches the network."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest
from lxml import etree

from fonds.formats.xmlsafe import PARSER_OPTIONS
from tests.conftest import SCHEMAS, need

# -- the schemas, with their imports resolved in memory ----------------------------

XML_XSD = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language">
    <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/>
    </xs:restriction></xs:simpleType></xs:union></xs:simpleType></xs:attribute>
  <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName">
    <xs:enumeration value="default"/><xs:enumeration value="preserve"/>
  </xs:restriction></xs:simpleType></xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>"""


class ImportResolver(etree.Resolver):
    """xlink.xsd from the shared schemas, xml.xsd from memory; any other URL refused."""

    def resolve(self, url, pubid, context):
        if url.endswith("/xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        if url.endswith("/xml.xsd"):
            return self.resolve_string(XML_XSD, context)
        if "://" in url:
            raise AssertionError(f"the schema tried to load {url}")
        return None  # the local schema file itself


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    """A schema of ../shared/schemas by file name stem ("eac-cpf-2010", "ead3")."""
    path = need(SCHEMAS / f"{name}.xsd", f"the {name} schema")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(ImportResolver())
    return etree.XMLSchema(etree.parse(str(path), parser))


def assert_valid(data: bytes, version: str, kind: str = "eac-cpf") -> None:
    """Fail unless ``data`` is valid against the official schema (EAC-CPF by default)."""
    name = f"{kind}-{version}" if version else kind
    xsd = schema(name)
    if not xsd.validate(etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))):
        errors = "\n".join(f"{e.line}: {e.message}" for e in xsd.error_log)
        pytest.fail(f"not valid {name}:\n{errors}")


# -- OAI-PMH 2.0 ---------------------------------------------------------------------

# The official OAI-PMH.xsd, taken by `make oai-schema` from PyPI's pyoai source
# distribution into the virtualenv (it is not committed).
OAI_PMH_XSD = Path(sys.prefix) / "share" / "fonds-test-schemas" / "OAI-PMH.xsd"


@functools.cache
def oai_pmh_schema() -> etree.XMLSchema:
    path = need(OAI_PMH_XSD, "the OAI-PMH 2.0 schema (make oai-schema)")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def assert_valid_oai_pmh(data: bytes) -> None:
    """Fail unless ``data`` is an OAI-PMH response valid against OAI-PMH.xsd."""
    xsd = oai_pmh_schema()
    if not xsd.validate(etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))):
        errors = "\n".join(f"{e.line}: {e.message}" for e in xsd.error_log)
        pytest.fail(f"not valid OAI-PMH 2.0:\n{errors}")

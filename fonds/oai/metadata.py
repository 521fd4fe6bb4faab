"""The metadata formats the provider disseminates, and which records have each.

==========  ===========================  ==============================================
prefix      records                      written by
==========  ===========================  ==============================================
oai_dc      every record                 :mod:`fonds.oai.dublincore`
ead         collections (EAD 2002)       the ``ead2002`` exporter
ead3        collections (EAD3)           the ``ead3`` exporter
eac-cpf     roster records               the ``eac-cpf-2010`` exporter (EAC-CPF 2010)
==========  ===========================  ==============================================

The exporters come from :mod:`fonds.exports.registry`, looked up at request time.
While ``ead2002`` or ``ead3`` is not registered, a collection is served in the
format it was loaded in: the finding aid as loaded, without its internal content
(the ``ead-source`` exporter), for collections loaded from EAD 2002 under ``ead``
and from EAD3 under ``ead3``; the others do not have that format yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from lxml import etree

from fonds.exports.registry import all_exporters

from .dublincore import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, dublin_core

EAD2002_NS = "urn:isbn:1-931666-22-9"
EAD3_NS = "http://ead3.archivists.org/schema/"
EAC2010_NS = "urn:isbn:1-931666-33-4"
SOURCE_EXPORTER = "ead-source"


def _parser() -> etree.XMLParser:
    # Our own exporters' output: no entities to resolve, never the network; large
    # finding aids are allowed (huge_tree) because they are already in the database.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _root(data: bytes) -> etree._Element:
    """The document element of an exported file (declaration and DOCTYPE left behind)."""
    return etree.fromstring(data, _parser())


def _into_namespace(root: etree._Element, namespace: str) -> etree._Element:
    """An EAD written without a namespace, moved into ``namespace``."""
    if etree.QName(root).namespace:
        return root
    for element in root.iter():
        if isinstance(element.tag, str) and not etree.QName(element).namespace:
            element.tag = f"{{{namespace}}}{etree.QName(element).localname}"
    top: Any = {None: namespace}
    etree.cleanup_namespaces(root, top_nsmap=top)
    return root


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    kinds: frozenset[str]
    exporter: str = ""  # the registered exporter that writes it
    loaded_as: str = ""  # Collection.ead_version served as loaded while it is missing

    def _exporter_ready(self) -> bool:
        return not self.exporter or self.exporter in all_exporters()

    def restrict(self, kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
        """The rows of ``kind`` that have this format."""
        if kind not in self.kinds:
            return rows.none()
        if self.loaded_as and not self._exporter_ready():
            return rows.filter(ead_version=self.loaded_as, source__isnull=False)
        return rows

    def has(self, kind: str, record: Any) -> bool:
        if kind not in self.kinds:
            return False
        if self.loaded_as and not self._exporter_ready():
            return record.ead_version == self.loaded_as and _has_source(record)
        return True

    def render(self, kind: str, record: Any) -> etree._Element:
        """The record in this format: the element that goes into ``<metadata>``."""
        if self.prefix == "oai_dc":
            return dublin_core(kind, record)
        exporters = all_exporters()
        if self.exporter in exporters:
            return _root(exporters[self.exporter].render(record))
        root = _root(exporters[SOURCE_EXPORTER].render(record))
        return _into_namespace(root, self.namespace)


def _has_source(collection: Any) -> bool:
    from fonds.findingaids.models import FindingAidSource

    return FindingAidSource.objects.filter(collection_id=collection.pk).exists()


FORMATS: dict[str, MetadataFormat] = {
    f.prefix: f
    for f in (
        MetadataFormat(
            "oai_dc",
            OAI_DC_SCHEMA,
            OAI_DC_NS,
            frozenset({"collection", "agent", "event", "work"}),
        ),
        MetadataFormat(
            "ead",
            "http://www.loc.gov/ead/ead.xsd",
            EAD2002_NS,
            frozenset({"collection"}),
            exporter="ead2002",
            loaded_as="2002",
        ),
        MetadataFormat(
            "ead3",
            "http://www.loc.gov/ead/ead3.xsd",
            EAD3_NS,
            frozenset({"collection"}),
            exporter="ead3",
            loaded_as="3",
        ),
        MetadataFormat(
            "eac-cpf",
            "https://eac.staatsbibliothek-berlin.de/schema/cpf.xsd",
            EAC2010_NS,
            frozenset({"agent"}),
            exporter="eac-cpf-2010",
        ),
    )
}

__all__ = ["DC_NS", "FORMATS", "MetadataFormat"]

"""Shared helpers of the formats tests: each corpus file is read once, and counted
independently of the reader with a plain lxml parse using the safe options.

Nothing here imports Django.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from lxml import etree

from fonds.formats.archival import CollectionRecord, ComponentRecord, Description
from fonds.formats.ead import EADReader
from fonds.formats.xmlsafe import PARSER_OPTIONS
from tests.conftest import corpus_file

EAD2002_NS = "urn:isbn:1-931666-22-9"
EAD3_NS = "http://ead3.archivists.org/schema/"
EAD3_UNDEPRECATED_NS = "http://ead3.archivists.org/schema/undeprecated/"
XLINK = "{http://www.w3.org/1999/xlink}"

# Every well-formed EAD file: (version, namespace, identifier, components per the README).
EAD_FILES: dict[str, tuple[str, str, str, int]] = {
    "nyu-wag025-002-jewish-labor-committee.xml": ("2002", EAD2002_NS, "wag_025_002", 2799),
    "nyu-tam183-new-jewish-agenda.xml": ("2002", EAD2002_NS, "tam_183", 109),
    "nyu-wag232-goldstein-jlc-files.xml": ("2002", EAD2002_NS, "wag_232", 467),
    "ehri-yv-m19-eng.xml": ("2002", EAD2002_NS, "10660245-ENG", 2),
    "ehri-zbirka-jews-croatia.xml": ("2002", "", "HR-HDA-1551", 2),
    "aspace-voorhis-doctype.xml": ("2002", "", "voorhis", 530),
    "aspace-ead-dao-test.xml": ("2002", EAD2002_NS, "DAO-GRP", 8),
    "pulfa-c1752-naiman-cyrillic.xml": ("2002", EAD2002_NS, "C1752", 379),
    "pulfa-c0140-single-items.xml": ("2002", EAD2002_NS, "C0140", 3916),
    "pulfa-c0033-badcharacters.xml": ("2002", EAD2002_NS, "C0033", 1),
    "pulfa-c1491-relativedao.xml": ("2002", EAD2002_NS, "C1491", 16),
    "saa-kitchen-sink-at-enumerated.xml": ("2002", "", "hua88888-HOLLISnumber", 71),
    "cul-too-large-date-range.xml": ("2002", EAD2002_NS, "16746019", 0),
    "cul-open-ended-9999.xml": ("2002", "", "5802208", 0),
    "saa-c1571-ead3.xml": ("3", EAD3_NS, "C1571", 12),
    "saa-c1571-ead3-undeprecated.xml": ("3", EAD3_UNDEPRECATED_NS, "C1571", 12),
    "saa-umn-yusa0008-ead3.xml": ("3", EAD3_NS, "yusa0008", 85),
    "ehri-comprehensive-ead3.xml": ("3", EAD3_NS, "hua88888-HOLLISnumber", 36),
}
EAD_NAMES = sorted(EAD_FILES)
COMPONENT_NAMES = frozenset({"c", *(f"c{n:02d}" for n in range(1, 13))})


@dataclass(frozen=True)
class Reading:
    collection: CollectionRecord
    yielded: list[ComponentRecord]  # in the order the reader yields them

    @property
    def records(self) -> list[ComponentRecord]:
        """The components in sequence (document) order."""
        return sorted(self.yielded, key=lambda r: r.sequence)

    @property
    def everything(self) -> list[Description]:
        return [self.collection, *self.records]


@functools.cache
def read(name: str) -> Reading:
    """Read a corpus file with EADReader (once per test session; do not mutate)."""
    path = corpus_file(name)
    with open(path, "rb") as handle:
        reader = EADReader(handle, str(path), EAD_FILES[name][0])
        yielded = list(reader)
    return Reading(reader.collection, yielded)


@functools.cache
def tree(name: str) -> Any:
    """The whole file parsed by lxml with the safe options: the independent view."""
    return etree.parse(str(corpus_file(name)), etree.XMLParser(**PARSER_OPTIONS))


def local(el: Any) -> str:
    """The local name of an element; "" for comments, processing instructions, entities."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def elements(name: str, *names: str) -> list[Any]:
    """The elements of a file with one of these local names, in document order."""
    wanted = set(names)
    return [el for el in tree(name).iter() if local(el) in wanted]


def components(name: str) -> list[Any]:
    """The c/c01..c12 elements in the EAD namespace of the root, in document order."""
    root = tree(name).getroot()
    ns = etree.QName(root).namespace
    return [
        el for el in root.iter() if local(el) in COMPONENT_NAMES and etree.QName(el).namespace == ns
    ]


def squash(text: str) -> str:
    """Text with all white space removed and NFC applied: content, not layout."""
    return "".join(unicodedata.normalize("NFC", text).split())


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def own_text(el: Any, skip_own: frozenset[str] = frozenset({"head"})) -> str:
    """The text of an element minus its own children named in ``skip_own``."""
    parts = [el.text or ""]
    for child in el:
        if local(child) and local(child) not in skip_own:
            parts.extend(child.itertext())
        parts.append(child.tail or "")
    return "".join(parts)


def is_internal(el: Any) -> bool:
    return (el.get("audience") or "").strip().lower() == "internal"

"""How a finding aid is laid out for reading: note sections, term links, citations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from fonds.search.indexing import FACET_OF_KIND

from .models import AccessTerm, Collection, Component

# Sections of a collection page, in the order of the DACS and ArcLight layouts.
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "background",
        "Background",
        ("bioghist", "custodhist", "acqinfo", "appraisal", "accruals", "processinfo"),
    ),
    ("scope", "Scope and contents", ("scopecontent",)),
    ("arrangement", "Arrangement", ("arrangement",)),
    (
        "access",
        "Access and use",
        (
            "accessrestrict",
            "userestrict",
            "prefercite",
            "phystech",
            "legalstatus",
            "physloc",
            "altformavail",
            "originalsloc",
            "otherfindaid",
            "relatedmaterial",
            "separatedmaterial",
            "bibliography",
            "fileplan",
            "index",
        ),
    ),
]
SUMMARY_NOTES = ("abstract", "langmaterial", "physdesc", "materialspec")
TERM_HEADINGS = dict(AccessTerm.KINDS)


NOTE_LABELS = {
    "abstract": "Abstract",
    "accessrestrict": "Conditions governing access",
    "accruals": "Accruals",
    "acqinfo": "Acquisition information",
    "altformavail": "Alternative form available",
    "appraisal": "Appraisal",
    "arrangement": "Arrangement",
    "bibliography": "Bibliography",
    "bioghist": "Biographical / historical note",
    "custodhist": "Custodial history",
    "didnote": "Note",
    "fileplan": "File plan",
    "index": "Index",
    "langmaterial": "Language of materials",
    "legalstatus": "Legal status",
    "materialspec": "Material specific details",
    "note": "Note",
    "odd": "General note",
    "originalsloc": "Location of originals",
    "otherfindaid": "Other finding aids",
    "physdesc": "Physical description",
    "physloc": "Physical location",
    "phystech": "Physical characteristics and technical requirements",
    "prefercite": "Preferred citation",
    "processinfo": "Processing information",
    "relatedmaterial": "Related material",
    "repository": "Repository",
    "scopecontent": "Scope and contents",
    "separatedmaterial": "Separated material",
    "userestrict": "Conditions governing use",
}


def note_heading(note: dict[str, Any]) -> str:
    return str(note.get("head") or NOTE_LABELS.get(note.get("type", ""), "Note"))


@dataclass
class Section:
    slug: str
    heading: str
    notes: list[dict[str, Any]]

    @property
    def entries(self) -> list[tuple[dict[str, Any], bool]]:
        """Each note with whether its own heading is worth showing: not when it only
        repeats the section's ("Arrangement" under "Arrangement")."""
        if len(self.notes) == 1:
            heading = note_heading(self.notes[0]).casefold().replace("&", "and")
            if heading == self.heading.casefold() or heading in self.heading.casefold():
                return [(self.notes[0], False)]
        return [(note, True) for note in self.notes]


def sections(notes: list[dict[str, Any]]) -> list[Section]:
    """The notes of a record, grouped into sections; what fits none goes last."""
    placed: set[int] = set()
    found = []
    for slug, heading, types in SECTIONS:
        chosen = [n for n in notes if n.get("type") in types]
        chosen.sort(key=lambda n: types.index(n["type"]))
        placed.update(id(n) for n in chosen)
        if chosen:
            found.append(Section(slug, heading, chosen))
    rest = [n for n in notes if id(n) not in placed and n.get("type") not in SUMMARY_NOTES]
    if rest:
        found.append(Section("other", "Other notes", rest))
    return found


def summary_notes(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in notes if n.get("type") in SUMMARY_NOTES]


@dataclass
class TermLink:
    text: str
    url: str
    role: str


def term_search_url(term: AccessTerm) -> str:
    facet = FACET_OF_KIND.get(term.kind)
    query = {facet: term.text} if facet else {"q": f'"{term.text}"'}
    return reverse("search:search") + "?" + urlencode(query)


def term_groups(terms: list[AccessTerm]) -> list[tuple[str, list[TermLink]]]:
    """Controlled access terms by kind, each linking to a search for it."""
    groups: dict[str, list[TermLink]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for term in terms:
        if term.relation == AccessTerm.CREATOR or (term.kind, term.text) in seen:
            continue
        seen.add((term.kind, term.text))
        heading = TERM_HEADINGS.get(term.kind, term.kind)
        groups[heading].append(TermLink(term.text, term_search_url(term), term.role))
    order = [h for _, h in AccessTerm.KINDS]
    return sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else 99)


def creator_links(terms: list[AccessTerm]) -> list[TermLink]:
    return [
        TermLink(t.text, term_search_url(t), t.role)
        for t in terms
        if t.relation == AccessTerm.CREATOR
    ]


def repository_of(collection: Collection) -> str:
    return collection.repository or settings.ARCHIVE_NAME


def citation(component: Component | None, collection: Collection, url: str) -> str:
    """A citation in the Chicago style for archival material.

    Chicago cites an unpublished item or folder from the specific to the general:
    title and date of the folder, its box and folder, the collection with its call
    number, the repository. CSL processors render these poorly (they title-case
    folder titles and repeat a missing author's title), so it is written out here.
    """
    parts: list[str] = []
    if component is not None:
        title = component.display_title
        if component.date_text and component.title and component.date_text not in title:
            title = f"{title}, {component.date_text}"
        parts.append(title)
        containers = _containers(component.containers)
        if containers:
            parts.append(containers)
    collection_part = collection.display_title
    if collection.unitid:
        collection_part += f", {collection.unitid.split(';')[0].strip()}"
    parts.append(collection_part)
    parts.append(repository_of(collection))
    text = ". ".join(p.rstrip(". ") for p in parts if p) + "."
    return f"{text} {url}" if url else text


def _containers(containers: list[dict[str, str]]) -> str:
    pieces = []
    for position, container in enumerate(containers):
        kind = (container.get("type") or "").replace("_", " ").strip().lower()
        indicator = container.get("indicator", "")
        piece = " ".join(p for p in (kind, indicator) if p)
        pieces.append(piece[:1].upper() + piece[1:] if position == 0 else piece)
    return ", ".join(p for p in pieces if p)

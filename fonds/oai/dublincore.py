"""Simple Dublin Core (oai_dc) for every kind of record the portal publishes.

Collections, after the usual EAD to Dublin Core crosswalks:
  title: the title; creator: the origination names; subject: the collection's
  subjects and names (controlaccess), geographic names also as coverage; type:
  "Collection" and the genre/form terms; description: the abstract, else the scope
  and contents; date: the dates as written, then the years they cover ("1963/1989");
  format: the extent; identifier: the portal address and the call number;
  language: the material's languages; publisher: the repository; rights: the
  conditions of access and use; relation: related and separated material, other
  finding aids, related names.
Roster records: title: the authorized name and every other name (with its
  language); type: organization, person or family; description: summary and
  history; date: existence (EDTF); coverage: places; relation: related published
  roster records and the collections it created; source: its sources.
Events: title, date (EDTF), type "Event", description, coverage (place), language,
  subject (the roster records in it), relation (their records and the
  collections), source.
Works (CSL-JSON): title, creator (authors), contributor (editors, translators...),
  subject (keywords), description (abstract), date (issued), type (the DCMI type
  and the CSL type), identifier (portal address, DOI, ISBN, URL), language,
  publisher, source (the journal or book it appears in, with volume and pages),
  relation (roster records and events).
Every record's identifier is its portal address; publisher is the archive unless
the record names another.

Only public content is read: collection-level terms not marked internal, published
roster records, collections not marked internal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from django.conf import settings
from lxml import etree

from fonds.formats.csl import date_parts, name_text, plain_text
from fonds.formats.timelinejs import html_to_text, markdown_to_html

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ELEMENTS = (
    "title creator subject description publisher contributor date type format "
    "identifier source language relation coverage rights".split()
)
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
SUBJECT_KINDS = frozenset(
    {"persname", "corpname", "famname", "name", "subject", "geogname", "occupation", "function"}
)
RELATED_NOTES = ("relatedmaterial", "separatedmaterial", "otherfindaid", "originalsloc")
# CSL item types that are not text, as DCMI Type terms.
CSL_DCMI_TYPES = {
    "graphic": "StillImage",
    "map": "StillImage",
    "figure": "StillImage",
    "motion_picture": "MovingImage",
    "broadcast": "MovingImage",
    "song": "Sound",
    "musical_score": "Text",
    "dataset": "Dataset",
    "software": "Software",
    "event": "Event",
    "performance": "Event",
    "interview": "Sound",
}


class DCValue(NamedTuple):
    element: str
    value: str
    language: str = ""


def xml_text(value: object) -> str:
    """Text XML can carry: characters XML 1.0 forbids are dropped, space tidied."""
    return " ".join(_NOT_XML.sub("", str(value)).split())


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def oai_dc(values: Iterable[DCValue]) -> etree._Element:
    """An ``oai_dc:dc`` element; each value once per element and language, in order."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc",
        nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    seen: set[tuple[str, str, str]] = set()
    for value in sorted(values, key=lambda v: ELEMENTS.index(v.element)):
        text = xml_text(value.value)
        key = (value.element, text.casefold(), value.language)
        if not text or key in seen:
            continue
        seen.add(key)
        element = etree.SubElement(root, f"{{{DC_NS}}}{value.element}")
        element.text = text
        if value.language and _LANGUAGE_TAG.match(value.language):
            element.set(f"{{{XML_NS}}}lang", value.language)
    return root


@functools.lru_cache(maxsize=4096)
def markdown_text(text: str) -> str:
    return html_to_text(markdown_to_html(text)) if text.strip() else ""


def _publisher() -> str:
    return str(settings.ARCHIVE_NAME)


# -- collections -------------------------------------------------------------------------


def collection_values(collection: Any) -> Iterator[DCValue]:
    yield DCValue("title", collection.display_title)
    terms = [t for t in collection.terms.all() if t.component_id is None and not t.internal]
    for term in terms:
        if term.relation == "creator":
            yield DCValue("creator", term.text)
        elif term.relation == "related":
            yield DCValue("relation", term.text)
        elif term.kind == "genreform":
            yield DCValue("type", term.text)
        elif term.kind in SUBJECT_KINDS or term.kind == "title":
            yield DCValue("subject", term.text)
        if term.relation != "creator" and term.kind == "geogname":
            yield DCValue("coverage", term.text)
    abstract = collection.abstract or " ".join(
        n.get("text", "") for n in collection.notes_of("abstract")
    )
    if abstract:
        yield DCValue("description", abstract)
    else:
        for note in collection.notes_of("scopecontent"):
            yield DCValue("description", note.get("text", ""))
    yield from _collection_dates(collection)
    yield DCValue("type", "Collection")
    if collection.extent:
        yield DCValue("format", collection.extent)
    yield DCValue("identifier", absolute(collection.get_absolute_url()))
    if collection.unitid:
        yield DCValue("identifier", collection.unitid)
    for language in collection.languages:
        if isinstance(language, Mapping):
            yield DCValue("language", str(language.get("code") or language.get("name") or ""))
    yield DCValue("publisher", collection.repository or _publisher())
    for note in collection.notes_of("accessrestrict", "userestrict"):
        yield DCValue("rights", note.get("text", ""))
    for note in collection.notes_of(*RELATED_NOTES):
        yield DCValue("relation", note.get("text", ""))


def _collection_dates(collection: Any) -> Iterator[DCValue]:
    """The dates as the finding aid writes them, then the years they cover."""
    written = [d.get("text", "") for d in collection.dates if isinstance(d, Mapping)]
    for text in [t for t in written if t] or [collection.date_text]:
        yield DCValue("date", text)
    begin, end = collection.begin_year, collection.end_year
    if begin is not None and end is not None and begin != end:
        yield DCValue("date", f"{begin:04d}/{end:04d}")
    elif begin is not None or end is not None:
        year = begin if begin is not None else end
        yield DCValue("date", f"{year:04d}")


# -- roster records ------------------------------------------------------------------------


def agent_values(agent: Any) -> Iterator[DCValue]:
    yield DCValue("title", agent.authorized_name)
    for name in agent.names.all():
        yield DCValue("title", name.name, name.language)
    yield DCValue("type", agent.kind)
    if agent.summary:
        yield DCValue("description", agent.summary)
    if agent.history:
        yield DCValue("description", markdown_text(agent.history))
    if agent.existence:
        yield DCValue("date", agent.existence)
    for place in agent.places:
        if isinstance(place, Mapping) and place.get("name"):
            yield DCValue("coverage", str(place["name"]))
    for relation in agent.relations_out.all():
        if relation.target is not None and relation.target.is_public:
            yield DCValue("relation", absolute(relation.target.get_absolute_url()))
    for relation in agent.relations_in.all():
        if relation.source.is_public:
            yield DCValue("relation", absolute(relation.source.get_absolute_url()))
    created = getattr(agent, "created", None)  # fetched for a whole page by with_details
    if created is None:
        from .records import created_appearances

        created = created_appearances().filter(agent=agent)
    for appearance in created:
        yield DCValue("relation", absolute(appearance.collection.get_absolute_url()))
    for source in agent.sources:
        yield DCValue("source", str(source))
    yield DCValue("identifier", absolute(agent.get_absolute_url()))
    yield DCValue("publisher", _publisher())


# -- events ----------------------------------------------------------------------------------


def event_values(event: Any) -> Iterator[DCValue]:
    yield DCValue("title", event.title, event.language)
    yield DCValue("date", event.date)
    yield DCValue("type", "Event")
    if event.description:
        yield DCValue("description", markdown_text(event.description), event.language)
    if event.place:
        yield DCValue("coverage", event.place)
    if event.language:
        yield DCValue("language", event.language)
    for agent in event.agents.all():
        if agent.is_public:
            yield DCValue("subject", agent.authorized_name)
            yield DCValue("relation", absolute(agent.get_absolute_url()))
    for collection in event.collections.all():
        if not collection.internal:
            yield DCValue("relation", absolute(collection.get_absolute_url()))
    for source in event.sources:
        yield DCValue("source", str(source))
    yield DCValue("identifier", absolute(event.get_absolute_url()))
    yield DCValue("publisher", _publisher())


# -- works -----------------------------------------------------------------------------------


def _csl_name(name: Mapping[str, Any]) -> str:
    """A name as catalogues write it: "Beckerman, Gal"."""
    if "literal" in name:
        return str(name["literal"])
    family = " ".join(
        str(name[part]) for part in ("non-dropping-particle", "family") if name.get(part)
    )
    given = " ".join(str(name[part]) for part in ("given", "dropping-particle") if name.get(part))
    text = f"{family}, {given}" if family and given else family or given or name_text(name)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def _csl_date(value: object) -> str:
    parts = date_parts(value)
    if parts:
        dates = [
            "-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(p)) for p in parts
        ]
        return "/".join(dates)
    if isinstance(value, Mapping):
        return str(value.get("literal") or value.get("raw") or "")
    return ""


def _csl_text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return plain_text(str(value)) if value else ""


def work_values(work: Any) -> Iterator[DCValue]:
    item: Mapping[str, Any] = work.csl if isinstance(work.csl, Mapping) else {}
    language = str(item.get("language") or "")
    yield DCValue("title", _csl_text(item, "title") or work.title, language)
    for role in ("author", "editor", "translator", "container-author", "composer", "director"):
        for name in item.get(role) or []:
            if isinstance(name, Mapping):
                yield DCValue("creator" if role == "author" else "contributor", _csl_name(name))
    for keyword in str(item.get("keyword") or "").split(","):
        yield DCValue("subject", keyword.strip())
    if item.get("abstract"):
        yield DCValue("description", _csl_text(item, "abstract"), language)
    issued = _csl_date(item.get("issued"))
    if issued:
        yield DCValue("date", issued)
    csl_type = str(item.get("type") or work.work_type or "")
    yield DCValue("type", CSL_DCMI_TYPES.get(csl_type, "Text"))
    if csl_type:
        yield DCValue("type", csl_type)
    yield DCValue("identifier", absolute(work.get_absolute_url()))
    if item.get("DOI"):
        yield DCValue("identifier", f"https://doi.org/{item['DOI']}")
    for isbn in str(item.get("ISBN") or "").replace(",", " ").split():
        yield DCValue("identifier", f"urn:isbn:{isbn}")
    if item.get("URL"):
        yield DCValue("identifier", str(item["URL"]))
    if language:
        yield DCValue("language", language)
    if item.get("publisher"):
        yield DCValue("publisher", _csl_text(item, "publisher"))
    yield from _container(item)
    for agent in work.agents.all():
        if agent.is_public:
            yield DCValue("relation", absolute(agent.get_absolute_url()))
    for event in work.events.all():
        if event.is_public:
            yield DCValue("relation", absolute(event.get_absolute_url()))


def _container(item: Mapping[str, Any]) -> Iterator[DCValue]:
    """The journal, book or series a work appears in, with where in it."""
    container = _csl_text(item, "container-title")
    if not container:
        return
    parts = [container]
    for key, label in (("volume", "vol."), ("issue", "no."), ("page", "pp.")):
        if item.get(key):
            parts.append(f"{label} {item[key]}")
    yield DCValue("source", ", ".join(parts))


VALUES = {
    "collection": collection_values,
    "agent": agent_values,
    "event": event_values,
    "work": work_values,
}


def dublin_core(kind: str, record: Any) -> etree._Element:
    return oai_dc(VALUES[kind](record))

"""JSON Schemas (2020-12, as OpenAPI 3.1 takes them) of every object the API returns.

Objects are closed (``additionalProperties: false``) and every property is required:
the API always gives every field, with ``""``, ``[]`` or ``null`` when there is
nothing to say. The tests validate the answers against these schemas, so a field
added to a serializer without its description fails them.
"""

from __future__ import annotations

from typing import Any

from fonds.authorities.models import Agent, AgentName, Appearance
from fonds.findingaids.models import AccessTerm

Schema = dict[str, Any]

ERROR_CODES = [
    "invalid_parameter",
    "missing_parameter",
    "invalid_cursor",
    "not_found",
    "method_not_allowed",
    "server_error",
]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def string(description: str = "", **more: Any) -> Schema:
    schema: Schema = {"type": "string", **more}
    if description:
        schema["description"] = description
    return schema


def url(description: str = "") -> Schema:
    return string(description, format="uri")


def integer(description: str = "", **more: Any) -> Schema:
    schema: Schema = {"type": "integer", **more}
    if description:
        schema["description"] = description
    return schema


def boolean(description: str = "") -> Schema:
    schema: Schema = {"type": "boolean"}
    if description:
        schema["description"] = description
    return schema


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def array(items: Schema, description: str = "") -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


def obj(description: str, properties: dict[str, Schema]) -> Schema:
    """A closed object whose properties are all required."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def links(description: str, *names: str) -> Schema:
    return obj(description, {name: url() for name in names})


# -- shared pieces --------------------------------------------------------------------

YEAR = nullable(integer("A year; negative before the common era."))
TITLE = string("The title, or the dates when untitled, or [Untitled].")

PARTS: dict[str, Schema] = {
    "Error": obj(
        "Every error of the API, whatever its status.",
        {
            "error": obj(
                "What went wrong.",
                {
                    "status": integer("The HTTP status, repeated.", minimum=400, maximum=599),
                    "code": string("A stable code to test for.", enum=ERROR_CODES),
                    "message": string("An explanation for people."),
                },
            )
        },
    ),
    "Note": obj(
        "A descriptive note of a finding aid (scope and contents, biographical history...).",
        {
            "type": string("The EAD element: scopecontent, bioghist, accessrestrict..."),
            "label": string("What the note type is called in English."),
            "head": string("The note's own heading; empty when it has none."),
            "html": string("The note as a small, safe HTML vocabulary."),
            "text": string("The note as plain text."),
        },
    ),
    "DateSpan": obj(
        "A date as written in the finding aid, with what was understood of it.",
        {
            "text": string("As written."),
            "normal": nullable(string("The normalized form (unitdate@normal), if given.")),
            "type": nullable(string("inclusive, bulk, single...")),
            "begin": YEAR,
            "end": YEAR,
            "open_end": boolean("The span has no end yet (1990-)."),
            "approximate": boolean("circa, about, ?"),
            "undated": boolean("Written as undated."),
        },
    ),
    "Language": obj(
        "A language of the materials.",
        {
            "code": nullable(string("ISO 639-2b code.")),
            "name": string("The language's name, or the sentence describing the languages."),
        },
    ),
    "Container": obj(
        "A box, folder or other container holding a component.",
        {
            "type": string("box, folder, reel..."),
            "indicator": string("The number or label on the container."),
            "label": nullable(string()),
            "id": nullable(string("Its id, referred to by the containers inside it.")),
            "parent": nullable(string("The id of the container it is inside.")),
        },
    ),
    "FindingAid": obj(
        "About the finding aid itself (the EAD header).",
        {
            "eadid": string(),
            "title": string(),
            "subtitle": string(),
            "author": string(),
            "publisher": string(),
            "date": string(),
            "language": string(),
            "rules": string(),
            "status": string(),
            "revisions": array(string()),
        },
    ),
    "DigitalObject": obj(
        "A digital object (EAD dao) of a collection or component.",
        {
            "href": string("Its address, as the finding aid gives it."),
            "title": string(),
            "role": string(),
            "description": string("HTML fragment."),
            "group_label": string("The group (daogrp/daoset) it belongs to, if any."),
        },
    ),
    "Term": obj(
        "A name or subject attached to a record: a creator, a subject, a place...",
        {
            "kind": string("The EAD element.", enum=[k for k, _ in AccessTerm.KINDS]),
            "relation": string(enum=[r for r, _ in AccessTerm.RELATIONS]),
            "text": string(),
            "source": string("The vocabulary (lcnaf, lcsh...)."),
            "identifier": string("The term's identifier in that vocabulary."),
            "role": string("The relator, e.g. creator's role."),
            "agent": nullable(ref("AgentRef")),
            "links": links("search: a search for this term.", "search"),
        },
    ),
    "CollectionRef": obj(
        "A collection, named from another record.",
        {
            "identifier": string(),
            "title": TITLE,
            "links": links("The collection in the API and in the portal.", "self", "html"),
        },
    ),
    "ComponentRef": obj(
        "A component (series, folder, item), named from another record.",
        {
            "ref": string("The component's id within its collection."),
            "collection": string("The collection's identifier."),
            "title": TITLE,
            "level": string("series, subseries, file, item..."),
            "date": string("The dates as written."),
            "links": links("The component in the API and in the portal.", "self", "html"),
        },
    ),
    "AgentRef": obj(
        "A roster record (organization, person or family), named from another record.",
        {
            "identifier": string(),
            "kind": string(enum=[k for k, _ in Agent.KINDS]),
            "name": string("The authorized name."),
            "links": links("The record in the API and in the portal.", "self", "html"),
        },
    ),
    "EventRef": obj(
        "An event of the timeline, named from another record.",
        {
            "identifier": string(),
            "title": string(),
            "date": string("EDTF: 1970-06-15, 1970s, 1962?, 1987-12/1988."),
            "date_label": string("The date in words: 15 June 1970, the 1970s."),
            "links": links("The event in the API and in the portal.", "self", "html"),
        },
    ),
    "WorkRef": obj(
        "A work of the bibliography, named from another record.",
        {
            "identifier": string(),
            "title": string(),
            "type": string("The CSL type: book, article-journal..."),
            "issued_year": YEAR,
            "links": links("The work in the API and in the portal.", "self", "html"),
        },
    ),
    "ExportLink": obj(
        "An export of this record.",
        {
            "name": string("The export format's name."),
            "title": string(),
            "media_type": string(),
            "url": url("Where to download it."),
        },
    ),
}

# -- collections and components ------------------------------------------------------

_COLLECTION_SUMMARY: dict[str, Schema] = {
    "identifier": string("The collection's id in URLs."),
    "unitid": string("The call number."),
    "title": TITLE,
    "date": string("The dates as written."),
    "begin_year": YEAR,
    "end_year": YEAR,
    "extent": string(),
    "abstract": string("Plain text."),
    "component_count": integer("Its series, folders and items, of every depth.", minimum=0),
    "creators": array(ref("Term"), "The origination: who created the records."),
}
_COMPONENT_SUMMARY: dict[str, Schema] = {
    "ref": string("The component's id within its collection."),
    "collection": string("The collection's identifier."),
    "title": TITLE,
    "level": string("series, subseries, file, item..."),
    "date": string("The dates as written."),
    "container_summary": string("Box 3, Folder 12."),
    "has_digital_object": boolean(),
    "child_count": integer("Components directly inside it.", minimum=0),
}
_DESCRIPTION: dict[str, Schema] = {
    "title_html": string("The title as safe HTML."),
    "undated": boolean(),
    "dates": array(ref("DateSpan")),
    "languages": array(ref("Language")),
    "notes": array(ref("Note"), "In the order of the finding aid."),
    "terms": array(ref("Term"), "Subjects, names, places, genres."),
    "digital_objects": array(ref("DigitalObject")),
    "citation": string("A citation in the Chicago style, with the portal's address."),
}

RECORDS: dict[str, Schema] = {
    "CollectionSummary": obj(
        "A collection as lists show it.",
        {
            **_COLLECTION_SUMMARY,
            "links": links(
                "The collection in the API and the portal, and its top-level components.",
                "self",
                "html",
                "components",
            ),
        },
    ),
    "Collection": obj(
        "A collection: the finding aid's summary, notes, terms and digital objects.",
        {
            **_COLLECTION_SUMMARY,
            **_DESCRIPTION,
            "level": string("collection, fonds, recordgrp..."),
            "repository": string(),
            "eadid": string(),
            "ead_version": string("2002 or 3."),
            "finding_aid": ref("FindingAid"),
            "updated_at": string("When it was last loaded or changed.", format="date-time"),
            "exports": array(ref("ExportLink"), "Its exports in the API."),
            "links": links(
                "The collection in the API and the portal; its components; its EAD file, "
                "printable page and PDF in the portal.",
                "self",
                "html",
                "components",
                "ead",
                "pdf",
                "print",
            ),
        },
    ),
    "ComponentSummary": obj(
        "A component as a contents list shows it.",
        {
            **_COMPONENT_SUMMARY,
            "links": links(
                "The component in the API and the portal, and its children.",
                "self",
                "html",
                "children",
            ),
        },
    ),
    "Component": obj(
        "A series, folder or item, with where it sits.",
        {
            **_COMPONENT_SUMMARY,
            **_DESCRIPTION,
            "collection_title": TITLE,
            "unitid": string(),
            "begin_year": YEAR,
            "end_year": YEAR,
            "extent": string(),
            "depth": integer("1 for a top-level component.", minimum=1),
            "position": integer("Its place among its siblings, from 1.", minimum=1),
            "containers": array(ref("Container")),
            "ancestors": array(ref("ComponentRef"), "The breadcrumb, outermost first."),
            "parent": nullable(ref("ComponentRef")),
            "links": links(
                "The component in the API and the portal, its children and its collection.",
                "self",
                "html",
                "children",
                "collection",
            ),
        },
    ),
}

# -- the roster ----------------------------------------------------------------------

_AGENT_SUMMARY: dict[str, Schema] = {
    "identifier": string(),
    "kind": string(enum=[k for k, _ in Agent.KINDS]),
    "name": string("The authorized name."),
    "sort_name": string(),
    "organization_type": string("national, grassroots...; empty for people."),
    "existence": string("EDTF dates of existence: 1964-04/1971, 1948-01-20/.."),
    "dates": string("The same in words."),
    "begin_year": YEAR,
    "end_year": YEAR,
    "summary": string(),
    "links": links("The record in the API and in the portal.", "self", "html"),
}

RECORDS |= {
    "AgentSummary": obj("An organization, person or family as lists show it.", _AGENT_SUMMARY),
    "AgentName": obj(
        "One of the names of a roster record, in its language and script.",
        {
            "name": string(),
            "type": string(enum=[t for t, _ in AgentName.TYPES]),
            "language": string("BCP 47: en, ru, he."),
            "script": string("ISO 15924: Latn, Cyrl, Hebr."),
            "transliteration": string(),
            "dates": string("EDTF: when the name was used."),
            "direction": string("How the name is written.", enum=["ltr", "rtl"]),
        },
    ),
    "Place": obj(
        "A place of a roster record.",
        {"name": string(), "role": string("birthplace, headquarters..."), "date": string()},
    ),
    "Relation": obj(
        "A relation between roster records, seen from this record (both ends are shown).",
        {
            "type": string("predecessor_of, member_of, led_by..."),
            "label": string("The type in words."),
            "direction": string(
                "out: stated by this record; in: stated by the other one.", enum=["out", "in"]
            ),
            "agent": nullable(ref("AgentRef")),
            "name": string("The other end's name (also when it is not in the roster)."),
            "role": string("e.g. first president."),
            "dates": string("EDTF."),
            "dates_label": string(),
            "note": string(),
        },
    ),
    "Appearance": obj(
        "A collection the record created (creator) or is named in (subject, text).",
        {
            "role": string(enum=[r for r, _ in Appearance.ROLES]),
            "collection": ref("CollectionRef"),
            "whole_collection": boolean("Named for the collection as a whole."),
            "component_count": integer("Components it is named in.", minimum=0),
            "components": array(ref("ComponentRef"), "The first 25 of them, in order."),
        },
    ),
    "Agent": obj(
        "An organization, person or family of the roster.",
        {
            **_AGENT_SUMMARY,
            "names": array(ref("AgentName")),
            "places": array(ref("Place")),
            "history": string("Markdown."),
            "history_html": string("The history as safe HTML."),
            "sources": array(string()),
            "relations": array(ref("Relation")),
            "appearances": array(ref("Appearance")),
            "events": array(ref("EventRef")),
            "works": array(ref("WorkRef")),
            "exports": array(ref("ExportLink"), "Its EAC-CPF records."),
        },
    ),
}

# -- timeline and bibliography -------------------------------------------------------

_EVENT_SUMMARY: dict[str, Schema] = {
    "identifier": string(),
    "title": string(),
    "date": string("EDTF: 1970-06-15, 1971-02, 1970s, 1962?, 1987-12/1988."),
    "date_label": string("The date in words."),
    "sort_date": nullable(string("The earliest day the date allows.", format="date")),
    "end_date": nullable(string("The latest day it allows.", format="date")),
    "place": string(),
    "language": string("BCP 47 of the text."),
    "direction": string(enum=["ltr", "rtl"]),
    "links": links("The event in the API and in the portal.", "self", "html"),
}
_WORK_SUMMARY: dict[str, Schema] = {
    "identifier": string(),
    "title": string(),
    "type": string("The CSL type."),
    "issued_year": YEAR,
    "creators": string("Authors or editors, as one line."),
    "links": links("The work in the API and in the portal.", "self", "html"),
}
FORMATTED = obj("A formatted citation.", {"html": string(), "text": string()})

RECORDS |= {
    "EventSummary": obj("An event as lists show it.", _EVENT_SUMMARY),
    "Event": obj(
        "An event of the timeline, with what the archive holds about it.",
        {
            **_EVENT_SUMMARY,
            "description": string("Markdown."),
            "description_html": string("The description as safe HTML."),
            "media": {"type": "object", "description": "A TimelineJS media object, or {}."},
            "sources": array(string()),
            "agents": array(ref("AgentRef")),
            "collections": array(ref("CollectionRef")),
            "components": array(ref("ComponentRef"), "Folders and items that document it."),
            "works": array(ref("WorkRef")),
        },
    ),
    "WorkSummary": obj("A work as lists show it.", _WORK_SUMMARY),
    "CslItem": {
        "type": "object",
        "description": "A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/"
        "markup.html); its id is the work's identifier.",
        "properties": {"id": string(), "type": string(), "title": string()},
        "required": ["id"],
    },
    "Work": obj(
        "A work of the bibliography: its CSL-JSON item and its citations.",
        {
            **_WORK_SUMMARY,
            "csl": ref("CslItem"),
            "citations": obj(
                "Bibliography entries in each style.",
                {"chicago-notes-bibliography": FORMATTED, "chicago-author-date": FORMATTED},
            ),
            "note": {**FORMATTED, "description": "A full note (Chicago notes-bibliography)."},
            "agents": array(ref("AgentRef")),
            "events": array(ref("EventRef")),
        },
    ),
}

# -- research guides -----------------------------------------------------------------

_GUIDE_SUMMARY: dict[str, Schema] = {
    "slug": string("The guide's id in URLs."),
    "title": string(),
    "summary": string("One or two sentences, Markdown."),
    "summary_html": string("The summary as safe HTML."),
    "links": links("The guide in the API and in the portal.", "self", "html"),
}
RECORDS |= {
    "GuideSummary": obj("A research guide as lists show it.", _GUIDE_SUMMARY),
    "GuideEntry": obj(
        "A record the guide points at, with the archivist's note. Only public records.",
        {
            "kind": string(enum=["collection", "component", "agent", "event", "work"]),
            "label": string("What it is, in words: Collection, Series, Organization..."),
            "title": string(),
            "date": string("Its dates, as written or in words."),
            "context": string("A component's collection, a work's authors, an event's place."),
            "note": string("Why it matters, Markdown."),
            "note_html": string("The note as safe HTML."),
            "links": links("The record in the API and in the portal.", "self", "html"),
        },
    ),
    "Guide": obj(
        "A research guide: an introduction and an ordered list of entries.",
        {
            **_GUIDE_SUMMARY,
            "introduction": string("Markdown."),
            "introduction_html": string("The introduction as safe HTML."),
            "entries": array(ref("GuideEntry"), "In the guide's order."),
        },
    ),
}

# -- search and exports --------------------------------------------------------------

RECORDS |= {
    "SearchHit": obj(
        "A record found: a collection, component, roster record, event or work.",
        {
            "key": string("type:identifier, or component:collection/ref."),
            "type": string(
                enum=["collection", "component", *(k for k, _ in Agent.KINDS), "event", "work"]
            ),
            "title": string(),
            "date": string("The dates as written, or in words."),
            "level": string("A component's level; empty for other records."),
            "container": string("A component's containers: Box 3, Folder 12."),
            "digital": boolean("It has a digital object."),
            "score": {"type": "number", "description": "Relevance; higher is better."},
            "snippet": string("Where the words were found, <mark>ed; safe HTML."),
            "collection": nullable(ref("CollectionRef")),
            "path": array(
                obj("An ancestor.", {"title": string(), "url": url("In the portal.")}),
                "Where a component sits: its series and subseries, outermost first.",
            ),
            "links": links("The record in the API and in the portal.", "self", "html"),
        },
    ),
    "FacetValue": obj(
        "A value of a facet, with how many records have it.",
        {
            "value": string("What to pass back as the facet's parameter."),
            "label": string("The value in words (collection titles, record types)."),
            "count": integer(minimum=0),
            "selected": boolean("The request chose it."),
        },
    ),
    "Exporter": obj(
        "An export format.",
        {
            "name": string(),
            "title": string(),
            "media_type": string(),
            "extension": string(),
            "scope": string(
                "archive: the whole portal; collection or agent: one record, by ?id=.",
                enum=["archive", "collection", "agent"],
            ),
            "requires_id": boolean(),
            "links": links("Where to download it (add ?id= when it requires one).", "self"),
        },
    ),
}


def all_schemas() -> dict[str, Schema]:
    """Every object of every answer (the answers themselves are in fonds.api.openapi)."""
    return {**PARTS, **RECORDS}

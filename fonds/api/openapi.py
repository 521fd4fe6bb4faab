"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

Written out by hand, as data: every path, parameter and answer. The object schemas
are in :mod:`fonds.api.schemas`. ``tests/api/test_openapi.py`` fails when a view
accepts a query parameter this description does not list (or lists one the view
does not accept), and validates answers against these schemas.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from fonds.authorities.models import Agent
from fonds.exports.registry import all_exporters
from fonds.search.backends.base import FACETS
from fonds.search.service import SORTS

from .params import DEFAULT_LIMIT, MAX_LIMIT
from .schemas import Schema, all_schemas, array, integer, links, nullable, obj, ref, string, url

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

INTRODUCTION = """\
Read-only JSON for every public record of the portal (collections and their
components, the roster, the timeline, the bibliography), for search with its facets,
and for the exports. Nothing marked internal or unpublished is ever returned.

**Lists** answer `{"data": [...], "next": url-or-null}`. Follow `next` to walk every
record: it carries an opaque `cursor` (signed; do not build or edit one) and the
parameters of the first page. `limit` takes 1 to 100 (default 20).

**Errors** all answer `{"error": {"status": 404, "code": "not_found", "message": "..."}}`
with the same status in the HTTP response: 400 (`invalid_parameter`,
`missing_parameter`, `invalid_cursor`), 404 (`not_found`, also for any unknown path
under /api/), 405 (`method_not_allowed`: the API answers GET, HEAD and OPTIONS only)
and 500 (`server_error`).

Any origin may call the API from a browser (`Access-Control-Allow-Origin: *`).
"""


def page_of(item: str, description: str) -> Schema:
    return obj(
        description,
        {
            "data": array(ref(item)),
            "next": nullable(url("The next page; null on the last one.")),
        },
    )


def record_of(item: str, description: str) -> Schema:
    return obj(description, {"data": ref(item)})


# The answers of the operations: a page of records, a record, the search results...
ANSWERS: dict[str, Schema] = {
    "Index": obj(
        "The API's index.",
        {
            "data": obj(
                "What the API is and where its parts are.",
                {
                    "name": string(),
                    "version": string(),
                    "links": links(
                        "The parts of the API, and the portal.",
                        "self",
                        "openapi",
                        "collections",
                        "agents",
                        "events",
                        "works",
                        "guides",
                        "search",
                        "exports",
                        "html",
                    ),
                },
            )
        },
    ),
    "CollectionPage": page_of("CollectionSummary", "A page of collections."),
    "CollectionRecord": record_of("Collection", "One collection."),
    "ComponentPage": page_of("ComponentSummary", "A page of components."),
    "ComponentRecord": record_of("Component", "One component."),
    "AgentPage": page_of("AgentSummary", "A page of roster records."),
    "AgentRecord": record_of("Agent", "One roster record."),
    "EventPage": page_of("EventSummary", "A page of events."),
    "EventRecord": record_of("Event", "One event."),
    "WorkPage": page_of("WorkSummary", "A page of works."),
    "WorkRecord": record_of("Work", "One work."),
    "GuidePage": page_of("GuideSummary", "A page of research guides."),
    "GuideRecord": record_of("Guide", "One research guide."),
    "ExporterList": page_of("Exporter", "Every export format (one page: next is null)."),
    "SearchResults": obj(
        "A page of search results, with the facets of all of them.",
        {
            "data": array(ref("SearchHit")),
            "next": nullable(url("The next page; null on the last one.")),
            "total": integer("How many records match.", minimum=0),
            "facets": obj(
                "Each facet's values with their counts. A facet's counts are taken with "
                "every filter but its own, so the other values of a chosen facet stay.",
                {facet: array(ref("FacetValue")) for facet in FACETS},
            ),
        },
    ),
    "OpenApi": {
        "type": "object",
        "description": "This description.",
        "required": ["openapi", "info", "paths"],
    },
}


def _param(name: str, where: str, schema: Schema, description: str, **more: Any) -> Schema:
    parameter: Schema = {"name": name, "in": where, "description": description, "schema": schema}
    if where == "path":
        parameter["required"] = True
    parameter.update(more)
    return parameter


NO_NUL = "^[^\\u0000]*$"


def _text(max_length: int = 5000) -> Schema:
    return {"type": "string", "maxLength": max_length, "pattern": NO_NUL}


def _year() -> Schema:
    return {"type": "integer", "minimum": -9999, "maximum": 9999}


def _path(name: str, description: str, example: str) -> Schema:
    return _param(
        name,
        "path",
        {"type": "string", "minLength": 1, "pattern": NO_NUL},
        description,
        example=example,
    )


PARAMETERS: dict[str, Schema] = {
    "limit": _param(
        "limit",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "How many records a page holds.",
    ),
    "cursor": _param(
        "cursor",
        "query",
        _text(2000),
        "Where the page starts: take it from the previous page's `next`, never build it. "
        "A cursor altered or taken from another listing is a 400 `invalid_cursor`.",
    ),
    "from": _param(
        "from", "query", _year(), "Records whose dates reach this year or later (overlap)."
    ),
    "to": _param("to", "query", _year(), "Records whose dates begin in this year or earlier."),
}


def _refs(*names: str) -> list[Schema]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


PAGING = _refs("limit", "cursor")

IDENTIFIER = _path("identifier", "The collection's identifier.", "DEMO-001")
REF = _path("ref", "The component's id within its collection.", "demo001-s1")
AGENT = _path("identifier", "The roster record's identifier.", "ncsj")
EVENT = _path("identifier", "The event's identifier.", "1970-06-15-leningrad-arrests")
WORK = _path("identifier", "The work's identifier.", "beckerman-2010")
GUIDE = _path("slug", "The guide's slug.", "resettlement")

ALLOW_ORIGIN = {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}}


def _json(schema: str, description: str) -> Schema:
    return {
        "description": description,
        "headers": ALLOW_ORIGIN,
        "content": {"application/json": {"schema": ref(schema)}},
    }


def _error(description: str) -> Schema:
    return _json("Error", description)


BAD_REQUEST = _error("A parameter does not fit (`invalid_parameter`, `invalid_cursor`...).")
NOT_FOUND = _error("No such record (`not_found`).")
OTHER_ERRORS = _error("Another error: 405 for a method other than GET, 500 for a failure.")


def _operation(
    operation_id: str,
    summary: str,
    answer: str,
    *,
    tag: str,
    parameters: list[Schema] | None = None,
    found: bool = False,
    description: str = "",
) -> Schema:
    """A GET operation answering JSON; 400 when it has query parameters, 404 when it
    looks a record up."""
    parameters = parameters or []
    responses: dict[str, Schema] = {"200": _json(answer, summary)}
    if any(p.get("in") != "path" for p in parameters):
        responses["400"] = BAD_REQUEST
    if found:
        responses["404"] = NOT_FOUND
    responses["default"] = OTHER_ERRORS
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "parameters": parameters,
        "responses": responses,
    }
    if description:
        operation["description"] = description
    return operation


def _paths() -> dict[str, Schema]:
    exporters = sorted(all_exporters().values(), key=lambda e: e.name)
    media_types = sorted({e.media_type for e in exporters})
    facet_parameters = [
        _param(
            facet,
            "query",
            {"type": "array", "items": _text(1000), "maxItems": 20},
            f"Only records with this {facet} (repeat for either of several values); "
            "the values are those of `facets` in the answer.",
            style="form",
            explode=True,
        )
        for facet in FACETS
    ]
    return {
        "/": {
            "get": _operation("index", "The API's index: links to its parts.", "Index", tag="index")
        },
        "/openapi.json": {
            "get": _operation("openapi", "This OpenAPI description.", "OpenApi", tag="index")
        },
        "/collections": {
            "get": _operation(
                "listCollections",
                "The public collections, by title.",
                "CollectionPage",
                tag="collections",
                parameters=[
                    *_refs("from", "to"),
                    _param(
                        "creator",
                        "query",
                        _text(1000),
                        "Only collections with this creator, written exactly as in `creators`.",
                    ),
                    *PAGING,
                ],
            )
        },
        "/collections/{identifier}": {
            "get": _operation(
                "getCollection",
                "A collection: summary, notes, terms, digital objects, creators, exports.",
                "CollectionRecord",
                tag="collections",
                parameters=[IDENTIFIER],
                found=True,
            )
        },
        "/collections/{identifier}/components": {
            "get": _operation(
                "listTopComponents",
                "The top-level components of a collection, in the finding aid's order.",
                "ComponentPage",
                tag="collections",
                parameters=[IDENTIFIER, *PAGING],
                found=True,
            )
        },
        "/collections/{identifier}/components/{ref}": {
            "get": _operation(
                "getComponent",
                "A component with its breadcrumb, containers, notes, terms and digital objects.",
                "ComponentRecord",
                tag="collections",
                parameters=[IDENTIFIER, REF],
                found=True,
            )
        },
        "/collections/{identifier}/components/{ref}/children": {
            "get": _operation(
                "listChildComponents",
                "The components directly inside a component, in order.",
                "ComponentPage",
                tag="collections",
                parameters=[IDENTIFIER, REF, *PAGING],
                found=True,
            )
        },
        "/agents": {
            "get": _operation(
                "listAgents",
                "The roster's organizations, people and families, by sort name.",
                "AgentPage",
                tag="roster",
                parameters=[
                    _param(
                        "kind",
                        "query",
                        {"type": "string", "enum": [k for k, _ in Agent.KINDS]},
                        "Only records of this kind.",
                    ),
                    _param(
                        "type",
                        "query",
                        {"type": "string", "enum": [t for t, _ in Agent.ORGANIZATION_TYPES]},
                        "Only organizations of this type.",
                    ),
                    *PAGING,
                ],
            )
        },
        "/agents/{identifier}": {
            "get": _operation(
                "getAgent",
                "A roster record: names in every script, relations from both ends, the "
                "collections it created or is named in, its events and works.",
                "AgentRecord",
                tag="roster",
                parameters=[AGENT],
                found=True,
            )
        },
        "/events": {
            "get": _operation(
                "listEvents",
                "The events of the timeline, in date order (undated last).",
                "EventPage",
                tag="timeline",
                parameters=[
                    _param(
                        "decade",
                        "query",
                        {"type": "integer", "minimum": 0, "maximum": 9990, "multipleOf": 10},
                        "Only events that begin in this decade (1970: 1970 to 1979).",
                    ),
                    _param(
                        "agent",
                        "query",
                        _text(200),
                        "Only events linked to this roster record (its identifier).",
                    ),
                    *PAGING,
                ],
            )
        },
        "/events/{identifier}": {
            "get": _operation(
                "getEvent",
                "An event, with the roster records, collections, folders and works linked to it.",
                "EventRecord",
                tag="timeline",
                parameters=[EVENT],
                found=True,
            )
        },
        "/works": {
            "get": _operation(
                "listWorks",
                "The works of the bibliography, by author and year.",
                "WorkPage",
                tag="bibliography",
                parameters=PAGING,
            )
        },
        "/works/{identifier}": {
            "get": _operation(
                "getWork",
                "A work: its CSL-JSON item and its citations, formatted.",
                "WorkRecord",
                tag="bibliography",
                parameters=[WORK],
                found=True,
            )
        },
        "/guides": {
            "get": _operation(
                "listGuides",
                "The published research guides, in the archivist's order.",
                "GuidePage",
                tag="guides",
                parameters=PAGING,
            )
        },
        "/guides/{slug}": {
            "get": _operation(
                "getGuide",
                "A research guide: its introduction and its entries, each with the "
                "archivist's note and the record it points at.",
                "GuideRecord",
                tag="guides",
                parameters=[GUIDE],
                found=True,
            )
        },
        "/search": {
            "get": _operation(
                "search",
                "Search every record: collections, components, the roster, the timeline and "
                "the bibliography, with facets.",
                "SearchResults",
                tag="search",
                description=(
                    "Any string is a valid query: words are found in any spelling or script "
                    "the roster knows, accents aside; quotes make a phrase and a leading "
                    "minus excludes a word. Facets are multi-select. Paging stops after "
                    "10,000 results: narrow the search to see more."
                ),
                parameters=[
                    _param("q", "query", _text(), "The words to find; empty: everything."),
                    *facet_parameters,
                    *_refs("from", "to"),
                    _param(
                        "sort",
                        "query",
                        {"type": "string", "enum": list(SORTS), "default": "relevance"},
                        "relevance, date (oldest first), -date (newest first) or title.",
                    ),
                    *PAGING,
                ],
            )
        },
        "/exports": {
            "get": _operation(
                "listExports",
                "The export formats: what each covers and where to download it.",
                "ExporterList",
                tag="exports",
            )
        },
        "/exports/{name}": {
            "get": {
                "operationId": "export",
                "summary": "One export, as the format's file.",
                "tags": ["exports"],
                "description": (
                    "Formats whose scope is `collection` or `agent` export one record, "
                    "named by `id`; the others cover the whole archive and take no `id`."
                ),
                "parameters": [
                    _param(
                        "name",
                        "path",
                        {"type": "string", "enum": [e.name for e in exporters]},
                        "The format, as listed by /exports.",
                        example="csl-json",
                    ),
                    _param(
                        "id",
                        "query",
                        _text(200),
                        "The collection's or roster record's identifier, for formats of "
                        "that scope.",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The file, as an attachment.",
                        "headers": ALLOW_ORIGIN,
                        "content": {media: {"schema": {}} for media in media_types},
                    },
                    "400": BAD_REQUEST,
                    "404": NOT_FOUND,
                    "default": OTHER_ERRORS,
                },
            }
        },
    }


def description() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": f"{settings.ARCHIVE_NAME}: JSON API",
            "version": API_VERSION,
            "description": INTRODUCTION,
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1", "description": "This portal."}],
        "tags": [
            {"name": "index", "description": "Where things are."},
            {"name": "collections", "description": "Finding aids and their components."},
            {"name": "roster", "description": "Organizations, people and families."},
            {"name": "timeline", "description": "Events, dated in EDTF."},
            {"name": "bibliography", "description": "Works, as CSL-JSON."},
            {"name": "guides", "description": "Research guides: a path through the archive."},
            {"name": "search", "description": "One search over everything, with facets."},
            {"name": "exports", "description": "The files of every export format."},
        ],
        "paths": _paths(),
        "components": {
            "schemas": {**all_schemas(), **ANSWERS},
            "parameters": PARAMETERS,
            "headers": {
                "AllowOrigin": {
                    "description": "Any origin may read the API.",
                    "required": True,
                    "schema": {"type": "string", "const": "*"},
                }
            },
        },
    }

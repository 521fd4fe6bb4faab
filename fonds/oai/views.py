"""The OAI-PMH 2.0 endpoint at /oai: the six verbs over GET and POST.

Every answer is HTTP 200 with an OAI-PMH document, errors included; the request
element echoes the arguments except after badVerb and badArgument, as the protocol
says. Lists come in pages of :func:`page_size` items (``FONDS_OAI_PAGE_SIZE`` in
the settings, else :data:`PAGE_SIZE`) with resumption tokens.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from . import responses, tokens
from .dublincore import absolute
from .metadata import FORMATS, MetadataFormat
from .protocol import (
    BAD_RESUMPTION_TOKEN,
    CANNOT_DISSEMINATE_FORMAT,
    ID_DOES_NOT_EXIST,
    NO_METADATA_FORMATS,
    NO_RECORDS_MATCH,
    OAIError,
    Request,
    check_arguments,
    window,
)
from .records import (
    GROUPS,
    KINDS,
    Item,
    Selection,
    Stamps,
    find,
    known_set,
    oai_identifier,
    public_rows,
    sets_after,
)

PAGE_SIZE = 100
# Whole finding aids can be megabytes each: their lists come in smaller pages.
DOCUMENT_PAGE_SIZE = 10
CONTENT_TYPE = "text/xml; charset=utf-8"


def page_size(prefix: str | None = None) -> int:
    size = max(1, int(getattr(settings, "FONDS_OAI_PAGE_SIZE", PAGE_SIZE)))
    return min(size, DOCUMENT_PAGE_SIZE) if prefix in ("ead", "ead3") else size


class Context:
    """What one response needs: the time it is made and the datestamps."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)
        self.stamps = Stamps()


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def endpoint(request: HttpRequest) -> HttpResponse:
    arguments = request.POST if request.method == "POST" else request.GET
    context = Context()
    try:
        checked = check_arguments(arguments.lists())
    except OAIError as problem:
        root, _ = responses.envelope(context.now, None)
        responses.errors(root, [problem])
        return _response(root)
    root, _ = responses.envelope(context.now, {"verb": checked.verb, **checked.arguments})
    try:
        VERBS[checked.verb](root, checked, context)
    except OAIError as problem:
        del root[2:]
        responses.errors(root, [problem])
    return _response(root)


def _response(root: etree._Element) -> HttpResponse:
    return HttpResponse(responses.serialize(root), content_type=CONTENT_TYPE)


# -- the verbs ---------------------------------------------------------------------------


def identify(root: etree._Element, request: Request, context: Context) -> None:
    first = public_rows("collection").values_list("identifier", flat=True).first()
    sample = oai_identifier("collection", first or "DEMO-001")
    responses.identify(root, context.stamps.earliest, sample)


def list_metadata_formats(root: etree._Element, request: Request, context: Context) -> None:
    formats: Iterable[MetadataFormat] = FORMATS.values()
    identifier = request.get("identifier")
    if identifier is not None:
        item = _item(identifier, context)
        formats = [f for f in formats if f.has(item.kind, item.record)]
        if not formats:
            raise OAIError(
                NO_METADATA_FORMATS, f"No metadata format is available for {identifier}."
            )
    element = responses.sub(root, "ListMetadataFormats")
    for chosen in formats:
        responses.metadata_format(element, chosen.prefix, chosen.schema, chosen.namespace)


def list_sets(root: etree._Element, request: Request, context: Context) -> None:
    resumed = _resume(request)
    after = resumed.after if resumed else None
    if after is not None and after[0] not in GROUPS:
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid.")
    size = page_size()
    entries = sets_after(after, size + 1)
    more = len(entries) > size
    entries = entries[:size]
    if not entries:
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken points past the last set.")
    element = responses.sub(root, "ListSets")
    for entry in entries:
        description: list[tuple[str, str]] = []
        if entry.collection is not None:
            description = [
                ("title", entry.collection.display_title),
                ("description", entry.collection.abstract),
                ("identifier", absolute(entry.collection.get_absolute_url())),
            ]
        responses.set_entry(element, entry.spec, entry.name, description)
    cursor = resumed.cursor if resumed else 0
    if more or resumed:
        total = len(GROUPS) - 1 + public_rows("collection").count()
        token = ""
        if more:
            token = tokens.issue(tokens.Resumption("ListSets", {}, entries[-1].key, cursor + size))
        responses.resumption_token(
            element, token, total, cursor, tokens.expiration(context.now) if more else None
        )


def list_identifiers(root: etree._Element, request: Request, context: Context) -> None:
    _list(root, request, context, full=False)


def list_records(root: etree._Element, request: Request, context: Context) -> None:
    _list(root, request, context, full=True)


def get_record(root: etree._Element, request: Request, context: Context) -> None:
    identifier = request.get("identifier") or ""
    prefix = request.get("metadataPrefix") or ""
    item = _item(identifier, context)
    chosen = FORMATS.get(prefix)
    if chosen is None or not chosen.has(item.kind, item.record):
        raise OAIError(CANNOT_DISSEMINATE_FORMAT, f"{identifier} is not available as {prefix!r}.")
    metadata = None if item.deleted else chosen.render(item.kind, item.record)
    responses.record(responses.sub(root, "GetRecord"), item, metadata)


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
    "GetRecord": get_record,
}


# -- helpers -----------------------------------------------------------------------------


def _item(identifier: str, context: Context) -> Item:
    item = find(identifier, context.stamps)
    if item is None:
        raise OAIError(ID_DOES_NOT_EXIST, f"{identifier} is not an item of this repository.")
    return item


def _resume(request: Request) -> tokens.Resumption | None:
    token = request.get("resumptionToken")
    return tokens.redeem(token, request.verb) if token is not None else None


def _list(root: etree._Element, request: Request, context: Context, full: bool) -> None:
    resumed = _resume(request)
    arguments = resumed.arguments if resumed else dict(request.arguments)
    prefix = arguments.get("metadataPrefix", "")
    chosen = FORMATS.get(prefix)
    if chosen is None:
        if resumed:
            raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken names an unknown format.")
        raise OAIError(
            CANNOT_DISSEMINATE_FORMAT, f"{prefix!r} is not a metadata format of this repository."
        )
    try:
        dates = window(arguments.get("from"), arguments.get("until"))
    except OAIError:
        if not resumed:
            raise
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid.") from None
    set_spec = arguments.get("set")
    if set_spec is not None and not known_set(set_spec):
        raise OAIError(NO_RECORDS_MATCH, f"There is no set {set_spec!r}.")
    selection = Selection(chosen, dates, set_spec)
    size = page_size(prefix if full else None)
    after = resumed.after if resumed else None
    if after is not None and after[0] not in KINDS:
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid.")
    items, more = selection.page(after, size, context.stamps, full)
    if not items:
        raise OAIError(NO_RECORDS_MATCH, "No records match the request.")
    element = responses.sub(root, "ListRecords" if full else "ListIdentifiers")
    for item in items:
        if full:
            metadata = None if item.deleted else chosen.render(item.kind, item.record)
            responses.record(element, item, metadata)
        else:
            responses.header(element, item)
    cursor = resumed.cursor if resumed else 0
    if more or resumed:
        token = ""
        if more:
            token = tokens.issue(
                tokens.Resumption(request.verb, arguments, items[-1].key, cursor + len(items))
            )
        responses.resumption_token(
            element,
            token,
            selection.count(context.stamps),
            cursor,
            tokens.expiration(context.now) if more else None,
        )

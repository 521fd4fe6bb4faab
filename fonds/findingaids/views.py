"""Public pages of collections and components. Internal content is left out by the
default managers; nothing here asks for ``all_objects``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import presentation
from .models import AccessTerm, Collection, Component

CHILDREN_PER_PAGE = 250
COLLECTIONS_PER_PAGE = 50
# What a line of a contents list needs, and no more.
LIST_FIELDS = [
    "ref",
    "title",
    "date_text",
    "level",
    "container_summary",
    "sequence",
    "subtree_end",
    "collection_id",
    "has_digital_object",
]
COLLECTION_SORTS = {
    "title": ["title"],
    "date": ["begin_year", "title"],
    "-date": ["-begin_year", "title"],
    "identifier": ["unitid", "identifier"],
}


def _count(rows: QuerySet[Component]) -> Coalesce:
    """How many of ``rows`` (correlated to the outer query) there are, as a subquery."""
    counted = rows.order_by().values("collection").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def with_public_counts(collections: QuerySet[Collection]) -> QuerySet[Collection]:
    """Collections with ``public_components``: what a list may say they hold."""
    return collections.annotate(
        public_components=_count(Component.objects.filter(collection=OuterRef("pk")))
    )


def with_public_descendants(components: QuerySet[Component]) -> QuerySet[Component]:
    """Components with ``public_descendants``: hidden ones are neither shown nor counted."""
    inside = Component.objects.filter(
        collection_id=OuterRef("collection_id"),
        sequence__gt=OuterRef("sequence"),
        sequence__lte=OuterRef("subtree_end"),
    )
    return components.annotate(public_descendants=_count(inside))


def _year(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def collection_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "title")
    sort = sort if sort in COLLECTION_SORTS else "title"
    date_from, date_to = _year(request.GET.get("from")), _year(request.GET.get("to"))
    creator = request.GET.get("creator", "").strip()
    collections = Collection.objects.only(
        "identifier",
        "title",
        "unitid",
        "date_text",
        "extent",
        "abstract",
        "component_count",
        "begin_year",
    )
    if date_to is not None:
        collections = collections.filter(begin_year__lte=date_to)
    if date_from is not None:
        collections = collections.filter(Q(end_year__gte=date_from) | Q(end_year__isnull=True))
        collections = collections.exclude(begin_year__isnull=True)
    if creator:
        collections = collections.filter(
            terms__relation=AccessTerm.CREATOR, terms__component__isnull=True, terms__text=creator
        ).distinct()
    collections = with_public_counts(collections.order_by(*COLLECTION_SORTS[sort]))
    page = Paginator(collections, COLLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    creators = (
        AccessTerm.objects.filter(relation=AccessTerm.CREATOR, component__isnull=True)
        .values_list("text", flat=True)
        .distinct()
        .order_by("text")
    )
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "findingaids/collection_list.html",
        {
            "page": page,
            "sort": sort,
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
            "creator": creator,
            "creators": list(creators),
            "query": urlencode(keep),
            "filtered": bool(date_from or date_to or creator),
        },
    )


def _children(request: HttpRequest, queryset: QuerySet[Component]) -> Any:
    return Paginator(
        with_public_descendants(queryset.only(*LIST_FIELDS)), CHILDREN_PER_PAGE
    ).get_page(request.GET.get("page"))


def _public_collection(identifier: str) -> Collection:
    return get_object_or_404(Collection, identifier=identifier)


def _public_component(identifier: str, ref: str) -> Component:
    component: Component = get_object_or_404(
        Component.objects.select_related("collection"),
        collection__identifier=identifier,
        collection__internal=False,
        ref=ref,
    )
    return component


def collection_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    collection = _public_collection(identifier)
    terms = list(collection.terms.filter(component__isnull=True))
    top = Component.objects.filter(collection=collection, depth=1).order_by("sequence")
    url = request.build_absolute_uri(collection.get_absolute_url())
    return render(
        request,
        "findingaids/collection_detail.html",
        {
            "collection": collection,
            "creators": presentation.creator_links(terms),
            "term_groups": presentation.term_groups(terms),
            "summary_notes": presentation.summary_notes(collection.notes),
            "sections": presentation.sections(collection.notes),
            "digital_objects": collection.digital_objects.filter(component__isnull=True),
            "children": _children(request, top),
            "citation": presentation.citation(None, collection, url),
            "repository": presentation.repository_of(collection),
        },
    )


def component_detail(request: HttpRequest, identifier: str, ref: str) -> HttpResponse:
    component = _public_component(identifier, ref)
    collection = component.collection
    siblings = Component.objects.filter(collection=collection, parent_id=component.parent_id)
    terms = list(component.terms.all())
    url = request.build_absolute_uri(component.get_absolute_url())
    return render(
        request,
        "findingaids/component_detail.html",
        {
            "collection": collection,
            "component": component,
            "ancestors": list(component.ancestors()),
            "previous": siblings.filter(sequence__lt=component.sequence)
            .order_by("-sequence")
            .only("ref", "title", "date_text")
            .first(),
            "next": siblings.filter(sequence__gt=component.sequence)
            .order_by("sequence")
            .only("ref", "title", "date_text")
            .first(),
            "creators": presentation.creator_links(terms),
            "term_groups": presentation.term_groups(terms),
            "sections": presentation.sections(component.notes),
            "summary_notes": presentation.summary_notes(component.notes),
            "digital_objects": list(component.digital_objects.all()),
            "children": _children(request, component.children.order_by("sequence")),
            "citation": presentation.citation(component, collection, url),
            "contact_query": urlencode({"collection": collection.identifier, "ref": component.ref}),
        },
    )


def component_children(request: HttpRequest, identifier: str, ref: str) -> HttpResponse:
    """The children of a component as a list fragment, for the contents tree."""
    component = _public_component(identifier, ref)
    response = render(
        request,
        "findingaids/_tree.html",
        {
            "collection": component.collection,
            "children": _children(request, component.children.order_by("sequence")),
            "parent": component,
            "fragment": True,
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response

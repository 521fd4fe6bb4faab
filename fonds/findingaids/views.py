"""Public pages of collections and components. Internal content is left out by the
default managers; nothing here asks for ``all_objects``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import AccessTerm, Collection, Component

CHILDREN_PER_PAGE = 250
TERM_HEADINGS = dict(AccessTerm.KINDS)
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


def collection_list(request: HttpRequest) -> HttpResponse:
    collections = Collection.objects.only(
        "identifier", "title", "unitid", "date_text", "extent", "abstract", "component_count"
    ).order_by("title")
    return render(request, "findingaids/collection_list.html", {"collections": collections})


def _grouped_terms(terms: list[AccessTerm]) -> list[tuple[str, list[AccessTerm]]]:
    groups: dict[str, list[AccessTerm]] = defaultdict(list)
    for term in terms:
        if term.relation != AccessTerm.CREATOR:
            groups[TERM_HEADINGS.get(term.kind, term.kind)].append(term)
    return sorted(groups.items())


def _children_page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))


def collection_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    collection = get_object_or_404(Collection, identifier=identifier)
    terms = list(collection.terms.filter(component__isnull=True))
    top = Component.objects.filter(collection=collection, depth=1).only(*LIST_FIELDS)
    return render(
        request,
        "findingaids/collection_detail.html",
        {
            "collection": collection,
            "creators": [t for t in terms if t.relation == AccessTerm.CREATOR],
            "term_groups": _grouped_terms(terms),
            "digital_objects": collection.digital_objects.filter(component__isnull=True),
            "children": _children_page(request, top),
        },
    )


def component_detail(request: HttpRequest, identifier: str, ref: str) -> HttpResponse:
    component = get_object_or_404(
        Component.objects.select_related("collection"),
        collection__identifier=identifier,
        collection__internal=False,
        ref=ref,
    )
    siblings = Component.objects.filter(
        collection_id=component.collection_id, parent_id=component.parent_id
    )
    children = component.children.only(*LIST_FIELDS).order_by("sequence")
    return render(
        request,
        "findingaids/component_detail.html",
        {
            "collection": component.collection,
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
            "term_groups": _grouped_terms(list(component.terms.all())),
            "digital_objects": list(component.digital_objects.all()),
            "children": _children_page(request, children),
        },
    )

"""What the admin of collections and components adds: Publish and Unpublish actions,
and a filter by publication state. Both go through
:func:`fonds.publishing.service.set_publication`, so the index follows at once.

The actions are offered only where the admin's ``has_publish_permission`` says so
(the ``<app>.publish_<model>`` permission of the archivist's role), and check it again
when they run."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from .models import released_q, today
from .service import set_publication


def _may_publish(modeladmin: Any, request: HttpRequest) -> bool:
    check = getattr(modeladmin, "has_publish_permission", None)
    if check is None:
        check = modeladmin.has_change_permission
    return bool(check(request))


def _set(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any], publish: bool) -> None:
    if not _may_publish(modeladmin, request):
        modeladmin.message_user(request, "You may not publish these records.", messages.ERROR)
        return
    changed = 0
    for record in queryset:
        # publishing lifts an embargo too; unpublishing keeps it for later
        embargo = None if publish else record.embargo_until
        changed += set_publication(record, publish, embargo, user=request.user)
    verb = "published" if publish else "made drafts (hidden from the public)"
    modeladmin.message_user(request, f"{changed} record(s) {verb}.", messages.SUCCESS)


@admin.action(
    description="Publish the selected records (and lift their embargo)", permissions=["publish"]
)
def publish(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _set(modeladmin, request, queryset, True)


@admin.action(
    description="Unpublish the selected records (with all they contain)", permissions=["publish"]
)
def unpublish(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    _set(modeladmin, request, queryset, False)


class PublicationFilter(admin.SimpleListFilter):
    """Draft, under embargo, published; for components also "inside a hidden one"."""

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        found = [("draft", "draft"), ("embargoed", "under embargo"), ("published", "published")]
        if hasattr(model_admin.model, "withdrawn"):
            found.append(("inherited", "hidden by a component that contains it"))
        return found

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "draft":
            return queryset.filter(published=False)
        if value == "embargoed":
            return queryset.filter(published=True, embargo_until__gt=today())
        if value == "published":
            return queryset.filter(Q(published=True) & released_q("embargo_until"))
        if value == "inherited":
            own = Q(published=True) & released_q("embargo_until")
            return queryset.filter(own).filter(Q(withdrawn=True) | ~released_q("release_date"))
        return queryset

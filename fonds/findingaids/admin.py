from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessTerm, Collection, Component, DigitalObject, InternalNote


class StaffSeesAll(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff see internal rows too: the admin asks for ``all_objects``."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.model.all_objects.all()


@admin.register(Collection)
class CollectionAdmin(StaffSeesAll):
    list_display = ["identifier", "title", "date_text", "component_count", "internal", "loaded_at"]
    search_fields = ["identifier", "unitid", "title"]
    list_filter = ["internal", "ead_version"]
    readonly_fields = ["component_count", "loaded_at", "updated_at", "eadid", "ead_version"]


@admin.register(Component)
class ComponentAdmin(StaffSeesAll):
    list_display = ["ref", "title", "level", "date_text", "container_summary", "collection"]
    search_fields = ["title", "ref", "unitid"]
    list_filter = ["level", "internal", "has_digital_object"]
    raw_id_fields = ["collection", "parent"]
    list_select_related = ["collection"]


@admin.register(AccessTerm)
class AccessTermAdmin(StaffSeesAll):
    list_display = ["text", "kind", "relation", "collection"]
    search_fields = ["text"]
    list_filter = ["kind", "relation"]
    raw_id_fields = ["collection", "component"]


@admin.register(DigitalObject)
class DigitalObjectAdmin(StaffSeesAll):
    list_display = ["title", "href", "collection"]
    raw_id_fields = ["collection", "component"]


@admin.register(InternalNote)
class InternalNoteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["element", "collection", "component"]
    raw_id_fields = ["collection", "component"]

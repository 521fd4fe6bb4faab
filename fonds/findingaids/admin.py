from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fonds.publishing.actions import PublicationFilter, publish, unpublish
from fonds.staff.adminbase import (
    COLLECTION_FIELDS,
    COMPONENT_FIELDS,
    ArchivistNoteInline,
    LoadedRecordAdmin,
)

from .models import AccessTerm, Collection, Component, DigitalObject, InternalNote


class StaffSeesAll(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff see internal rows too: the admin asks for ``all_objects``."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.model.all_objects.all()


@admin.register(Collection)
class CollectionAdmin(LoadedRecordAdmin, StaffSeesAll):
    loaded_fields = COLLECTION_FIELDS  # from the EAD: read-only (fonds.staff)
    inlines = [ArchivistNoteInline]
    list_display = ["identifier", "title", "date_text", "component_count", "internal", "loaded_at"]
    list_display += ["publication_status", "embargo_until"]
    search_fields = ["identifier", "unitid", "title"]
    list_filter = [PublicationFilter, "internal", "ead_version"]
    actions = [publish, unpublish]
    readonly_fields = ["component_count", "loaded_at", "updated_at", "eadid", "ead_version"]


@admin.register(Component)
class ComponentAdmin(LoadedRecordAdmin, StaffSeesAll):
    loaded_fields = COMPONENT_FIELDS  # from the EAD: read-only (fonds.staff)
    list_display = ["ref", "title", "level", "date_text", "container_summary", "collection"]
    list_display += ["publication_status", "embargo_until"]
    search_fields = ["title", "ref", "unitid"]
    list_filter = [PublicationFilter, "level", "internal", "has_digital_object"]
    actions = [publish, unpublish]
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

"""Collections and components in the admin: read-mostly.

What the finding aid says is read-only (load the file again to change it); staff
change publication and write archivists' notes. Each page shows, read-only, what the
finding aid holds besides (digital objects, access terms, internal notes) and what
other records link to it (roster records that appear in it, events it documents).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from fonds.authorities.models import Appearance
from fonds.publishing.actions import PublicationFilter, publish, unpublish
from fonds.staff.adminbase import (
    COLLECTION_FIELDS,
    COMPONENT_FIELDS,
    ArchivistNoteInline,
    LoadedInline,
    LoadedPartAdmin,
    LoadedRecordAdmin,
)
from fonds.staff.models import ArchivistNote
from fonds.timeline.models import Event, EventComponent

from .models import AccessTerm, Collection, Component, DigitalObject, InternalNote

TERM_FIELDS = ("relation", "kind", "text", "source", "identifier", "role", "internal")
OBJECT_FIELDS = ("title", "href", "role", "group_label", "internal")
NOTE_FIELDS = ("element", "head", "text")


class StaffSeesAll(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff see internal rows too: the admin asks for ``all_objects``."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.model.all_objects.all()


# -- what the collection's own description holds (not its components')


class CollectionDigitalObjectInline(LoadedInline):
    model = DigitalObject
    fields = OBJECT_FIELDS
    own_rows = {"component__isnull": True}
    verbose_name_plural = "digital objects of the collection (from the finding aid)"


class CollectionTermInline(LoadedInline):
    model = AccessTerm
    fields = TERM_FIELDS
    own_rows = {"component__isnull": True}
    verbose_name_plural = "names and subjects of the collection (from the finding aid)"


class CollectionInternalNoteInline(LoadedInline):
    model = InternalNote
    fields = NOTE_FIELDS
    own_rows = {"component__isnull": True}
    verbose_name_plural = "internal notes of the collection (audience=internal, staff only)"


class CollectionAppearanceInline(LoadedInline):
    model = Appearance
    fields = ["agent", "role"]
    own_rows = {"component_ref": ""}
    verbose_name = "roster record"
    verbose_name_plural = "roster records that appear in the collection (from reconciliation)"


class CollectionEventInline(LoadedInline):
    model = Event.collections.through
    fields = ["event"]
    verbose_name = "event"
    verbose_name_plural = "events the collection documents (edited with the event)"


class CollectionEventComponentInline(LoadedInline):
    model = EventComponent
    fields = ["event", "component_ref"]
    verbose_name = "event"
    verbose_name_plural = "events its components document (edited with the event)"


@admin.register(Collection)
class CollectionAdmin(LoadedRecordAdmin, StaffSeesAll):
    loaded_fields = COLLECTION_FIELDS  # from the EAD: read-only (fonds.staff)
    inlines = [
        ArchivistNoteInline,
        CollectionDigitalObjectInline,
        CollectionTermInline,
        CollectionInternalNoteInline,
        CollectionAppearanceInline,
        CollectionEventInline,
        CollectionEventComponentInline,
    ]
    list_display = ["identifier", "title", "date_text", "component_count", "internal", "loaded_at"]
    list_display += ["publication_status", "embargo_until"]
    search_fields = ["identifier", "unitid", "title"]
    list_filter = [PublicationFilter, "internal", "ead_version"]
    actions = [publish, unpublish]
    readonly_fields = ["component_count", "loaded_at", "updated_at", "eadid", "ead_version"]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """What deleting collections takes with it, counted rather than listed (a finding
        aid can hold hundreds of thousands of components). Its components, terms and
        digital objects go with it: no one deletes those one by one, so the collection's
        own delete permission is the one asked for. Its versions stay (to load it again)."""
        collections = list(objs)
        ids = [c.pk for c in collections]
        listing = [
            format_html(
                'Collection: <a href="{}">{}</a>',
                reverse("admin:findingaids_collection_change", args=[c.pk]),
                str(c),
            )
            for c in collections
        ]
        counts = {
            "collections": len(ids),
            "components": Component.all_objects.filter(collection_id__in=ids).count(),
            "digital objects": DigitalObject.all_objects.filter(collection_id__in=ids).count(),
            "access terms": AccessTerm.all_objects.filter(collection_id__in=ids).count(),
            "archivists' notes": ArchivistNote.objects.filter(collection_id__in=ids).count(),
        }
        allowed = all(self.has_delete_permission(request, c) for c in collections)
        needed = set() if allowed else {str(Collection._meta.verbose_name)}
        return listing, counts, needed, []


# -- a component: its own rows, and what points at it by ref


class ComponentDigitalObjectInline(LoadedInline):
    model = DigitalObject
    fk_name = "component"
    fields = OBJECT_FIELDS
    verbose_name_plural = "digital objects (from the finding aid)"


class ComponentTermInline(LoadedInline):
    model = AccessTerm
    fk_name = "component"
    fields = TERM_FIELDS
    verbose_name_plural = "names and subjects (from the finding aid)"


class ComponentInternalNoteInline(LoadedInline):
    model = InternalNote
    fk_name = "component"
    fields = NOTE_FIELDS
    verbose_name_plural = "internal notes (audience=internal, staff only)"


def _links(rows: list[tuple[Any, str]]) -> str:
    """Records as links to their admin pages (which answer by the user's role)."""
    if not rows:
        return "-"
    items = []
    for record, detail in rows:
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        items.append((url, f"{record} ({detail})" if detail else str(record)))
    return format_html(
        '<ul class="linked-records">{}</ul>',
        format_html_join("", '<li><a href="{}">{}</a></li>', items),
    )


@admin.register(Component)
class ComponentAdmin(LoadedRecordAdmin, StaffSeesAll):
    loaded_fields = COMPONENT_FIELDS  # from the EAD: read-only (fonds.staff)
    deletable = False  # part of its finding aid: unpublish it instead
    inlines = [ComponentDigitalObjectInline, ComponentTermInline, ComponentInternalNoteInline]
    list_display = ["ref", "title", "level", "date_text", "container_summary", "collection"]
    list_display += ["publication_status", "embargo_until"]
    search_fields = ["title", "ref", "unitid"]
    list_filter = [PublicationFilter, "level", "internal", "has_digital_object"]
    actions = [publish, unpublish]
    raw_id_fields = ["collection", "parent"]
    list_select_related = ["collection"]
    readonly_fields = ["linked_agents", "linked_events", "archivist_notes"]

    @admin.display(description="roster records that appear in it")
    def linked_agents(self, component: Component) -> str:
        rows = Appearance.objects.filter(
            collection_id=component.collection_id, component_ref=component.ref
        ).select_related("agent")
        return _links([(a.agent, a.get_role_display()) for a in rows])

    @admin.display(description="events it documents")
    def linked_events(self, component: Component) -> str:
        rows = EventComponent.objects.filter(
            collection_id=component.collection_id, component_ref=component.ref
        ).select_related("event")
        return _links([(link.event, "") for link in rows])

    @admin.display(description="archivists' notes (edited on the collection's page)")
    def archivist_notes(self, component: Component) -> str:
        notes = ArchivistNote.objects.filter(
            collection_id=component.collection_id, component_ref=component.ref
        )
        if not notes:
            return "-"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((n.text,) for n in notes))
        )


@admin.register(AccessTerm)
class AccessTermAdmin(LoadedPartAdmin):
    list_display = ["text", "kind", "relation", "collection", "component", "internal"]
    search_fields = ["text"]
    list_filter = ["kind", "relation", "internal"]
    raw_id_fields = ["collection", "component"]
    list_select_related = ["collection", "component"]


@admin.register(DigitalObject)
class DigitalObjectAdmin(LoadedPartAdmin):
    list_display = ["title", "href", "collection", "component", "internal"]
    search_fields = ["title", "href"]
    list_filter = ["internal"]
    raw_id_fields = ["collection", "component"]
    list_select_related = ["collection", "component"]


@admin.register(InternalNote)
class InternalNoteAdmin(LoadedPartAdmin):
    list_display = ["element", "collection", "component"]
    search_fields = ["text"]
    list_filter = ["element"]
    raw_id_fields = ["collection", "component"]
    list_select_related = ["collection", "component"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return InternalNote.objects.all()  # every note is internal: no public manager

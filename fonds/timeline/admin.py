from django.contrib import admin

from fonds.staff.adminbase import ChildHistoryAdmin, RecordAdmin, RoleAwareInline

from .models import Event, EventComponent


class EventComponentInline(RoleAwareInline, admin.TabularInline):  # type: ignore[type-arg]
    """Folders and items that document the event: a collection and a component's ref."""

    model = EventComponent
    extra = 0
    autocomplete_fields = ["collection"]
    verbose_name_plural = "components that document it (collection and ref)"


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["date", "title", "place", "published"]
    list_filter = ["published"]
    search_fields = ["title", "identifier", "description", "place"]
    autocomplete_fields = ["agents", "collections"]
    prepopulated_fields = {"identifier": ["title"]}
    inlines = [EventComponentInline]
    related_history = ((EventComponent, "event"),)


@admin.register(EventComponent)
class EventComponentHistoryAdmin(ChildHistoryAdmin):
    parent_field = "event"
    autocomplete_fields = ["event", "collection"]

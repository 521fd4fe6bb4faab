from django.contrib import admin

from fonds.staff.adminbase import ChildHistoryAdmin, RecordAdmin, RoleAwareInline

from .models import Guide, GuideEntry


class GuideEntryInline(RoleAwareInline, admin.StackedInline):  # type: ignore[type-arg]
    model = GuideEntry
    extra = 0
    fields = [("position", "collection", "component_ref"), ("agent", "event", "work"), "note"]
    autocomplete_fields = ["collection", "agent", "event", "work"]
    ordering = ["position", "id"]


@admin.register(Guide)
class GuideAdmin(RecordAdmin):
    list_display = ["title", "slug", "position", "published", "updated_at"]
    list_filter = ["published"]
    search_fields = ["title", "summary", "introduction", "entries__note"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GuideEntryInline]
    related_history = ((GuideEntry, "guide"),)


@admin.register(GuideEntry)
class GuideEntryHistoryAdmin(ChildHistoryAdmin):
    parent_field = "guide"
    autocomplete_fields = ["guide", "collection", "agent", "event", "work"]

from django.contrib import admin

from .models import Event, EventComponent


class EventComponentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EventComponent
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "title", "place", "published"]
    search_fields = ["title", "description"]
    filter_horizontal = ["agents", "collections"]
    prepopulated_fields = {"identifier": ["title"]}
    inlines = [EventComponentInline]

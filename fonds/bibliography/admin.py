from django.contrib import admin

from .models import Work


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["creators_text", "issued_year", "title", "work_type"]
    search_fields = ["title", "creators_text"]
    filter_horizontal = ["agents", "events"]

from django.contrib import admin

from fonds.staff.adminbase import RecordAdmin

from .models import Work


@admin.register(Work)
class WorkAdmin(RecordAdmin):
    list_display = ["creators_text", "issued_year", "title", "work_type", "published"]
    list_filter = ["work_type", "published"]
    search_fields = ["title", "identifier", "creators_text"]
    autocomplete_fields = ["agents", "events"]

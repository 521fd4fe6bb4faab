from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fonds.staff.adminbase import RecordAdmin

from .models import BlockedSubmission, Page, ReferenceRequest


@admin.register(Page)
class PageAdmin(RecordAdmin):
    list_display = ["title", "slug", "position", "published"]
    list_filter = ["published"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ReferenceRequest)
class ReferenceRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "created_at",
        "name",
        "email",
        "short_question",
        "collection_identifiers",
        "visit_date",
        "status",
        "mailed",
    ]
    list_display_links = ["created_at", "name"]
    list_editable = ["status"]
    list_filter = [
        "status",
        "intended_use",
        ("notified_at", admin.EmptyFieldListFilter),
        ("visit_date", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = [
        "name",
        "email",
        "affiliation",
        "question",
        "collection_identifiers",
        "folder_reference",
    ]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "source_page", "notified_at", "acknowledged_at", "ip_hash"]
    fieldsets = [
        (None, {"fields": ["status", "staff_notes"]}),
        (
            "Request",
            {
                "fields": [
                    "name",
                    "email",
                    "affiliation",
                    "question",
                    "collection_identifiers",
                    "folder_reference",
                    "visit_date",
                    "intended_use",
                ]
            },
        ),
        (
            "Received",
            {"fields": ["created_at", "source_page", "notified_at", "acknowledged_at", "ip_hash"]},
        ),
    ]
    actions = ["mark_answered", "mark_closed"]

    @admin.display(description="question")
    def short_question(self, obj: ReferenceRequest) -> str:
        text = " ".join(obj.question.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description="staff mailed", boolean=True, ordering="notified_at")
    def mailed(self, obj: ReferenceRequest) -> bool:
        return obj.notified_at is not None

    @admin.action(description="Mark the selected requests as answered")
    def mark_answered(self, request: HttpRequest, queryset: QuerySet[ReferenceRequest]) -> None:
        updated = queryset.update(status=ReferenceRequest.Status.ANSWERED)
        self.message_user(request, f"{updated} request(s) marked as answered.")

    @admin.action(description="Mark the selected requests as closed")
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[ReferenceRequest]) -> None:
        updated = queryset.update(status=ReferenceRequest.Status.CLOSED)
        self.message_user(request, f"{updated} request(s) marked as closed.")


@admin.register(BlockedSubmission)
class BlockedSubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "reason", "ip_hash"]
    list_filter = ["reason", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

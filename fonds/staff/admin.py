"""The sign-in log (administrators only) and the log of publication changes: read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import PublicationChange, SignIn


class ReadOnlyLog(admin.ModelAdmin):  # type: ignore[type-arg]
    """A log is read, never written, in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SignIn)
class SignInAdmin(ReadOnlyLog):
    list_display = ["at", "outcome", "username", "user", "ip", "user_agent"]
    list_filter = ["outcome", "at"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(PublicationChange)
class PublicationChangeAdmin(ReadOnlyLog):
    list_display = ["at", "user", "record_type", "record", "field", "old", "new"]
    list_filter = ["record_type", "field", "at"]
    search_fields = ["record", "record_id", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

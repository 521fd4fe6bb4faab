from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.timezone import now

from .models import Agent, AgentName, AgentRelation, Appearance, NameMatch
from .reconciliation import rebuild_appearances


class AgentNameInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgentName
    extra = 1


class AgentRelationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AgentRelation
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["authorized_name", "kind", "organization_type", "existence", "published"]
    list_filter = ["kind", "organization_type", "published"]
    search_fields = ["authorized_name", "names__name"]
    prepopulated_fields = {"identifier": ["authorized_name"]}
    inlines = [AgentNameInline, AgentRelationInline]


@admin.register(NameMatch)
class NameMatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where an archivist confirms or rejects what reconciliation proposed."""

    list_display = ["text", "kind", "agent", "score", "method", "status", "decided_by"]
    list_filter = ["status", "method", "kind"]
    list_editable = ["status"]
    search_fields = ["text", "agent__authorized_name", "matched_name"]
    raw_id_fields = ["agent"]
    readonly_fields = ["score", "method", "matched_name", "decided_by", "decided_at"]
    actions = ["confirm", "reject"]
    ordering = ["status", "-score"]

    def _decide(self, request: HttpRequest, queryset: Any, status: str) -> None:
        queryset.update(status=status, decided_by=request.user.get_username(), decided_at=now())
        rebuild_appearances()
        self.message_user(request, f"{queryset.count()} match(es) {status}.")

    @admin.action(description="Confirm the selected matches")
    def confirm(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, NameMatch.CONFIRMED)

    @admin.action(description="Reject the selected matches")
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, NameMatch.REJECTED)

    def save_model(self, request: HttpRequest, obj: NameMatch, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data:
            obj.decided_by = request.user.get_username()
            obj.decided_at = now()
        super().save_model(request, obj, form, change)
        rebuild_appearances()


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["agent", "role", "collection", "component_ref"]
    list_filter = ["role"]
    search_fields = ["agent__authorized_name", "collection__identifier", "component_ref"]
    raw_id_fields = ["agent", "collection", "match"]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.timezone import now

from fonds.staff.adminbase import (
    ChildHistoryAdmin,
    RecordAdmin,
    RoleAwareInline,
    SuggestingInput,
)

from .models import Agent, AgentName, AgentRelation, Appearance, NameMatch
from .reconciliation import add_text_appearances, rebuild_appearances

SCRIPTS = [
    ("Latn", "Latin"), ("Cyrl", "Cyrillic"), ("Hebr", "Hebrew"), ("Arab", "Arabic"),
    ("Grek", "Greek"), ("Geor", "Georgian"), ("Armn", "Armenian"),
]  # fmt: skip
LANGUAGES = [
    ("en", "English"), ("ru", "Russian"), ("he", "Hebrew"), ("yi", "Yiddish"),
    ("uk", "Ukrainian"), ("de", "German"), ("fr", "French"), ("ka", "Georgian"),
]  # fmt: skip


class AgentNameInline(RoleAwareInline, admin.TabularInline):  # type: ignore[type-arg]
    """Every name of the record, each with its language and script."""

    model = AgentName
    extra = 1
    fields = ["name", "name_type", "language", "script", "transliteration", "dates", "position"]
    verbose_name_plural = "names (authorized and variants, in every script)"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "script":
            kwargs["widget"] = SuggestingInput(SCRIPTS, attrs={"size": 6})
        elif db_field.name == "language":
            kwargs["widget"] = SuggestingInput(LANGUAGES, attrs={"size": 8})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AgentRelationInline(RoleAwareInline, admin.TabularInline):  # type: ignore[type-arg]
    model = AgentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name_plural = "relations from this record"


class IncomingRelationInline(RoleAwareInline, admin.TabularInline):  # type: ignore[type-arg]
    """The same relations seen from the other end: stored once, on the source."""

    model = AgentRelation
    fk_name = "target"
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "relation_type", "role", "dates", "note"]
    verbose_name = "relation to this record"
    verbose_name_plural = "relations to this record (stored on the other record)"


@admin.register(Agent)
class AgentAdmin(RecordAdmin):
    list_display = ["authorized_name", "kind", "organization_type", "existence", "published"]
    list_filter = ["kind", "organization_type", "published"]
    search_fields = ["authorized_name", "identifier", "names__name"]
    prepopulated_fields = {"identifier": ["authorized_name"]}
    inlines = [AgentNameInline, AgentRelationInline, IncomingRelationInline]
    related_history = ((AgentName, "agent"), (AgentRelation, "source"), (AgentRelation, "target"))


@admin.register(AgentName)
class AgentNameHistoryAdmin(ChildHistoryAdmin):
    """Not in the index: the history of one name, reached from its record's history."""

    parent_field = "agent"
    autocomplete_fields = ["agent"]


@admin.register(AgentRelation)
class AgentRelationHistoryAdmin(ChildHistoryAdmin):
    parent_field = "source"
    autocomplete_fields = ["source", "target"]


@admin.register(NameMatch)
class NameMatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where an archivist confirms or rejects what reconciliation proposed: names of the
    access terms (persname, corpname...) and roster names found in the text (kind
    "text")."""

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
        add_text_appearances(queryset.filter(kind="text"))  # found again in the index
        self.message_user(request, f"{queryset.count()} match(es) {status}.")

    @admin.action(description="Confirm the selected matches", permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, NameMatch.CONFIRMED)

    @admin.action(description="Reject the selected matches", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, NameMatch.REJECTED)

    def save_model(self, request: HttpRequest, obj: NameMatch, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data:
            obj.decided_by = request.user.get_username()
            obj.decided_at = now()
        super().save_model(request, obj, form, change)
        rebuild_appearances()
        add_text_appearances([obj])


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["agent", "role", "collection", "component_ref"]
    list_filter = ["role"]
    search_fields = ["agent__authorized_name", "collection__identifier", "component_ref"]
    raw_id_fields = ["agent", "collection", "match"]

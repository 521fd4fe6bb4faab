from django.contrib import admin

from .models import Agent, AgentName, AgentRelation


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

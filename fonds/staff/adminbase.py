"""What every record's admin shares: roles enforced, history kept, loaded fields locked.

- :class:`RecordAdmin` for records staff write (agents, events, works, pages, guides):
  a contributor changes drafts only and never publishes; each save is kept in the
  record's history, which shows field-by-field differences and can revert.
- :class:`RoleAwareInline` for rows edited inside a record (names, relations, guide
  entries): locked whenever their record is locked.
- :class:`LoadedRecordAdmin` for collections and components: what the finding aid
  says is read-only, what staff add (publication, notes) is editable and logged.
- :class:`LoadedPartAdmin` and :class:`LoadedInline` for what a finding aid holds
  besides its components (access terms, digital objects, internal notes) and for the
  links other records make to it: shown to whoever may look, changed by no one here.

Whatever is saved or deleted here reaches the search index after the commit
(:func:`fonds.publishing.service.content_changed`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin  # type: ignore[import-untyped]

from fonds.publishing.service import content_changed

from .models import ArchivistNote, PublicationChange
from .roles import (
    can_publish,
    is_published,
    mark_published,
    mark_unpublished,
    publication_fields,
)


def stored(obj: Model) -> Model | None:
    """The record as the database holds it now (not as the form changed it)."""
    if obj.pk is None:
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def locked(request: HttpRequest, obj: Model | None) -> bool:
    """A published record is locked for whoever may not publish it."""
    return obj is not None and is_published(obj) and not can_publish(request.user, obj)


class IndexedDeletes:
    """Deletes in the admin reach the search index (and whatever else follows a
    change of content), one record or a selection alike."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        content_changed(obj)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            content_changed(obj)
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class RoleAwareAdmin(IndexedDeletes, admin.ModelAdmin):  # type: ignore[type-arg]
    """Contributors: add and change drafts only; publication fields are never theirs."""

    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_publish(request.user, self.model)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not locked(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not locked(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += [f for f in publication_fields(self.model) if f not in fields]
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not self.has_publish_permission(request):
            before = stored(obj) if change else None
            if before is not None and is_published(before):
                raise PermissionDenied("only an archivist may change a published record")
            if is_published(obj):
                mark_unpublished(obj)
        super().save_model(request, obj, form, change)
        content_changed(obj)

    def _set_publication(
        self, request: HttpRequest, queryset: QuerySet[Any], publish: bool
    ) -> None:
        changed = 0
        for obj in queryset:
            if is_published(obj) == publish:
                continue
            (mark_published if publish else mark_unpublished)(obj)
            obj._history_user = request.user
            obj.save()
            changed += 1
        verb = "published" if publish else "withdrawn"
        self.message_user(request, f"{changed} record(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Publish the selected records", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_publication(request, queryset, True)

    @admin.action(
        description="Withdraw the selected records (make them drafts)", permissions=["publish"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_publication(request, queryset, False)


def related_changes(
    specs: tuple[tuple[type[Model], str], ...], object_id: Any, limit: int = 100
) -> list[dict[str, Any]]:
    """The history of rows edited with a record (its names, relations, entries): each
    change with its field-by-field differences and the address that reverts it."""
    rows: list[dict[str, Any]] = []
    for model, field in specs:
        opts = model._meta
        history = getattr(model, opts.simple_history_manager_attribute)  # type: ignore[attr-defined]
        records = (
            history.filter(**{f"{field}_id": object_id})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        for record in records:
            previous = record.prev_record
            changes = record.diff_against(previous).changes if previous is not None else []
            rows.append(
                {
                    "date": record.history_date,
                    "user": record.history_user,
                    "type": record.get_history_type_display(),
                    "kind": opts.verbose_name,
                    "record": str(record.instance),
                    "changes": changes,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                        args=[getattr(record, opts.pk.attname), record.history_id],
                    ),
                }
            )
    rows.sort(key=lambda row: row["date"], reverse=True)
    return rows[:limit]


def ensure_baseline(model: type[Model], pk: Any) -> None:
    """Rows written in bulk by a loader have no history: before their first change in
    the admin, keep them as they were, so that the change has a "before" to show and
    to revert to."""
    history = getattr(model, getattr(model._meta, "simple_history_manager_attribute", ""), None)
    if history is None or history.filter(**{model._meta.pk.attname: pk}).exists():
        return
    before = model._base_manager.filter(pk=pk).first()
    if before is not None:
        before._history_user = None  # type: ignore[attr-defined]  # loaded, not edited
        history.bulk_history_create([before], default_change_reason="as loaded")


class RecordAdmin(RoleAwareAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    """A record staff write: roles enforced, every change in its history.

    The History page lists the record's own versions (each with what changed, field
    by field, and a link that reverts to it) and then the changes of the rows edited
    with it, named in ``related_history`` as (model, foreign key to the record)."""

    object_history_template = "staff/object_history.html"
    related_history: tuple[tuple[type[Model], str], ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            ensure_baseline(type(obj), obj.pk)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for row in formset.initial_forms:
            if row.instance.pk is not None and (row.has_changed() or row in formset.deleted_forms):
                ensure_baseline(type(row.instance), row.instance.pk)
        super().save_formset(request, form, formset, change)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        context = {"related_changes": related_changes(self.related_history, object_id)}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        refuse_revert(self, request, object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def refuse_revert(model_admin: Any, request: HttpRequest, object_id: str, version_id: str) -> None:
    """Reverting is changing: django-simple-history lets whoever may look at a version
    post it, so the record as it is now (or, deleted, as it was) must be changeable by
    this user."""
    if request.method != "POST":
        return
    record = model_admin.get_object(request, object_id)
    if record is None:  # deleted: brought back from its last version
        model = model_admin.model
        history = getattr(model, model._meta.simple_history_manager_attribute)
        found = history.filter(
            **{model._meta.pk.attname: str(object_id), "history_id": str(version_id)}
        )
        digits = str(object_id).isdigit() and str(version_id).isdigit()
        version = found.first() if digits else None
        if version is None:
            return  # the view answers 404
        record = version.instance
    if not model_admin.has_change_permission(request, record):
        raise PermissionDenied("reverting this record is not yours to do")


class ChildHistoryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """The history of rows edited inline (names, relations, entries), so that one of
    their versions can be restored. Not in the admin's index: reached from the
    history of the record the rows belong to (``parent_field``), and locked with it."""

    parent_field = ""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def _parent(self, obj: Any) -> Any:
        return getattr(obj, self.parent_field, None) if obj is not None else None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not locked(
            request, self._parent(obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not locked(
            request, self._parent(obj)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        parent = self._parent(obj)
        if parent is not None and locked(request, stored(parent)):
            raise PermissionDenied("only an archivist may change a published record")
        super().save_model(request, obj, form, change)
        if parent is not None:
            content_changed(parent)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        refuse_revert(self, request, object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_change(self, request: HttpRequest, obj: Any) -> Any:
        parent = self._parent(obj)
        if parent is None or "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, f"“{obj}” was restored.", messages.SUCCESS)
        opts = parent._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[parent.pk])
        )


class RoleAwareInline:
    """For an inline: no adding, changing or deleting rows of a locked record."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not locked(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not locked(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not locked(request, obj)  # type: ignore[misc]


class SuggestingInput(forms.TextInput):
    """A text input that suggests values (an HTML datalist) and accepts any other."""

    def __init__(self, suggestions: list[tuple[str, str]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        field = super().render(name, value, attrs, renderer)
        options = format_html(
            "".join('<option value="{}">{}</option>' for _ in self.suggestions),
            *[item for pair in self.suggestions for item in pair],
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


# -- collections and components: loaded from EAD, read-mostly

# What `fonds load` writes: never changed in the admin (load the file again instead).
DESCRIBED_FIELDS = (
    "title", "title_html", "unitid", "level", "date_text", "begin_year", "end_year",
    "undated", "dates", "extent", "languages", "notes", "internal",
)  # fmt: skip
COLLECTION_FIELDS = (
    *DESCRIBED_FIELDS,
    "identifier", "eadid", "ead_version", "repository", "abstract", "finding_aid",
    "component_count", "loaded_at", "updated_at",
)  # fmt: skip
COMPONENT_FIELDS = (
    *DESCRIBED_FIELDS,
    "collection", "parent", "ref", "xml_id", "sequence", "subtree_end", "ancestry", "depth",
    "position", "containers", "container_summary", "has_digital_object",
)  # fmt: skip


class LoadedRecordAdmin(IndexedDeletes, admin.ModelAdmin):  # type: ignore[type-arg]
    """The finding aid's own fields read-only; what staff change is logged, field by field.

    Publishing and withdrawing need the ``publish_<model>`` permission (archivists);
    contributors look only. A collection can be deleted (its search documents go with
    it); a component cannot: it is part of its finding aid, so unpublish it, or load
    the finding aid again without it."""

    loaded_fields: tuple[str, ...] = ()
    deletable = True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # collections and components come from `fonds load`

    def has_publish_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_publish(request.user, self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        fields += [f for f in self.loaded_fields if f not in fields]
        if not can_publish(request.user, self.model):
            fields += [f for f in publication_fields(self.model) if f not in fields]
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = stored(obj) if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            return
        user = request.user if request.user.is_authenticated else None
        PublicationChange.objects.bulk_create(
            PublicationChange(
                user=user,
                record_type=obj._meta.label_lower,
                record_id=str(obj.pk),
                record=str(obj)[:500],
                field=name,
                old=str(getattr(before, name, "")),
                new=str(getattr(obj, name, "")),
            )
            for name in form.changed_data
            if name not in self.loaded_fields
            and str(getattr(before, name, "")) != str(getattr(obj, name, ""))
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            if isinstance(instance, ArchivistNote) and instance.author_id is None:
                instance.author = request.user if request.user.is_authenticated else None
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


def may_change_parent(inline: Any, request: HttpRequest) -> bool:
    """Whether the user may change the record an inline's rows belong to."""
    opts = inline.parent_model._meta
    return bool(request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))


class ArchivistNoteInline(admin.StackedInline):  # type: ignore[type-arg]
    """Staff notes on a collection: written by whoever may change the collection."""

    model = ArchivistNote
    extra = 0
    fields = ["component_ref", "text", "author", "updated_at"]
    readonly_fields = ["author", "updated_at"]
    verbose_name_plural = "archivists' notes (never shown to the public)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and may_change_parent(self, request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and may_change_parent(self, request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and may_change_parent(self, request)


class ReadOnly:
    """Looked at, never added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LoadedPartAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Access terms, digital objects, internal notes: what the finding aid says, so
    changed only by loading it again. Who may look is the role's view permission
    (contributors see terms and digital objects, not internal notes)."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.model.all_objects.all()  # internal rows too: staff see them


class LoadedInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown on a collection's or component's page, read-only, for whoever has the
    view permission of their model. ``own_rows`` narrows the rows to the record's own
    (a collection's terms, not its components')."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    own_rows: dict[str, Any] = {}

    def get_queryset(self, request: HttpRequest) -> Any:
        manager = getattr(self.model, "all_objects", self.model._default_manager)
        return manager.filter(**self.own_rows)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return list(self.fields or [])

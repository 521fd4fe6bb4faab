"""The archivist's uploads and the versions of finding aids, in the admin.

/admin/workflow/uploadjob/upload/          upload files: checked, then a dry run
/admin/workflow/uploadjob/<id>/job/        a job: its check, dry run, progress, result
/admin/workflow/uploadjob/<id>/load/       POST: load what was checked, in the background
/admin/workflow/findingaidversion/         the versions (?collection_identifier=ID)
/admin/workflow/findingaidversion/compare/?a=ID&b=ID|current
/admin/workflow/findingaidversion/<id>/restore/
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import get_valid_filename

from fonds.findingaids.models import FindingAidSource
from fonds.formats.errors import FormatError

from . import jobs
from .changes import compare
from .forms import RestoreForm, UploadForm
from .models import FindingAidVersion, UploadJob
from .snapshots import stored_snapshot, version_snapshot

PAGE_SIZE = 50  # entries of a change list shown per page
LISTS = ("added", "removed", "changed")


def paged_changes(request: HttpRequest, changes: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The dry run's lists, one page each (``?<prefix>-added=2``)."""
    pages = {}
    for name in LISTS:
        entries = changes.get(name, [])
        paginator = Paginator(entries, PAGE_SIZE)
        page = paginator.get_page(request.GET.get(f"{prefix}-{name}"))
        pages[name] = {
            "page": page,
            "param": f"{prefix}-{name}",
            "count": changes["counts"][name],
            "kept": len(entries),
        }
    return {**changes, "pages": pages, "prefix": prefix}


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["job_link", "kind", "status", "file_names", "created_by_name", "created_at"]
    list_filter = ["status", "kind"]
    change_list_template = "admin/workflow/uploadjob/change_list.html"

    @admin.display(description="upload", ordering="id")
    def job_link(self, job: UploadJob) -> str:
        return format_html('<a href="{}">{}</a>', job.get_absolute_url(), f"#{job.pk}")

    @admin.display(description="files")
    def file_names(self, job: UploadJob) -> str:
        return ", ".join(f.get("name", "") for f in job.files)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="workflow_uploadjob_upload"),
            path("<int:pk>/job/", view(self.job_view), name="workflow_uploadjob_job"),
            path("<int:pk>/load/", view(self.load_view), name="workflow_uploadjob_load"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("admin:workflow_uploadjob_upload")

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        if not object_id.isdigit():
            raise Http404
        return redirect("admin:workflow_uploadjob_job", int(object_id))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
        }

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = UploadJob.objects.create(
                created_by=request.user if request.user.is_authenticated else None,
                created_by_name=request.user.get_username(),
                note=form.cleaned_data["note"],
            )
            folder = jobs.job_dir(job)
            folder.mkdir(parents=True, exist_ok=True)
            files = []
            for number, upload in enumerate(form.cleaned_data["upload"], start=1):
                name = get_valid_filename(Path(upload.name or "").name) or f"file-{number}"
                target = folder / f"{number:02d}-{name}"
                with open(target, "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                files.append({"name": name, "path": str(target), "size": target.stat().st_size})
            job.files = files
            job.save(update_fields=["files"])
            jobs.start(job, jobs.check)
            return redirect(job.get_absolute_url())
        context = {**self._context(request, "Upload files"), "form": form}
        return TemplateResponse(request, "admin/workflow/upload.html", context)

    def job_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(UploadJob, pk=pk)
        jobs.mark_if_orphaned(job)
        files = [
            {
                **entry,
                "changes": paged_changes(request, entry["changes"], f"f{number}")
                if entry.get("changes")
                else None,
            }
            for number, entry in enumerate(job.report, start=1)
        ]
        progress = jobs.read_progress(job) if job.status == UploadJob.RUNNING else None
        context = {
            **self._context(request, f"{job.get_kind_display().capitalize()} #{job.pk}"),
            "job": job,
            "files": files,
            "progress": progress,
            "refresh": job.active,
            "can_load": job.status == UploadJob.CHECKED and self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/workflow/job.html", context)

    def load_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:workflow_uploadjob_job", pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        with transaction.atomic():
            job = get_object_or_404(UploadJob.objects.select_for_update(), pk=pk)
            if job.status != UploadJob.CHECKED:
                messages.warning(request, f"This upload is {job.get_status_display()}.")
                return redirect(job.get_absolute_url())
            job.status = UploadJob.QUEUED
            job.save(update_fields=["status"])
        jobs.start(job, jobs.run)
        return redirect(job.get_absolute_url())


@admin.register(FindingAidVersion)
class FindingAidVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "collection_identifier",
        "loaded_at",
        "loaded_by",
        "note",
        "component_count",
        "filename",
        "short_sha",
        "version_links",
    ]
    list_filter = ["collection_identifier"]
    search_fields = ["collection_identifier", "title", "note", "filename"]
    date_hierarchy = "loaded_at"
    readonly_fields = [f.name for f in FindingAidVersion._meta.fields]

    @admin.display(description="SHA-256")
    def short_sha(self, version: FindingAidVersion) -> str:
        return version.sha256[:12]

    @admin.display(description="")
    def version_links(self, version: FindingAidVersion) -> str:
        compare_url = reverse("admin:workflow_findingaidversion_compare")
        restore_url = reverse("admin:workflow_findingaidversion_restore", args=[version.pk])
        return format_html(
            '<a href="{}?a={}&amp;b=current">compare with current</a> · <a href="{}">restore</a>',
            compare_url,
            version.pk,
            restore_url,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("compare/", view(self.compare_view), name="workflow_findingaidversion_compare"),
            path(
                "<int:pk>/restore/",
                view(self.restore_view),
                name="workflow_findingaidversion_restore",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title}

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        old = self._version(request.GET.get("a", ""))
        identifier = old.collection_identifier
        new = self._version(request.GET.get("b", "current"), identifier)
        old_label, new_label = self._label(old), self._label(new, identifier)
        try:
            before = version_snapshot(old)
            after = version_snapshot(new) if new else stored_snapshot(identifier)
        except (FormatError, OSError) as error:
            raise Http404(f"this version cannot be read: {error}") from None
        if after is None:
            raise Http404("the collection is no longer loaded")
        changes = compare(before, after, old_label=old_label, new_label=new_label)
        context = {
            **self._context(request, f"Compare versions of {identifier}"),
            "identifier": identifier,
            "old": old,
            "new": new,
            "old_label": old_label,
            "new_label": new_label,
            "changes": paged_changes(request, changes.as_dict(jobs.LIST_LIMIT), "c"),
            "versions": FindingAidVersion.objects.filter(collection_identifier=identifier),
        }
        return TemplateResponse(request, "admin/workflow/compare.html", context)

    def _version(self, value: str, identifier: str = "") -> Any:
        if value == "current" and identifier:
            return None
        if not value.isdigit():
            raise Http404("no such version")
        version = get_object_or_404(FindingAidVersion, pk=int(value))
        if identifier and version.collection_identifier != identifier:
            raise Http404("versions of two collections")
        return version

    @staticmethod
    def _label(version: FindingAidVersion | None, identifier: str = "") -> str:
        if version is None:
            return f"{identifier} as loaded now"
        return f"version {version.number} ({version.loaded_at:%Y-%m-%d %H:%M:%S})"

    def restore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(FindingAidVersion, pk=pk)
        if not request.user.has_perm("workflow.add_uploadjob"):
            raise PermissionDenied
        form = RestoreForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            job = jobs.restore_job(version, request.user, form.cleaned_data["note"])
            jobs.start(job, jobs.check_and_run)
            return redirect(job.get_absolute_url())
        current = FindingAidSource.objects.filter(
            collection__identifier=version.collection_identifier
        ).first()
        try:
            changes = compare(
                stored_snapshot(version.collection_identifier),
                version_snapshot(version),
                old_label=f"{version.collection_identifier} as loaded now",
                new_label=self._label(version),
            )
        except (FormatError, OSError) as error:
            raise Http404(f"this version cannot be read: {error}") from None
        context = {
            **self._context(request, f"Restore {version.collection_identifier}"),
            "version": version,
            "form": form,
            "is_current": current is not None and current.sha256 == version.sha256,
            "changes": paged_changes(request, changes.as_dict(jobs.LIST_LIMIT), "r"),
        }
        return TemplateResponse(request, "admin/workflow/restore.html", context)

"""Uploads made through the admin, and the versions of every finding aid loaded.

An :class:`UploadJob` is one upload (or one restore): its files are checked first
(the same detection and errors as ``fonds load``), with a dry run of what would
change; the archivist confirms, and the load runs in the background. A
:class:`FindingAidVersion` is recorded by every load of a finding aid, from the admin
or the command line: its EAD source is kept compressed in ``FONDS_HOME/versions``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse


class UploadJob(models.Model):
    CHECKING, CHECKED, INVALID = "checking", "checked", "invalid"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (CHECKING, "checking the files"),
        (CHECKED, "checked: waiting for confirmation"),
        (INVALID, "invalid: nothing to load"),
        (QUEUED, "queued"),
        (RUNNING, "running"),
        (DONE, "done"),
        (FAILED, "failed"),
    ]
    ACTIVE = (CHECKING, QUEUED, RUNNING)
    UPLOAD, RESTORE = "upload", "restore"

    kind = models.CharField(
        max_length=10, choices=[(UPLOAD, "upload"), (RESTORE, "restore")], default=UPLOAD
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=CHECKING, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by_name = models.CharField("by", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    files = models.JSONField(
        default=list, blank=True, help_text="The files: name, stored path, size, format."
    )
    report = models.JSONField(
        default=list, blank=True, help_text="Per file: the check and the dry run."
    )
    results = models.JSONField(default=list, blank=True, help_text="Per file: what the load did.")
    errors = models.JSONField(default=list, blank=True)
    messages = models.JSONField(default=list, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    restore_of = models.ForeignKey(
        "FindingAidVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restores",
    )
    worker = models.CharField(
        max_length=200, blank=True, help_text="host:pid of the process running the job."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "upload"

    def __str__(self) -> str:
        names = ", ".join(f.get("name", "") for f in self.files[:3])
        return f"{self.kind} {self.pk}: {names}" if names else f"{self.kind} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("admin:workflow_uploadjob_job", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def loadable(self) -> list[dict[str, Any]]:
        """The checked files that can be loaded (the others had errors)."""
        return [r for r in self.report if not r.get("error")]


class FindingAidVersion(models.Model):
    """One load of a finding aid: its EAD source as it was, kept to compare or restore."""

    collection_identifier = models.CharField("collection", max_length=200, db_index=True)
    title = models.TextField(blank=True)
    filename = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    ead_version = models.CharField(max_length=10, blank=True)
    stored = models.CharField(
        max_length=500, help_text="The compressed source, relative to FONDS_HOME/versions."
    )
    loaded_at = models.DateTimeField(db_index=True)
    loaded_by = models.CharField(
        max_length=150, help_text='A user name, or "command line".', blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=500, blank=True)
    component_count = models.PositiveIntegerField(default=0)
    job = models.ForeignKey(
        UploadJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )

    class Meta:
        ordering = ["collection_identifier", "-loaded_at", "-id"]
        verbose_name = "finding aid version"

    def __str__(self) -> str:
        when = f"{self.loaded_at:%Y-%m-%d %H:%M:%S}"
        return f"{self.collection_identifier} {when} ({self.sha256[:12]})"

    @property
    def number(self) -> int:
        """1 for the collection's first version, and so on."""
        return (
            FindingAidVersion.objects.filter(
                collection_identifier=self.collection_identifier, id__lte=self.id
            ).count()
            if self.id
            else 0
        )

"""The sign-in log, the log of publication changes, archivists' notes, and the
history of every record staff edit.

The history tables of the other apps' records live here, in ``staff``: each model
named in :data:`TRACKED` gets a ``Historical<Model>`` with a row per save or delete
(who, when, every field's value), written by django-simple-history's signals and
read by the admin's "History" page. Collections and components are loaded in bulk
and are not tracked row by row: what staff change on them (publication, notes) is
kept in :class:`PublicationChange` instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords  # type: ignore[import-untyped]

from fonds.authorities.models import Agent, AgentName, AgentRelation
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection
from fonds.pages.models import Page
from fonds.timeline.models import Event, EventComponent

HISTORY_MANAGER = "revisions"  # Agent has a field called "history" already
TRACKED: tuple[type[models.Model], ...] = (
    Agent,
    AgentName,
    AgentRelation,
    Event,
    EventComponent,
    Work,
    Page,
)


def track(model: type[models.Model]) -> None:
    """simple_history.register, with the history model in this app and module."""
    # when a row was saved is the history's own date: a copy of it would only be noise
    excluded = [f.name for f in model._meta.concrete_fields if f.name == "updated_at"]
    records = HistoricalRecords(app="staff", excluded_fields=excluded)
    records.manager_name = HISTORY_MANAGER
    records.table_name = None
    records.module = __name__
    records.cls = model
    records.add_extra_methods(model)
    records.finalize(model)


for _model in TRACKED:
    if not hasattr(_model._meta, "simple_history_manager_attribute"):
        track(_model)


class SignIn(models.Model):
    """One attempt to sign in to the admin, or one sign-out."""

    SUCCEEDED, FAILED, REFUSED, SIGNED_OUT = "succeeded", "failed", "refused", "signed-out"
    OUTCOMES = [
        (SUCCEEDED, "signed in"),
        (FAILED, "wrong user name or password"),
        (REFUSED, "refused: too many failed attempts"),
        (SIGNED_OUT, "signed out"),
    ]

    at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=20, choices=OUTCOMES)
    username = models.CharField("user name given", max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    ip = models.GenericIPAddressField("address", null=True, blank=True, db_index=True)
    user_agent = models.CharField("browser", max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "sign-in"
        indexes = [models.Index(fields=["outcome", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.outcome}"


class PublicationChange(models.Model):
    """A change staff made through the admin to a loaded collection or component."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    record_type = models.CharField(max_length=100, help_text="app.model")
    record_id = models.CharField(max_length=100)
    record = models.CharField("record", max_length=500)
    field = models.CharField(max_length=100)
    old = models.TextField("before", blank=True)
    new = models.TextField("after", blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.record}: {self.field} {self.old!r} → {self.new!r}"


class ArchivistNote(models.Model):
    """A staff note on a collection, or on one of its components (by its ``ref``, which
    survives the finding aid being loaded again). Never shown to the public."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="archivist_notes"
    )
    component_ref = models.CharField(
        "component",
        max_length=200,
        blank=True,
        help_text="The component's ref; empty: the collection.",
    )
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    revisions = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["collection", "component_ref", "-updated_at"]

    def __str__(self) -> str:
        where = self.component_ref or "collection"
        return f"{where}: {self.text[:60]}"

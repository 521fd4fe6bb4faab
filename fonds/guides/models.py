"""Research guides: an archivist's path through the archive on one subject.

A guide is an introduction in Markdown and an ordered list of entries; each entry
points at one record (a collection, a component of it, an organization or person,
an event or a work) and says, in the archivist's words, why it matters. A component
is named by its collection and ``ref``, which survive the finding aid being loaded
again (component rows do not).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords  # type: ignore[import-untyped]

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection
from fonds.timeline.models import Event

TARGETS = ("collection", "agent", "event", "work")


class Guide(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(
        blank=True, help_text="One or two sentences in Markdown, shown in the list of guides."
    )
    introduction = models.TextField(blank=True, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0, help_text="Order in the list of guides.")
    published = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    revisions = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guides:guide", args=[self.slug])


def _only(name: str) -> Q:
    return Q(**{f"{t}__isnull": t != name for t in TARGETS})


class GuideEntry(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(default=0)
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    component_ref = models.CharField(
        "component",
        max_length=200,
        blank=True,
        help_text="With a collection: the ref of one of its series, folders or items.",
    )
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(blank=True, help_text="Why it matters, in Markdown.")
    revisions = HistoricalRecords()

    class Meta:
        ordering = ["guide", "position", "id"]
        verbose_name_plural = "guide entries"
        constraints = [
            models.CheckConstraint(
                condition=_only("collection") | _only("agent") | _only("event") | _only("work"),
                name="guide_entry_one_target",
                violation_error_message="An entry points at exactly one record.",
            ),
            models.CheckConstraint(
                condition=Q(component_ref="") | Q(collection__isnull=False),
                name="guide_entry_component_in_collection",
                violation_error_message="A component is named with its collection.",
            ),
        ]

    def __str__(self) -> str:
        target = self.agent or self.event or self.work or self.collection
        ref = f"/{self.component_ref}" if self.component_ref else ""
        return f"{self.guide}: {target}{ref}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from fonds.findingaids.models import Component

        chosen = [t for t in TARGETS if getattr(self, f"{t}_id") is not None]
        if len(chosen) != 1:
            raise ValidationError(
                "Choose exactly one record: a collection (with a component's ref if you "
                "like), an organization or person, an event or a work."
            )
        if self.component_ref:
            if self.collection_id is None:
                raise ValidationError({"component_ref": "Choose the component's collection too."})
            found = Component.all_objects.filter(
                collection_id=self.collection_id, ref=self.component_ref
            ).exists()
            if not found:
                raise ValidationError(
                    {"component_ref": "This collection has no component with that ref."}
                )

"""Pages the archivists write, and the reference requests researchers send."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fonds.publishing.models import Publishable, PublishableQuerySet


class Page(Publishable):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pages:page", args=[self.slug])


class ReferenceRequest(models.Model):
    """A researcher's question sent through the contact page."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    class Use(models.TextChoices):
        RESEARCH = "research", "Scholarly research or a thesis"
        PUBLICATION = "publication", "A book, article or other publication"
        MEDIA = "media", "A film, broadcast, podcast or exhibition"
        TEACHING = "teaching", "Teaching or a class project"
        FAMILY = "family", "Family history"
        OTHER = "other", "Something else (tell us in your question)"

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    affiliation = models.CharField(max_length=300, blank=True)
    question = models.TextField("research topic or question")
    collection_identifiers = models.CharField(
        "collection identifier(s)", max_length=500, blank=True
    )
    folder_reference = models.CharField("folder or item reference", max_length=500, blank=True)
    visit_date = models.DateField("planned visit", null=True, blank=True)
    intended_use = models.CharField(max_length=20, choices=Use.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    staff_notes = models.TextField(blank=True, help_text="Seen by staff only.")
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    ip_hash = models.CharField(
        "client hash",
        max_length=64,
        editable=False,
        help_text="A keyed hash of the sender's network address, for rate limiting.",
    )
    source_page = models.CharField(
        "came from", max_length=500, blank=True, help_text="The page the researcher came from."
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the staff were mailed."
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the researcher was mailed."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ip_hash", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}: {self.question[:60]}"


class BlockedSubmission(models.Model):
    """A form submission turned away as automated; counts toward the rate limit."""

    class Reason(models.TextChoices):
        HONEYPOT = "honeypot", "Filled the hidden field"
        TOO_FAST = "too_fast", "Sent too fast"
        BAD_TOKEN = "bad_token", "Missing or forged form token"

    reason = models.CharField(max_length=20, choices=Reason.choices)
    ip_hash = models.CharField("client hash", max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ip_hash", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} at {self.created_at:%Y-%m-%d %H:%M}"

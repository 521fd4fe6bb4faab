"""Works of the selected bibliography, stored as CSL-JSON items."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from fonds.authorities.models import Agent
from fonds.publishing.models import Publishable, PublishableQuerySet
from fonds.timeline.models import Event


class Work(Publishable):
    identifier = models.SlugField(max_length=200, unique=True)
    csl = models.JSONField(help_text="The CSL-JSON item, the record of truth.")
    work_type = models.CharField(max_length=50, blank=True, help_text="CSL type")
    title = models.TextField(blank=True)
    creators_text = models.TextField(blank=True, help_text="For sorting and search.")
    issued_year = models.IntegerField(null=True, blank=True)
    agents = models.ManyToManyField(Agent, blank=True, related_name="works")
    events = models.ManyToManyField(Event, blank=True, related_name="works")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["creators_text", "issued_year", "title"]

    def __str__(self) -> str:
        return self.title or self.identifier

    def get_absolute_url(self) -> str:
        return reverse("bibliography:work", args=[self.identifier])

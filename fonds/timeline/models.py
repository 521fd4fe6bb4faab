"""Events of the movement's timeline, dated in EDTF."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from fonds.authorities.models import Agent
from fonds.findingaids.models import Collection
from fonds.publishing.models import Publishable, PublishableQuerySet

RTL_LANGUAGES = frozenset({"he", "ar", "yi", "fa", "ur"})


class Event(Publishable):
    identifier = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=500)
    date = models.CharField(
        max_length=100, help_text="EDTF: 1970-06-15, 1971-02, 1970s, 1962?, 1987-12/1988"
    )
    sort_date = models.DateField(
        null=True, blank=True, db_index=True, help_text="Earliest day the EDTF date allows."
    )
    end_date = models.DateField(null=True, blank=True, help_text="Latest day it allows.")
    place = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 of the text.")
    media = models.JSONField(default=dict, blank=True, help_text="TimelineJS media object.")
    sources = models.JSONField(default=list, blank=True)
    agents = models.ManyToManyField(Agent, blank=True, related_name="events")
    collections = models.ManyToManyField(Collection, blank=True, related_name="events")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["sort_date", "title"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("timeline:event", args=[self.identifier])

    @property
    def date_label(self) -> str:
        from fonds.formats.edtf_dates import parse

        try:
            return parse(self.date).label
        except ValueError:
            return self.date

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0] in RTL_LANGUAGES else "ltr"


class EventComponent(models.Model):
    """A link from an event to a component, kept by the component's stable reference
    so it survives the finding aid being loaded again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="component_links")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    component_ref = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "collection", "component_ref"], name="event_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.collection.identifier}/{self.component_ref}"

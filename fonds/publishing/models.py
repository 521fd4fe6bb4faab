"""The shared publication fields and the one test of what is public.

A record is public when it is ``published`` and its ``embargo_until`` date, if
any, has come (the embargo lifts at the start of that day, in the archive's time
zone). Nothing has to run for an embargo to end: every public query compares the
date with today's.

Components add what they inherit: a component is hidden when it or any component
above it is a draft or under embargo, and when its collection is. The inherited
state is kept on each component (``withdrawn``, ``release_date``) by
:func:`fonds.publishing.service.refresh_tree`, so one indexed filter answers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def day_number(day: datetime.date | None) -> int:
    """A date as the integer 20261204 (0 for none), as search documents carry it."""
    return day.year * 10_000 + day.month * 100 + day.day if day else 0


def released_q(field: str, on: datetime.date | None = None) -> Q:
    """``field`` (a date) is empty or has come."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": on or today()})


def public_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """The rows of a :class:`Publishable` model (through ``prefix``) that are public."""
    return Q(**{f"{prefix}published": True}) & released_q(f"{prefix}embargo_until", on)


class PublishableQuerySet(models.QuerySet[Any]):
    def public(self) -> PublishableQuerySet:
        return self.filter(public_q())

    def hidden(self) -> PublishableQuerySet:
        return self.exclude(public_q())


class Publishable(models.Model):
    """Published or a draft, and an optional embargo: the fields every public record has."""

    published = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Untick to keep the record a draft: only staff see it.",
    )
    embargo_until = models.DateField(
        null=True,
        blank=True,
        help_text="Hidden from the public until this day, even when published.",
    )
    publication_changed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was last published or hidden."
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        before: Any = getattr(self, "_stored_publication", (True, None))
        if before is None:  # loaded without these fields: ask the database
            before = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("published", "embargo_until")
                .first()
            )
        # a record created as a draft was never public: nothing to take back
        changed = not self._state.adding and self.publication_state() != before
        if changed:
            self.publication_changed_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "publication_changed_at"}
        super().save(*args, **kwargs)
        self._stored_publication = self.publication_state()
        self._publication_was_changed = changed
        if changed:
            from .service import publication_changed

            publication_changed(self)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance: Any = super().from_db(db, field_names, values, **kwargs)
        loaded = {"published", "embargo_until"} <= set(field_names)
        instance._stored_publication = instance.publication_state() if loaded else None
        return instance

    def publication_state(self) -> tuple[bool, datetime.date | None]:
        return (self.published, self.embargo_until)

    @property
    def is_public(self) -> bool:
        """Published and not (or no longer) under embargo; components also ask their tree."""
        return self.published and (self.embargo_until is None or self.embargo_until <= today())

    @property
    def publication_status(self) -> str:
        """draft, embargoed or published: what the admin shows."""
        if not self.published:
            return "draft"
        if self.embargo_until is not None and self.embargo_until > today():
            return "embargoed"
        return "published"

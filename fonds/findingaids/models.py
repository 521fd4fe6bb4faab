"""Collections (finding aids) and their components.

The component tree is stored so that nothing is rewritten when a component is added:
each row carries its document order (``sequence``), the sequence of its last
descendant (``subtree_end``), its parent and the sequences of its ancestors
(``ancestry``). Children are one indexed query on ``parent``; ancestors one query on
``sequence__in``; a whole subtree one range on ``sequence``.

Content marked ``audience="internal"`` never reaches public code by accident: the
default managers (``objects``) leave it out and staff code asks for ``all_objects``.
Internal notes live in their own table. The same managers leave out what is not
published, or under embargo, with everything it contains (see
:mod:`fonds.publishing`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from fonds.publishing.models import Publishable, public_q, released_q, today


class PublicManager(models.Manager[Any]):
    """Leaves out rows marked internal, and rows not public (a draft, under embargo, or
    inside one: ``public_filter()`` of the model); reverse relations use it too."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(Q(internal=False) & self.model.public_filter())


def _public_component_q(prefix: str) -> Q:
    return (
        Q(**{f"{prefix}internal": False, f"{prefix}withdrawn": False})
        & public_q(prefix)
        & released_q(f"{prefix}release_date")
        & Q(**{f"{prefix}collection__internal": False})
        & public_q(f"{prefix}collection__")
    )


def _part_of_public_q() -> Q:
    """Names and digital objects: of a public collection, and of a public component
    when they belong to one."""
    return (
        Q(collection__internal=False)
        & public_q("collection__")
        & (Q(component__isnull=True) | _public_component_q("component__"))
    )


class Described(models.Model):
    """What collections and components share: the ``did`` and the notes."""

    title = models.TextField(blank=True)
    title_html = models.TextField(blank=True)
    unitid = models.CharField("identifier", max_length=500, blank=True)
    level = models.CharField(max_length=100, blank=True)
    date_text = models.CharField("dates", max_length=1000, blank=True)
    begin_year = models.IntegerField(null=True, blank=True, db_index=True)
    end_year = models.IntegerField(null=True, blank=True, db_index=True)
    undated = models.BooleanField(default=False)
    dates = models.JSONField(default=list, blank=True)
    extent = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    internal = models.BooleanField(
        default=False, help_text="Marked audience=internal: never shown to the public."
    )

    class Meta:
        abstract = True

    @property
    def display_title(self) -> str:
        return self.title or self.date_text or "[Untitled]"

    def notes_of(self, *types: str) -> list[dict[str, Any]]:
        return [n for n in self.notes if n.get("type") in types]

    @property
    def abstract_notes(self) -> list[dict[str, Any]]:
        return self.notes_of("abstract")

    @property
    def scope_content(self) -> list[dict[str, Any]]:
        return self.notes_of("scopecontent")

    @property
    def biographical_history(self) -> list[dict[str, Any]]:
        return self.notes_of("bioghist")

    @property
    def arrangement(self) -> list[dict[str, Any]]:
        return self.notes_of("arrangement")

    @property
    def access_restrictions(self) -> list[dict[str, Any]]:
        return self.notes_of("accessrestrict")

    @property
    def use_restrictions(self) -> list[dict[str, Any]]:
        return self.notes_of("userestrict")


class Collection(Described, Publishable):
    identifier = models.CharField(
        max_length=200, unique=True, help_text="The collection's id in URLs."
    )
    eadid = models.CharField("EAD identifier", max_length=500, blank=True)
    ead_version = models.CharField(max_length=10, blank=True)
    repository = models.CharField(max_length=500, blank=True)
    abstract = models.TextField(blank=True, help_text="Plain text, for lists and harvesting.")
    finding_aid = models.JSONField(
        default=dict, blank=True, help_text="About the finding aid: title, author, status."
    )
    component_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["title"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return f"{self.unitid or self.identifier}: {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("findingaids:collection", args=[self.identifier])

    @classmethod
    def public_filter(cls) -> Q:
        return public_q()

    @property
    def is_public(self) -> bool:
        return not self.internal and super().is_public

    @property
    def public_component_count(self) -> int:
        """Its public components (counted by the query when it asked, see views)."""
        counted = getattr(self, "public_components", None)
        if counted is None:
            counted = Component.objects.filter(collection=self).count()
        return int(counted)

    @property
    def creators(self) -> models.QuerySet[AccessTerm]:
        return self.terms.filter(component__isnull=True, relation=AccessTerm.CREATOR)


class FindingAidSource(models.Model):
    """The EAD file exactly as loaded (zlib-compressed): exports and audits start here."""

    collection = models.OneToOneField(Collection, on_delete=models.CASCADE, related_name="source")
    sha256 = models.CharField(max_length=64, db_index=True)
    filename = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


class Component(Described, Publishable):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="components")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    ref = models.CharField(max_length=200, help_text="The component's id in URLs.")
    xml_id = models.CharField(max_length=200, blank=True)
    sequence = models.PositiveIntegerField(help_text="Position in document order, from 1.")
    subtree_end = models.PositiveIntegerField(help_text="Sequence of the last descendant.")
    ancestry = models.TextField(blank=True, help_text="Sequences of the ancestors, dot-separated.")
    depth = models.PositiveSmallIntegerField(help_text="1 for a top-level component.")
    position = models.PositiveIntegerField(help_text="Position among siblings, from 1.")
    containers = models.JSONField(default=list, blank=True)
    container_summary = models.CharField(max_length=500, blank=True)
    has_digital_object = models.BooleanField(default=False)
    withdrawn = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="It, or a component that contains it, is a draft.",
    )
    release_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest embargo of it and of the components that contain it.",
    )

    objects = PublicManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["collection", "sequence"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(fields=["collection", "sequence"], name="component_sequence"),
            models.UniqueConstraint(fields=["collection", "ref"], name="component_ref"),
        ]
        indexes = [models.Index(fields=["collection", "depth", "sequence"])]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("findingaids:component", args=[self.collection.identifier, self.ref])

    @classmethod
    def public_filter(cls) -> Q:
        return _public_component_q("")

    @property
    def is_public(self) -> bool:
        """Public itself, inside public components, in a public collection."""
        return (
            not self.internal
            and not self.withdrawn
            and (self.release_date is None or self.release_date <= today())
            and self.collection.is_public
        )

    @property
    def available_from(self) -> datetime.date | None:
        """The day its embargoes (its own, its ancestors', its collection's) end."""
        dates = [d for d in (self.release_date, self.collection.embargo_until) if d]
        return max(dates) if dates else None

    @property
    def is_leaf(self) -> bool:
        return self.descendant_count == 0

    @property
    def descendant_count(self) -> int:
        """Its descendants: the public ones when the query counted them (the contents
        lists do), else all of them."""
        counted = getattr(self, "public_descendants", None)
        return int(counted) if counted is not None else self.subtree_end - self.sequence

    def ancestor_sequences(self) -> list[int]:
        return [int(s) for s in self.ancestry.split(".") if s]

    def ancestors(self) -> models.QuerySet[Component]:
        """All ancestors, outermost first, in one query."""
        return Component.objects.filter(
            collection_id=self.collection_id, sequence__in=self.ancestor_sequences()
        ).order_by("sequence")

    def descendants(self) -> models.QuerySet[Component]:
        return Component.objects.filter(
            collection_id=self.collection_id,
            sequence__gt=self.sequence,
            sequence__lte=self.subtree_end,
        )


class DigitalObject(models.Model):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="digital_objects"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="digital_objects"
    )
    href = models.TextField(blank=True)
    title = models.TextField(blank=True)
    role = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="HTML fragment.")
    group_label = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    internal = models.BooleanField(default=False)

    objects = PublicManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["position"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.title or self.href

    @classmethod
    def public_filter(cls) -> Q:
        return _part_of_public_q()


class AccessTerm(models.Model):
    """A name or subject attached to a collection or component."""

    CREATOR, SUBJECT, RELATED = "creator", "subject", "related"
    RELATIONS = [(CREATOR, "creator"), (SUBJECT, "subject"), (RELATED, "related")]
    KINDS = [
        ("persname", "person"),
        ("corpname", "organization"),
        ("famname", "family"),
        ("name", "name"),
        ("geogname", "place"),
        ("subject", "subject"),
        ("genreform", "genre/form"),
        ("occupation", "occupation"),
        ("function", "function"),
        ("title", "title"),
    ]

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="terms")
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    relation = models.CharField(max_length=10, choices=RELATIONS, default=SUBJECT)
    text = models.CharField(max_length=1000)
    source = models.CharField(max_length=200, blank=True)
    identifier = models.CharField(max_length=500, blank=True)
    role = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    internal = models.BooleanField(default=False)

    objects = PublicManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["position"]
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["kind", "text"])]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def public_filter(cls) -> Q:
        return _part_of_public_q()


class InternalNote(models.Model):
    """Content marked ``audience="internal"``: kept for staff, apart from public data."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="internal_notes"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="internal_notes"
    )
    element = models.CharField(max_length=50)
    head = models.TextField(blank=True)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.element}: {self.text[:60]}"

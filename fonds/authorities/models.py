"""Authority records: the organizations, people and families of the roster.

Names carry their language and script, so "Щаранский" (ru, Cyrl) and "Shcharansky"
(en, Latn) are variants of one person. Relations are typed and dated and stored once;
pages show them from both ends through :data:`AgentRelation.INVERSE`.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from fonds.formats import roster
from fonds.publishing.models import Publishable, PublishableQuerySet

TYPE_LABELS = {"israeli": "Israeli", "women": "women's", "soviet": "Soviet"}


class Agent(Publishable):
    ORGANIZATION, PERSON, FAMILY = "organization", "person", "family"
    KINDS = [(ORGANIZATION, "organization"), (PERSON, "person"), (FAMILY, "family")]
    # the types a roster file may name (fonds.formats.roster), with their labels
    ORGANIZATION_TYPES = [(t, TYPE_LABELS.get(t, t)) for t in roster.ORGANIZATION_TYPES]

    identifier = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS)
    authorized_name = models.CharField(max_length=500)
    sort_name = models.CharField(max_length=500, blank=True, db_index=True)
    organization_type = models.CharField(max_length=20, choices=ORGANIZATION_TYPES, blank=True)
    existence = models.CharField(
        max_length=100, blank=True, help_text="EDTF, for example 1964-04/1971 or 1969?"
    )
    begin_year = models.IntegerField(null=True, blank=True)
    end_year = models.IntegerField(null=True, blank=True)
    places = models.JSONField(default=list, blank=True, help_text="[{name, role, date}]")
    summary = models.TextField(blank=True)
    history = models.TextField(blank=True, help_text="Markdown.")
    sources = models.JSONField(default=list, blank=True)
    languages_used = models.JSONField(
        default=list, blank=True, help_text="Languages it used: ISO 639-2 codes (eng), else names."
    )
    resources = models.JSONField(
        "related resources",
        default=list,
        blank=True,
        help_text="Works and records it created or is the subject of, and its functions, as "
        "EAC-CPF resource and function relations: [{title, href, relation_type, role, "
        "arcrole, dates, dates_text, note, kind}] (kind: function, else a resource).",
    )
    descriptive_terms = models.JSONField(
        default=list,
        blank=True,
        help_text="Occupations, functions and local descriptions (subjects, say): "
        "[{element: occupation | function | localDescription, type, term}].",
    )
    record_id = models.CharField(
        "EAC-CPF record id", max_length=200, blank=True, help_text="recordId when loaded."
    )
    other_record_ids = models.JSONField(
        "other record ids",
        default=list,
        blank=True,
        help_text="Its ids in other systems (EAC-CPF otherRecordId): [{id, type}].",
    )
    maintenance = models.JSONField(
        default=dict,
        blank=True,
        help_text="EAC-CPF control data when loaded: {status, agency, agency_code, events, "
        "local_controls}.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "authorized_name"]

    def __str__(self) -> str:
        return self.authorized_name

    def get_absolute_url(self) -> str:
        return reverse("authorities:agent", args=[self.identifier])


class AgentName(models.Model):
    AUTHORIZED, VARIANT, ACRONYM, FORMER, TRANSLATION = (
        "authorized",
        "variant",
        "acronym",
        "former",
        "translation",
    )
    TYPES = [
        (AUTHORIZED, "authorized"),
        (VARIANT, "variant"),
        (ACRONYM, "acronym"),
        (FORMER, "former name"),
        (TRANSLATION, "translation"),
    ]

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=500)
    name_type = models.CharField(max_length=20, choices=TYPES, default=VARIANT)
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47, e.g. en, ru, he.")
    script = models.CharField(max_length=4, blank=True, help_text="ISO 15924, e.g. Latn, Cyrl.")
    transliteration = models.CharField(max_length=100, blank=True)
    dates = models.CharField(max_length=100, blank=True, help_text="EDTF: when the name was used.")
    position = models.PositiveIntegerField(default=0)
    eac = models.JSONField(
        "as EAC-CPF wrote it",
        default=dict,
        blank=True,
        help_text="What an EAC-CPF record said of the name besides its text: parts, rules "
        "(authorizedForm/alternativeForm), local_type, parallel, dates_text.",
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class AgentRelation(models.Model):
    TYPES = [
        ("predecessor_of", "predecessor of"),
        ("successor_of", "successor of"),
        ("parent_of", "parent of"),
        ("affiliate_of", "affiliate of"),
        ("member_of", "member of"),
        ("has_member", "has member"),
        ("founded", "founded"),
        ("founded_by", "founded by"),
        ("leader_of", "leader of"),
        ("led_by", "led by"),
        ("associated_with", "associated with"),
    ]
    INVERSE = {
        "predecessor_of": "successor_of",
        "successor_of": "predecessor_of",
        "parent_of": "affiliate_of",
        "affiliate_of": "parent_of",
        "member_of": "has_member",
        "has_member": "member_of",
        "founded": "founded_by",
        "founded_by": "founded",
        "leader_of": "led_by",
        "led_by": "leader_of",
        "associated_with": "associated_with",
    }

    source = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="relations_in"
    )
    target_name = models.CharField(
        max_length=500, blank=True, help_text="For a target not (yet) in the roster."
    )
    relation_type = models.CharField(max_length=30, choices=TYPES)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. first president")
    dates = models.CharField(max_length=100, blank=True, help_text="EDTF")
    note = models.TextField(blank=True)
    eac = models.JSONField(
        "as EAC-CPF wrote it",
        default=dict,
        blank=True,
        help_text="How an EAC-CPF record wrote the relation: relation_type, arcrole, href, "
        "role, dates_text; exported again while they still mean this relation type.",
    )

    def __str__(self) -> str:
        target = self.target.authorized_name if self.target else self.target_name
        return f"{self.source} {self.get_relation_type_display()} {target}"


class NameMatch(models.Model):
    """A name as the finding aids write it, matched to a roster record.

    Kept by the name's text, not by the rows it came from, so an archivist's decision
    survives the finding aid being loaded again.
    """

    AUTO, UNCERTAIN, CONFIRMED, REJECTED = "auto", "uncertain", "confirmed", "rejected"
    STATUSES = [
        (AUTO, "matched automatically"),
        (UNCERTAIN, "needs an archivist"),
        (CONFIRMED, "confirmed"),
        (REJECTED, "rejected"),
    ]
    METHODS = [
        ("exact", "same name"),
        ("variant", "a variant name"),
        ("romanization", "another spelling or script"),
        ("initials", "same surname and initials"),
        ("similar", "similar name"),
        ("text", "named in the text"),
    ]

    text = models.CharField(max_length=1000, help_text="The name as written in the records.")
    kind = models.CharField(max_length=20, help_text="persname, corpname, famname, name, text")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    method = models.CharField(max_length=20, choices=METHODS)
    matched_name = models.CharField(max_length=500, help_text="The roster name it matched.")
    status = models.CharField(max_length=20, choices=STATUSES, default=AUTO, db_index=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["text", "kind", "agent"], name="name_match_unique")
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.agent} ({self.score:.2f}, {self.method})"

    @property
    def accepted(self) -> bool:
        return self.status in (self.AUTO, self.CONFIRMED)

    @property
    def decided(self) -> bool:
        """An archivist confirmed or rejected it: reconciliation leaves it alone."""
        return self.status in (self.CONFIRMED, self.REJECTED)


class Appearance(models.Model):
    """Where a roster record appears: a collection, and the component when it is one."""

    CREATOR, SUBJECT, TEXT = "creator", "subject", "text"
    ROLES = [(CREATOR, "created"), (SUBJECT, "named as a subject"), (TEXT, "named in the text")]

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="appearances")
    collection = models.ForeignKey(
        "findingaids.Collection", on_delete=models.CASCADE, related_name="appearances"
    )
    component_ref = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=ROLES)
    match = models.ForeignKey(NameMatch, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "collection", "component_ref", "role"], name="appearance_unique"
            )
        ]
        indexes = [models.Index(fields=["collection", "agent"])]

    def __str__(self) -> str:
        where = self.collection.identifier + (
            f"/{self.component_ref}" if self.component_ref else ""
        )
        return f"{self.agent} {self.role} {where}"

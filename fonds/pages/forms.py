"""The reference-request form."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from fonds.findingaids.models import Collection, Component

from .models import ReferenceRequest

QUESTION_MAX_LENGTH = 5000


def single_line(value: str) -> None:
    """Names and references go into mail headers and lists: no line breaks, no controls."""
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in value):
        raise ValidationError("Please keep this to one line.", code="single_line")


def local_path(value: str) -> str:
    """Only a path on this site is kept as where a request came from."""
    value = value.strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return ""
    return value[:500]


def named_material(collection: str, ref: str) -> tuple[Collection | None, Component | None]:
    """The public collection and component a request names, when it names exactly one."""
    collection = collection.strip()
    if not collection or "," in collection:
        return None, None
    found = Collection.objects.filter(identifier=collection).first()
    if found is None or not ref.strip():
        return found, None
    return found, Component.objects.filter(collection=found, ref=ref.strip()).first()


class ReferenceRequestForm(forms.ModelForm):  # type: ignore[type-arg]
    intended_use = forms.ChoiceField(
        label="How will you use the material?",
        choices=ReferenceRequest.Use.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    # Where the researcher came from: trimmed to a local path by clean_source_page,
    # never an error the researcher would have to fix in a field they cannot see.
    source_page = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = ReferenceRequest
        fields = [
            "name",
            "email",
            "affiliation",
            "question",
            "collection_identifiers",
            "folder_reference",
            "visit_date",
            "intended_use",
            "source_page",
        ]
        labels = {
            "name": "Your name",
            "email": "Email address",
            "affiliation": "Institution or affiliation",
            "question": "Your research topic or question",
            "collection_identifiers": "Collection identifier(s)",
            "folder_reference": "Folder or item",
            "visit_date": "When would you like to visit?",
        }
        help_texts = {
            "email": "We answer to this address and nowhere else.",
            "affiliation": "A university, a museum, a newspaper, or none.",
            "question": (
                "What you are researching and what you hope to find. Names in any "
                "spelling or script are welcome."
            ),
            "collection_identifiers": (
                "As shown at the top of a collection's page. Separate several with commas."
            ),
            "folder_reference": "Box and folder numbers, or the title of a folder or item.",
            "visit_date": (
                "Only if you plan to come to the reading room. Visits are by appointment; "
                "we will confirm a date with you."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "affiliation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "question": forms.Textarea(attrs={"rows": 8, "maxlength": QUESTION_MAX_LENGTH}),
            "visit_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "name": {"required": "Please tell us your name."},
            "email": {
                "required": "Please give an email address so that we can answer you.",
                "invalid": "This does not look like an email address; please check it.",
            },
            "question": {"required": "Please tell us what you are looking for."},
            "visit_date": {"invalid": "Please give the date as year-month-day, e.g. 2030-04-15."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "affiliation", "collection_identifiers", "folder_reference"):
            self.fields[name].validators.append(single_line)
        self.fields["question"].validators.append(MaxLengthValidator(QUESTION_MAX_LENGTH))

    def clean_visit_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("visit_date")
        if value is not None and value < timezone.localdate():
            raise ValidationError(
                "This date has passed; please choose a date from today on.", code="past"
            )
        return value

    def clean_source_page(self) -> str:
        return local_path(self.cleaned_data.get("source_page") or "")

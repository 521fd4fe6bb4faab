from __future__ import annotations

from typing import Any

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    upload = MultipleFileField(
        label="Files",
        help_text=(
            "Finding aids (EAD 2002 or EAD3), EAC-CPF records, the roster (CSV or YAML), "
            "the bibliography (BibTeX, RIS or CSL-JSON), the timeline (YAML, CSV or "
            "TimelineJS). Nothing is loaded before you have seen what would change."
        ),
    )
    note = forms.CharField(
        label="Note",
        max_length=500,
        required=False,
        help_text="Why this upload: kept with the versions it makes.",
    )


class RestoreForm(forms.Form):
    note = forms.CharField(label="Note", max_length=500, required=False)

"""The selected bibliography, formatted in Chicago style, with its exports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from fonds.exports.http import export_response
from fonds.formats.citations import bibliography_entries, format_bibliography, format_note

from .models import Work

STYLES = {
    "chicago-notes-bibliography": "Chicago, notes and bibliography",
    "chicago-author-date": "Chicago, author-date",
}
EXPORTS = {"json": "csl-json", "bib": "bibtex", "ris": "ris"}


def _style(request: HttpRequest) -> str:
    style = request.GET.get("style", "chicago-notes-bibliography")
    return style if style in STYLES else "chicago-notes-bibliography"


def _items(works: list[Work]) -> list[dict[str, object]]:
    return [dict(w.csl, id=w.identifier) for w in works]


def _formatted(style: str) -> tuple[list[Work], list[tuple[str, str]]]:
    works = list(Work.objects.public())
    return works, bibliography_entries(_items(works), style, output="html") if works else []


def warm_citations() -> None:
    """Render the bibliography in each style, so the first visitors find it ready."""
    for style in STYLES:
        _formatted(style)


def bibliography(request: HttpRequest) -> HttpResponse:
    style = _style(request)
    works, formatted = _formatted(style)
    by_id = {w.identifier: w for w in works}
    entries = [
        {"html": mark_safe(html), "work": by_id.get(identifier)}  # noqa: S308 - escaped by the formatter
        for identifier, html in formatted
    ]
    return render(
        request,
        "bibliography/bibliography.html",
        {"entries": entries, "style": style, "styles": STYLES.items()},
    )


def work_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    work = get_object_or_404(Work.objects.public(), identifier=identifier)
    item = dict(work.csl, id=work.identifier)
    citations = [
        (label, mark_safe(format_bibliography([item], style, output="html")[0]))  # noqa: S308
        for style, label in STYLES.items()
    ]
    return render(
        request,
        "bibliography/work.html",
        {
            "work": work,
            "citations": citations,
            "note": mark_safe(format_note(item, "chicago-notes-bibliography")),  # noqa: S308
            "agents": work.agents.public(),
            "events": work.events.public(),
        },
    )


def export(request: HttpRequest, kind: str) -> HttpResponse:
    return export_response(EXPORTS[kind])

"""An exporter's output as an HTTP response."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from .registry import exporter


def export_response(name: str, subject: Any = None, inline: bool = False) -> HttpResponse:
    chosen = exporter(name)
    response = HttpResponse(chosen.render(subject), content_type=chosen.media_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{chosen.filename(subject)}"'
    return response

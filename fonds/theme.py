"""The archive's own colours as a stylesheet, so that pages need no inline style."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _colour(value: str, default: str) -> str:
    return value if _HEX.match(value.strip()) else default


@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    accent = _colour(settings.ARCHIVE_ACCENT_COLOUR, "#0b4f8a")
    header = _colour(settings.ARCHIVE_HEADER_COLOUR, "#1d2330")
    response = HttpResponse(
        f":root {{ --accent: {accent}; --header: {header}; }}\n",
        content_type="text/css; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response

"""Rendering stored EAD fragments: every one goes through the sanitizer."""

from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from fonds.formats.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, SAFE_SCHEMES

register = template.Library()

_URL_SCHEMES = {s for s in SAFE_SCHEMES if s}


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment or "",
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@register.filter
def ead_html(fragment: str) -> SafeString:
    return mark_safe(sanitize(fragment))  # noqa: S308 - sanitized just above


@register.filter
def safe_link(href: str) -> str:
    """A digital object's link, or nothing when its scheme is not http(s)/mailto/relative."""
    from fonds.formats.markup import safe_href

    return safe_href(href) or ""


@register.filter(name="note_heading")
def note_heading_filter(note: dict[str, str]) -> str:
    from fonds.findingaids.presentation import note_heading

    return note_heading(note)

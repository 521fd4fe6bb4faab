from django import template
from django.utils.safestring import SafeString, mark_safe

from fonds.pages.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return mark_safe(render(text))  # noqa: S308 - rendered without raw HTML, then sanitized

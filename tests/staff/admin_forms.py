"""Reading the admin's own forms, as a browser would submit them."""

from __future__ import annotations

from typing import Any

import lxml.html


def form_data(html: str | bytes, form_id: str) -> dict[str, Any]:
    """What the form ``form_id`` on the page would send unchanged (values as lists)."""
    document = lxml.html.fromstring(html)
    forms = document.xpath(f'//form[@id="{form_id}"]')
    assert forms, f"no form {form_id!r} on the page"
    data: dict[str, Any] = {}
    for name, value in forms[0].form_values():
        data.setdefault(name, []).append(value)
    return data


def set_value(data: dict[str, Any], name: str, value: str | None) -> None:
    """Change a field; None unticks a checkbox."""
    if value is None:
        data.pop(name, None)
    else:
        data[name] = [value]

"""The table of exporters: a name, what it applies to, and the function that writes it.

Scopes: ``archive`` (the whole portal: the roster, the timeline...), ``collection``
(one finding aid, by identifier) and ``agent`` (one roster record, by identifier).
Only public records are read: exports never carry internal or unpublished content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Render = Callable[[Any], bytes]


@dataclass(frozen=True)
class Exporter:
    name: str
    title: str
    media_type: str
    extension: str
    scope: str  # archive | collection | agent
    render: Render

    def filename(self, subject: Any = None) -> str:
        stem = getattr(subject, "identifier", None) or self.name
        return f"{stem}.{self.extension}"


EXPORTERS: dict[str, Exporter] = {}


def register(
    name: str, title: str, media_type: str, extension: str, scope: str
) -> Callable[[Render], Render]:
    def decorate(render: Render) -> Render:
        EXPORTERS[name] = Exporter(name, title, media_type, extension, scope, render)
        return render

    return decorate


def _register_all() -> None:
    """Import every module of this package: each registers its exporters."""
    import importlib
    import pkgutil

    from fonds import exports

    for module in pkgutil.iter_modules(exports.__path__):
        if module.name not in ("registry", "http"):
            importlib.import_module(f"fonds.exports.{module.name}")


def exporter(name: str) -> Exporter:
    _register_all()
    try:
        return EXPORTERS[name]
    except KeyError:
        known = ", ".join(sorted(EXPORTERS))
        raise KeyError(f"unknown export format {name!r}; known: {known}") from None


def export(name: str, subject: Any = None) -> bytes:
    return exporter(name).render(subject)


def all_exporters() -> dict[str, Exporter]:
    _register_all()
    return dict(EXPORTERS)

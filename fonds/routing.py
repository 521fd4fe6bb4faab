"""Reads to the replicas, writes to the primary.

With ``FONDS_DATABASE_REPLICA_URLS`` set, pages and searches read from a streaming
replica and every write goes to the primary. Work that must read what it has just
written (loading, the admin, any POST) runs "pinned" to the primary: the ``fonds``
commands that change data pin themselves, and :class:`PinPrimaryMiddleware` pins
requests that are not plain reads.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_pinned: ContextVar[bool] = ContextVar("fonds_primary", default=False)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@contextmanager
def primary() -> Iterator[None]:
    """Read from the primary inside this block."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def pin_primary() -> None:
    """Read from the primary for the rest of this process or request context."""
    _pinned.set(True)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        choices = replicas()
        if _pinned.get() or not choices:
            return "default"
        return random.choice(choices)  # noqa: S311 - spreading load, not a secret

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class PinPrimaryMiddleware:
    """Requests that write, and the admin, read from the primary."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.SAFE or request.path.startswith("/admin/"):
            with primary():
                return self.get_response(request)
        return self.get_response(request)

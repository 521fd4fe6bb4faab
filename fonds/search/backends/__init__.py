"""Search backends behind one interface; ``get_backend()`` returns the configured one."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .base import SearchBackend


@lru_cache(maxsize=1)
def get_backend() -> SearchBackend:
    name = settings.FONDS_SEARCH_BACKEND
    if name == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend(settings.FONDS_INDEX_DIR)
    if name == "postgres":
        from .postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"unknown FONDS_SEARCH_BACKEND {name!r}: expected 'embedded' or 'postgres'")

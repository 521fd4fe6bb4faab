"""The whole public archive as RiC-O 1.0 (Records in Contexts) linked data.

Built by :mod:`fonds.linked.rico`; see docs/linked-data.md for what maps to what.
"""

from __future__ import annotations

from typing import Any

from .registry import register


@register(
    "rico-turtle", "Archive in RiC-O (Turtle)", "text/turtle; charset=utf-8", "ttl", "archive"
)
def rico_turtle(_: Any = None) -> bytes:
    from fonds.linked.rico import turtle

    return turtle()


@register("rico-jsonld", "Archive in RiC-O (JSON-LD)", "application/ld+json", "jsonld", "archive")
def rico_jsonld(_: Any = None) -> bytes:
    from fonds.linked.rico import json_ld

    return json_ld()


@register("rico-ntriples", "Archive in RiC-O (N-Triples)", "application/n-triples", "nt", "archive")
def rico_ntriples(_: Any = None) -> bytes:
    from fonds.linked.rico import ntriples

    return b"".join(ntriples())

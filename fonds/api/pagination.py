"""Cursor pagination: ``{"data": [...], "next": url-or-null}``.

A cursor is opaque to clients: the position after the last record of a page, signed
with the site's secret key (:mod:`django.core.signing`) together with the listing it
belongs to (the path and the parameters that select records). A cursor that was
altered, or that belongs to another listing, is a 400 ``invalid_cursor``; ``limit``
may change from one page to the next.

Database listings page by keyset on a stable order whose last field is unique, so a
page never repeats or skips a record however deep it is, and costs the same at page
1,000 as at page 1. Search results, ranked by relevance, page by offset.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core import signing
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.http import HttpRequest

from .http import ApiError
from .params import Query

M = TypeVar("M", bound=models.Model)
SALT = "fonds.api.cursor"
NOT_SELECTING = ("limit", "cursor")


def _scope(request: HttpRequest, query: Query) -> str:
    return request.path + "?" + json.dumps(query.fingerprint(leave_out=NOT_SELECTING))


def encode_cursor(request: HttpRequest, query: Query, position: Any) -> str:
    return signing.dumps({"s": _scope(request, query), "p": position}, salt=SALT, compress=True)


def decode_cursor(request: HttpRequest, query: Query) -> Any:
    """The position a request's cursor holds; None without a cursor."""
    token = query.text("cursor")
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, zlib.error):
        raise ApiError(
            400, "cursor is not one this API gave out; follow the next links", "invalid_cursor"
        ) from None
    if not isinstance(data, dict) or data.get("s") != _scope(request, query):
        raise ApiError(
            400,
            "cursor belongs to another listing: keep the parameters of the first page",
            "invalid_cursor",
        )
    return data.get("p")


def next_url(request: HttpRequest, query: Query, position: Any) -> str:
    token = encode_cursor(request, query, position)
    params = [*query.given(leave_out=["cursor"]), ("cursor", token)]
    return request.build_absolute_uri(request.path) + "?" + urlencode(params)


@dataclass(frozen=True)
class Keyset:
    """A stable order: fields compared in turn, the last unique and never null.

    Earlier fields may be null; nulls sort last, on every database.
    """

    fields: tuple[str, ...]

    def ordering(self) -> list[OrderBy]:
        return [F(name).asc(nulls_last=True) for name in self.fields]

    def position(self, record: models.Model) -> list[Any]:
        values = []
        for name in self.fields:
            value = getattr(record, name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return values

    def after(self, model: type[models.Model], position: Any) -> Q:
        """Records that come after ``position`` in this order."""
        if not isinstance(position, list) or len(position) != len(self.fields):
            raise ApiError(400, "cursor does not fit this listing", "invalid_cursor")
        fields = [_concrete(model, name) for name in self.fields]
        try:
            values = [
                None if v is None else f.to_python(v) for f, v in zip(fields, position, strict=True)
            ]
        except Exception:
            raise ApiError(400, "cursor does not fit this listing", "invalid_cursor") from None
        after = Q(pk__in=[])
        for index, (field, value) in enumerate(zip(fields, values, strict=True)):
            if value is None:
                continue  # nothing sorts after a null but other nulls, which are equal
            greater = Q(**{f"{field.name}__gt": value})
            if field.null:
                greater |= Q(**{f"{field.name}__isnull": True})
            for earlier, earlier_value in zip(fields[:index], values[:index], strict=True):
                if earlier_value is None:
                    greater &= Q(**{f"{earlier.name}__isnull": True})
                else:
                    greater &= Q(**{earlier.name: earlier_value})
            after |= greater
        return after


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a column of {model.__name__}"
    return field


def page(
    request: HttpRequest, query: Query, records: models.QuerySet[M], keyset: Keyset
) -> tuple[list[M], str | None]:
    """One page of ``records`` in the keyset's order, and the link to the next one."""
    limit = query.required_integer("limit")
    records = records.order_by(*keyset.ordering())
    position = decode_cursor(request, query)
    if position is not None:
        records = records.filter(keyset.after(records.model, position))
    found = list(records[: limit + 1])
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    return found, next_url(request, query, keyset.position(found[-1]))


def offset(request: HttpRequest, query: Query) -> int:
    """Where a page of ranked results starts: 0, or the cursor's offset."""
    position = decode_cursor(request, query)
    if position is None:
        return 0
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise ApiError(400, "cursor does not fit this listing", "invalid_cursor")
    return position

"""Values longer than their column are refused, by name, on every database.

SQLite keeps a string of any length in a ``varchar(n)`` column; PostgreSQL refuses it
with a database error that names neither the record nor the file. The loaders of the
roster, the timeline and the bibliography check each row before writing it, so a file
holding an over-long value is refused the same way on both databases, with one line
naming the file, the record's line, the field, the value's length and the limit, and
nothing of the file written (each file loads in one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from fonds.formats.errors import FormatError


def check_fits(
    model: type[models.Model],
    values: Mapping[str, Any],
    *,
    what: str,
    path: str,
    line: int | None = None,
) -> None:
    """Raise :class:`FormatError` when a string in ``values`` (field name to value,
    or an instance's ``vars``) is longer than its field's ``max_length``."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        limit = getattr(field, "max_length", None)
        if isinstance(field, models.Field) and limit is not None and len(value) > limit:
            raise FormatError(
                path,
                f"{what}: {field.verbose_name} is {len(value):,} characters long; "
                f"at most {limit:,} fit",
                line,
                1 if line is not None else None,
            )

"""Fast inserts for loading: plain ``executemany`` with ids chosen by the loader.

The ORM's ``bulk_create`` spends most of a large load building model instances.
Here rows are tuples. Component ids are reserved under a write lock as a block
(``base + sequence``), so a child can name its parent's id before the parent row
is written (components arrive children first); foreign keys are checked at commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


class Inserter:
    """``INSERT INTO table (fields...) VALUES ...`` for many tuples at once."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.fields = [model._meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)  # type: ignore[union-attr]
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        # JSON values need the backend's own adaptation; others pass through.
        self.adapt = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        prepared = []
        adapt = connection.ops.adapt_json_value
        for row in rows:
            values = list(row)
            for i in self.adapt:
                values[i] = adapt(values[i], None)
            prepared.append(values)
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)


def lock_and_reserve(model: type[models.Model]) -> int:
    """Lock the table against other writers and return the highest id in use.

    SQLite: the loader's transaction already holds the database's write lock
    (``transaction_mode=IMMEDIATE``). PostgreSQL: SHARE ROW EXCLUSIVE lets readers
    go on and makes a second load wait until this one commits.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never hands out an id twice; stay above its counter too.
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table]
            )
            found = cursor.fetchone()
            if found and found[0]:
                highest = max(highest, int(found[0]))
    return int(highest)


def sync_id_sequence(model: type[models.Model]) -> None:
    """After explicit ids, move PostgreSQL's identity sequence past them."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
            [table],
        )

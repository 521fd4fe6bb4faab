"""``fonds check``: what is misconfigured, and what is loaded."""

from __future__ import annotations

import os
from typing import TextIO

from django.conf import settings
from django.core import checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def run_checks(print_to: TextIO) -> list[str]:
    problems: list[str] = []
    home = settings.FONDS_HOME
    if not home.exists():
        problems.append(f"FONDS_HOME {home} does not exist (any fonds command creates it)")
    elif not os.access(home, os.W_OK):
        problems.append(f"FONDS_HOME {home} is not writable")
    for message in checks.run_checks(include_deployment_checks=not settings.DEBUG):
        if message.level >= checks.ERROR:
            problems.append(f"{message.id}: {message.msg}")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            problems.append(f"database is behind the code by {len(plan)} migration(s)")
        else:
            from fonds.findingaids.models import Collection, Component

            print_to.write(
                f"database: {connection.vendor} {connection.settings_dict['NAME']}\n"
                f"collections: {Collection.all_objects.count()}, "
                f"components: {Component.all_objects.count()}\n"
            )
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    mode = cursor.fetchone()[0]
                if mode != "wal":
                    problems.append(f"SQLite journal mode is {mode}, expected wal")
    except Exception as error:  # the database cannot be reached at all
        problems.append(f"database: {error}")
    if settings.SECRET_KEY.startswith("django-insecure"):
        problems.append("FONDS_SECRET_KEY is Django's insecure placeholder")
    for problem in problems:
        print_to.write(f"problem: {problem}\n")
    if not problems:
        print_to.write("no problems found\n")
    return problems

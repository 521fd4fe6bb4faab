"""``fonds check``: what is misconfigured, and what is loaded."""

from __future__ import annotations

import os
from typing import TextIO

from django.conf import settings
from django.core import checks
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from fonds.routing import replicas

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "testserver"}
SEARCH_BACKENDS = ("embedded", "postgres")


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
    public_hosts = set(settings.ALLOWED_HOSTS) - LOCAL_HOSTS
    if settings.DEBUG and public_hosts:
        problems.append(
            f"FONDS_DEBUG is on while the site answers to {sorted(public_hosts)}: "
            "debug pages show tracebacks and settings to anyone"
        )
    if public_hosts and not os.environ.get("FONDS_SECRET_KEY"):
        problems.append(
            "FONDS_SECRET_KEY is not set on a public site: the key is generated into "
            "FONDS_HOME; set it explicitly when several servers share the database"
        )
    if public_hosts and settings.BASE_URL.startswith("http://127.0.0.1"):
        problems.append(
            "FONDS_BASE_URL still names 127.0.0.1: exports, OAI-PMH and sitemaps "
            "would give that address"
        )
    problems += _search()
    problems += _database(print_to)
    problems += _replicas(print_to)
    for problem in problems:
        print_to.write(f"problem: {problem}\n")
    if not problems:
        print_to.write("no problems found\n")
    return problems


def _search() -> list[str]:
    backend = settings.FONDS_SEARCH_BACKEND
    if backend not in SEARCH_BACKENDS:
        return [
            f"FONDS_SEARCH_BACKEND={backend!r} is not a search backend: expected "
            f"{' or '.join(SEARCH_BACKENDS)} (every search would fail)"
        ]
    if backend == "postgres" and connection.vendor != "postgresql":
        return ["FONDS_SEARCH_BACKEND=postgres needs FONDS_DATABASE_URL on PostgreSQL"]
    if backend == "embedded" and replicas():
        return [
            "FONDS_SEARCH_BACKEND=embedded with FONDS_DATABASE_REPLICA_URLS: the embedded "
            "index lives on each server's disk in FONDS_INDEX_DIR and is not replicated, "
            "so servers reading from replicas would each search an index of their own; "
            "use FONDS_SEARCH_BACKEND=postgres (the default on PostgreSQL)"
        ]
    return []


def _database(print_to: TextIO) -> list[str]:
    problems = []
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return [f"database is behind the code by {len(plan)} migration(s)"]
        from fonds.findingaids.models import Collection, Component
        from fonds.search.models import IndexTask

        print_to.write(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}\n"
            f"collections: {Collection.all_objects.count()}, "
            f"components: {Component.all_objects.count()}\n"
            f"search: {settings.FONDS_SEARCH_BACKEND}\n"
        )
        waiting = IndexTask.objects.count()
        if waiting:
            problems.append(
                f"{waiting} search index update(s) waiting (any fonds command does them)"
            )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                mode = cursor.fetchone()[0]
            if mode != "wal":
                problems.append(f"SQLite journal mode is {mode}, expected wal")
    except Exception as error:  # the database cannot be reached at all
        problems.append(f"database: {error}")
    return problems


def _replicas(print_to: TextIO) -> list[str]:
    problems = []
    for alias in replicas():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("select pg_is_in_recovery()")
                recovering = cursor.fetchone()[0]
            print_to.write(f"{alias}: reachable, in recovery: {recovering}\n")
            if not recovering:
                problems.append(f"{alias} is not a replica (pg_is_in_recovery() is false)")
        except Exception as error:
            problems.append(f"{alias}: {error}")
    return problems

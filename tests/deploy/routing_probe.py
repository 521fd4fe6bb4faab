"""Run by tests/deploy/test_routing.py in a fonds process configured with a primary
(FONDS_DATABASE_URL) and a streaming replica (FONDS_DATABASE_REPLICA_URLS): does real
work through Django and prints, as JSON, where each piece of it ran."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")

import django

django.setup()

from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from fonds.findingaids.models import Collection  # noqa: E402
from fonds.routing import primary  # noqa: E402
from fonds.search.models import IndexTask, SearchRecord  # noqa: E402
from fonds.search.service import SearchRequest, search  # noqa: E402


def ran_on(work: Callable[[], Any]) -> dict[str, Any]:
    """How many queries ``work`` sent to the primary and to the replica, and its result."""
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica1"]) as on_replica,
    ):
        result = work()
    return {"primary": len(on_primary), "replica": len(on_replica), "result": result}


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("select pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def main() -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    found: dict[str, Any] = {
        "in_recovery": {alias: in_recovery(alias) for alias in ("default", "replica1")},
        "router": {
            "read": router.db_for_read(Collection),
            "write": router.db_for_write(Collection),
            "migrate_default": router.allow_migrate("default", "findingaids"),
            "migrate_replica": router.allow_migrate("replica1", "findingaids"),
        },
        "count": ran_on(lambda: Collection.objects.count()),
        "search": ran_on(lambda: search(SearchRequest(text="Soviet")).total),
        # a write through the ORM: the replica, read-only, would refuse it
        "write": ran_on(lambda: IndexTask.objects.create(owner="probe:routing").pk is not None),
        # what was just written, read back inside primary()
        "read_your_write": ran_on(
            lambda: _pinned(lambda: IndexTask.objects.filter(owner="probe:routing").exists())
        ),
        "page": ran_on(lambda: client.get("/collections/DEMO-003/").status_code),
        "search_page": ran_on(lambda: client.get("/search", {"q": "Soviet"}).status_code),
        "post": ran_on(
            lambda: (
                client.post(
                    "/admin/login/?next=/admin/", {"username": "nobody", "password": "wrong"}
                ).status_code
            )
        ),
    }
    with primary():
        user = get_user_model().objects.create_superuser("probe", "probe@example.org", "x" * 20)
    client.force_login(user)
    found["admin"] = ran_on(lambda: client.get("/admin/findingaids/collection/").status_code)
    found["after_admin"] = ran_on(lambda: client.get("/collections/").status_code)
    found["records"] = ran_on(lambda: SearchRecord.objects.count())
    with primary():
        IndexTask.objects.filter(owner="probe:routing").delete()
        user.delete()
    print(json.dumps(found))


def _pinned(work: Callable[[], Any]) -> Any:
    with primary():
        return work()


if __name__ == "__main__":
    main()

"""The page for an unexpected error, and the one for a database too busy to write.

On SQLite one process writes at a time: a finding aid loading holds the write lock
for its whole transaction, and a sign-in, the contact form or an edit in the admin
waits up to FONDS_SQLITE_BUSY_SECONDS for it. When that wait runs out nothing was
saved (the request's own transaction is rolled back), so the answer is 503 with
Retry-After and a page that says so, not "Server Error (500)".
"""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 60


def database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked")."""
    return isinstance(error, OperationalError) and "is locked" in str(error)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while the exception is being handled."""
    if database_busy(sys.exc_info()[1]):
        page = loader.get_template("busy.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return django_server_error(request)

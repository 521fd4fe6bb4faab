"""schemathesis over every operation of the OpenAPI description the app serves.

The description is loaded from the application itself (WSGI, no server), over the
demo archive. Each operation gets schemathesis's stateless phases (explicit examples,
coverage of boundaries and invalid values, fuzzing), bounded to MAX_EXAMPLES
generated cases, and every answer is checked: no server error, a documented status
code and content type, the documented headers, and a body that conforms to the
response schema. The counts are printed at the end (``pytest -s``).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Linked-data exports of the whole archive take seconds each: they are downloaded once
# by tests/api/test_privacy.py, not once per generated case.
SLOW_EXPORTS = ("rico-",)

CASES: Counter[str] = Counter()  # per operation
SECONDS: Counter[str] = Counter()
FAILURES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()
SLOW: Counter[str] = Counter()


def slow(path_parameters: dict | None) -> bool:
    return str((path_parameters or {}).get("name", "")).startswith(SLOW_EXPORTS)


def load_schema() -> schemathesis.BaseSchema:
    """The description as the application serves it; the demo is loaded for the tests
    by tests/api/conftest.py (the description itself reads no records)."""
    from fonds.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

    @loaded.hook
    def filter_path_parameters(context, path_parameters):
        return not slow(path_parameters)

    return loaded


schema = load_schema()


@pytest.fixture(scope="module", autouse=True)
def keep_the_connection():
    """schemathesis calls the WSGI application itself, whose request_finished signal
    closes the database connection (CONN_MAX_AGE=0): on PostgreSQL that would close it
    inside the test's transaction. Django's test client disconnects the same handler."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    if not CASES:
        return
    print(f"\nschemathesis {schemathesis.__version__}, at most {MAX_EXAMPLES} generated per phase")
    for label in sorted(CASES):
        print(
            f"  {label:56} {CASES[label]:5} cases {FAILURES[label]:3} failures "
            f"{SECONDS[label]:6.1f}s"
        )
    print(
        f"  {len(CASES)} operations, {CASES.total()} cases, {FAILURES.total()} failures; "
        f"statuses {dict(sorted(STATUSES.items()))}; {SLOW.total()} slow exports left out"
    )


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_errors_and_answers_as_described(case, demo):
    label = case.operation.label
    if slow(case.path_parameters) and not (case.query or {}).get("id"):
        SLOW[label] += 1  # the coverage phase does not go through the filter above
        return
    CASES[label] += 1
    started = time.perf_counter()
    try:
        response = case.call_and_validate(checks=CHECKS)
    except Exception:
        FAILURES[label] += 1
        raise
    finally:
        SECONDS[label] += time.perf_counter() - started
    STATUSES[response.status_code] += 1

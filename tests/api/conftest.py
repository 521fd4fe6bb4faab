"""The API's tests read the demo archive, loaded once for all of them.

Loading the demo takes seconds; the API only reads, so it is loaded once into the
test database and its own search index, every test runs inside a transaction that
is rolled back (what a test adds or changes goes away), and the database is emptied
after the last test here, as transactional tests do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Any:
    from fonds.guides.loading import load_guides
    from fonds.loader import after_loading, load_paths
    from fonds.search.backends import get_backend

    index = tmp_path_factory.mktemp("api-index")
    with django_db_blocker.unblock(), override_settings(FONDS_INDEX_DIR=index):
        get_backend.cache_clear()
        # what `fonds demo` loads with `fonds load`, then its research guides
        files = ["findingaids", "roster.yaml", "timeline.yaml", "bibliography.json"]
        report = load_paths([DEMO / name for name in files])
        assert report.ok, [r.error for r in report.results if r.error]
        after_loading(report)
        load_guides(DEMO / "guides.yaml")
        try:
            yield index
        finally:
            call_command("flush", interactive=False, verbosity=0)
            get_backend.cache_clear()


@pytest.fixture
def search_index(demo: Any) -> Any:
    """Replaces the suite's fresh, empty index of each test: here, the demo's."""
    return demo

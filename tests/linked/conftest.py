"""The demo archive, loaded once for the linked-data tests.

Loading it takes seconds, so it is loaded once for this package, the way ``fonds
demo`` loads it (``load_paths`` over the demo files, then ``after_loading``), and the
database is emptied after the last test here. The tests themselves run in
transactions that are rolled back, so what one changes the next does not see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
BASE_URL = "https://archive.example.org"


@pytest.fixture(scope="package")
def demo_archive(django_db_setup, django_db_blocker, tmp_path_factory):
    from fonds.loader import after_loading, load_paths
    from fonds.pages.loading import load_pages
    from fonds.search.backends import get_backend

    home = tmp_path_factory.mktemp("linked-home")
    with (
        override_settings(FONDS_HOME=home, FONDS_INDEX_DIR=home / "index"),
        django_db_blocker.unblock(),
    ):
        get_backend.cache_clear()
        report = load_paths(
            [
                DEMO / "findingaids",
                DEMO / "roster.yaml",
                DEMO / "timeline.yaml",
                DEMO / "bibliography.json",
            ]
        )
        assert report.ok, [r.error for r in report.results if r.error]
        after_loading(report)
        load_pages(DEMO / "pages")
    get_backend.cache_clear()
    yield report
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_archive, db, settings):
    """The demo archive, addresses under an https BASE_URL unlike the test host."""
    settings.BASE_URL = BASE_URL
    return demo_archive

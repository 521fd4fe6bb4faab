"""A real `fonds serve` over a fresh FONDS_HOME holding the hostile records.

The records of :mod:`tests.security.hostile` are loaded by ``fonds load`` and served
by ``fonds serve``, in subprocesses, as a user runs them; the helpers that start the
server are in tests/servers.py. A hostile research guide is loaded after them (with the
demo's guide loader). A superuser exists for the admin's forms, and an archivist who
uploads, edits and compares in the admin's XSS test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import browser  # noqa: F401 - the module-scoped chromium fixture
from tests.security.hostile import guides, write_all
from tests.servers import fonds_env, run_fonds, start_server, stop_server

STAFF_USER = "staff"
STAFF_PASSWORD = "x-Correct-Horse-Battery-9"
ARCHIVIST_USER = "archie"
SETUP = f"""
from pathlib import Path
from django.contrib.auth import get_user_model
from fonds.guides.loading import load_guides
from fonds.staff.roles import give_role
load_guides(Path({{guides!r}}))
user = get_user_model().objects.create_user({ARCHIVIST_USER!r}, password={STAFF_PASSWORD!r})
give_role(user, "Archivist")
"""


@dataclass
class Server:
    url: str
    home: Path
    env: dict[str, str]
    log: Path

    def secret_key(self) -> str:
        return (self.home / "secret_key").read_text().strip()


@pytest.fixture(scope="session")
def hostile_home(tmp_path_factory) -> Path:
    """A FONDS_HOME with every hostile record loaded and a staff account."""
    home = tmp_path_factory.mktemp("hostile-home")
    env = fonds_env(home)
    started = time.perf_counter()
    run_fonds(env, "load", "--quiet", *map(str, write_all(home / "files")))
    env_staff = dict(env, DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD)
    run_fonds(
        env_staff,
        "manage",
        "createsuperuser",
        "--noinput",
        "--username",
        STAFF_USER,
        "--email",
        "staff@example.org",
    )
    guide_file = home / "files" / "guides.yaml"
    guide_file.write_text(guides(), encoding="utf-8")
    run_fonds(env, "manage", "shell", "-c", SETUP.format(guides=str(guide_file)))
    print(f"\nhostile records loaded in {time.perf_counter() - started:.1f} s")
    return home


@pytest.fixture(scope="session")
def server(hostile_home) -> Iterator[Server]:
    env = fonds_env(hostile_home)
    process, url, log = start_server(hostile_home, env)
    try:
        yield Server(url=url, home=hostile_home, env=env, log=log)
    finally:
        stop_server(process)

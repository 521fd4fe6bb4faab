"""``fonds check`` names each misconfiguration it knows and exits 1; a sound
configuration passes. Run as an operator runs it, in a subprocess, on the pass's
database (SQLite, or a PostgreSQL database of its own in the PostgreSQL pass)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, fonds_env, on_postgres, run_fonds

# a public site configured as docs/deployment.md says
PUBLIC = {
    "FONDS_ALLOWED_HOSTS": "archive.example.org",
    "FONDS_BASE_URL": "https://archive.example.org",
    "FONDS_SECRET_KEY": "a-secret-key-set-by-the-operator-" + "x" * 30,
}


def check(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "fonds", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def configured(home: Path, *, sqlite: bool = False, **change: str | None) -> dict[str, str]:
    env = fonds_env(home, sqlite=sqlite, **PUBLIC)
    env.pop("FONDS_SEARCH_BACKEND", None)  # the default for the database
    for name, value in change.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data folder whose database is up to date."""
    home = tmp_path / "home"
    run_fonds(configured(home), "manage", "migrate", "--verbosity", "0")
    return home


def test_a_sound_public_configuration_passes(home):
    code, out = check(configured(home))
    assert (code, out.splitlines()[-1]) == (0, "no problems found"), out
    # the search backend follows the database when FONDS_SEARCH_BACKEND is not set
    assert f"search: {'postgres' if on_postgres() else 'embedded'}" in out


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"FONDS_DEBUG": "true"}, "FONDS_DEBUG is on while the site answers to"),
        ({"FONDS_SECRET_KEY": None}, "FONDS_SECRET_KEY is not set on a public site"),
        ({"FONDS_BASE_URL": "http://127.0.0.1:8000"}, "FONDS_BASE_URL still names 127.0.0.1"),
        (
            {"FONDS_SEARCH_BACKEND": "elastic"},
            "FONDS_SEARCH_BACKEND='elastic' is not a search backend: expected embedded or postgres",
        ),
    ],
    ids=["debug-on-a-public-host", "no-secret-key", "base-url-on-loopback", "unknown-search"],
)
def test_each_misconfiguration_is_reported(home, change, problem):
    code, out = check(configured(home, **change))
    assert code == 1, out
    assert any(line.startswith(f"problem: {problem}") for line in out.splitlines()), out


def test_postgres_search_on_sqlite_is_reported(tmp_path):
    home = tmp_path / "home"
    run_fonds(configured(home, sqlite=True), "manage", "migrate", "--verbosity", "0")
    code, out = check(configured(home, sqlite=True, FONDS_SEARCH_BACKEND="postgres"))
    assert code == 1
    assert "problem: FONDS_SEARCH_BACKEND=postgres needs FONDS_DATABASE_URL on PostgreSQL" in out


@pytest.fixture
def postgres_home(home: Path) -> Path:
    if not on_postgres():
        pytest.skip(
            "replicas are PostgreSQL's: runs in the PostgreSQL pass "
            "(FONDS_DATABASE_URL=postgres://...)"
        )
    return home


def test_a_replica_that_is_not_in_recovery_is_reported(postgres_home):
    env = configured(postgres_home)
    # the primary itself given as a replica: reachable, but not replaying anything
    env["FONDS_DATABASE_REPLICA_URLS"] = env["FONDS_DATABASE_URL"]
    code, out = check(env)
    assert code == 1
    assert "replica1: reachable, in recovery: False" in out
    assert "problem: replica1 is not a replica (pg_is_in_recovery() is false)" in out


def test_the_embedded_index_with_replicas_is_reported(postgres_home):
    env = configured(postgres_home, FONDS_SEARCH_BACKEND="embedded")
    env["FONDS_DATABASE_REPLICA_URLS"] = env["FONDS_DATABASE_URL"]
    code, out = check(env)
    assert code == 1
    assert (
        "problem: FONDS_SEARCH_BACKEND=embedded with FONDS_DATABASE_REPLICA_URLS: "
        "the embedded index lives on each server's disk" in out
    )

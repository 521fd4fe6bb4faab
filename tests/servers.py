"""Running ``fonds`` as a user does, in subprocesses: commands, and ``fonds serve`` on
a free loopback port. Shared by the tests that need a real server (browser, OAI-PMH
harvest, security, workflow, staff)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # s for `fonds serve` to answer its first request


def on_postgres() -> bool:
    """Whether this pytest run is the PostgreSQL pass (FONDS_DATABASE_URL=postgres://...)."""
    return os.environ.get("FONDS_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


# PostgreSQL databases made for fonds processes in this run: FONDS_HOME -> URL
_DATABASES: dict[Path, str] = {}
_TEMPLATE: list[str] = []  # the migrated database they are copied from, once made


def _server(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(_server(os.environ["FONDS_DATABASE_URL"], "postgres")) as db:
        db.autocommit = True
        db.execute(statement)  # type: ignore[arg-type]


def _fresh_database(home: Path) -> str:
    """A database of its own for the fonds processes over ``home``: a copy of a
    database migrated once per run (CREATE DATABASE ... TEMPLATE), dropped at the end
    of the run (:func:`drop_databases`)."""
    if home in _DATABASES:
        return _DATABASES[home]
    url = os.environ["FONDS_DATABASE_URL"]
    prefix = f"fonds_t{os.getpid()}"
    if not _TEMPLATE:
        template = f"{prefix}_template"
        _admin(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        _admin(f"CREATE DATABASE {template}")
        env = _base_env(Path(tempfile.mkdtemp(prefix=f"{prefix}-template-")))
        env["FONDS_DATABASE_URL"] = _server(url, template)
        run_fonds(env, "manage", "migrate", "--verbosity", "0")
        _TEMPLATE.append(template)
    name = f"{prefix}_{len(_DATABASES) + 1}"
    _admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE[0]}")
    _DATABASES[home] = _server(url, name)
    return _DATABASES[home]


def drop_databases() -> None:
    """Drop the databases this run made (tests/conftest.py calls it at the end)."""
    for url in [*_DATABASES.values(), *(_server("x:///", t) for t in _TEMPLATE)]:
        _admin(f"DROP DATABASE IF EXISTS {urlsplit(url).path.lstrip('/')} WITH (FORCE)")
    _DATABASES.clear()
    _TEMPLATE.clear()


def _base_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["FONDS_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("FONDS_DATABASE_REPLICA_URLS", None)
    return env


def fonds_env(home: Path, *, sqlite: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a fonds process over ``home``, on the backend of this pytest
    run: SQLite with the embedded index in ``home``, or, in the PostgreSQL pass, a
    PostgreSQL database of its own (the same one for every call with the same
    ``home``) with the search backend of the run. ``sqlite=True`` for the tests of
    what only SQLite has (its WAL file, the embedded index's folders)."""
    env = _base_env(home)
    if sqlite or not on_postgres():
        env.pop("FONDS_DATABASE_URL", None)
        env["FONDS_SEARCH_BACKEND"] = "embedded"
    else:
        env["FONDS_DATABASE_URL"] = _fresh_database(home)
    env.update(extra)
    return env


def database_rows(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` run on the database of a fonds environment (SQLite or
    PostgreSQL), read as another program would: write SQL both understand."""
    url = env.get("FONDS_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(url) as db:
            return [tuple(row) for row in db.execute(sql)]  # type: ignore[arg-type]
    with closing(sqlite3.connect(Path(env["FONDS_HOME"]) / "fonds.sqlite3", timeout=5)) as lite:
        return list(lite.execute(sql))


def run_fonds(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    """Run ``fonds ARGS``; fail the test with its output unless it succeeds."""
    done = subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"fonds {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_it_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"fonds serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"fonds serve did not answer {url} within {START_TIMEOUT} s:\n{log.read_text()}")


def start_server(
    home: Path,
    env: dict[str, str],
    port: int | None = None,
    probe: str = "/",
    options: Sequence[str] = (),
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start ``fonds serve`` on loopback (with ``options``, e.g. ``--workers 2``);
    return once ``probe`` answers 200: (the process, its base URL, its log file)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "fonds", "serve"),
                *("--host", "127.0.0.1", "--port", str(port), *options),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_it_answers(url + probe, process, log)
    except BaseException:
        stop_server(process)
        raise
    return process, url, log


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(
    home: Path, env: dict[str, str], port: int | None = None, probe: str = "/"
) -> Iterator[str]:
    """``fonds serve`` over ``home`` for the length of the block; yields its base URL."""
    process, url, _log = start_server(home, env, port, probe)
    try:
        yield url
    finally:
        stop_server(process)

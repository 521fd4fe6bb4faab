"""Running ``fonds`` as a user does, in subprocesses: commands, and ``fonds serve`` on
a free loopback port. Shared by the tests that need a real server (browser, OAI-PMH
harvest, security, workflow, staff)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # s for `fonds serve` to answer its first request


def fonds_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a fonds process over ``home``, on SQLite (the embedded default)."""
    env = dict(os.environ)
    env["FONDS_HOME"] = str(home)
    env.pop("FONDS_DATABASE_URL", None)
    env.pop("FONDS_SEARCH_BACKEND", None)  # SQLite: the embedded index
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


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

"""``fonds serve`` as deployed: several processes on one port, and a write that meets
a load's write lock on SQLite, over a real server in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, fonds_env, start_server, stop_server


def workers_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_several_workers_share_the_port_and_a_dead_one_is_replaced(tmp_path):
    process, url, log = start_server(
        tmp_path, fonds_env(tmp_path), options=["--workers", "3", "--threads", "2"]
    )
    try:
        assert wait_for(lambda: len(workers_of(process.pid)) == 3), log.read_text()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda _n: requests.get(url + "/", timeout=30).status_code, range(24))
            )
        assert statuses == [200] * 24
        first = workers_of(process.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        assert wait_for(lambda: len(workers_of(process.pid) - {victim}) == 3), log.read_text()
        assert requests.get(url + "/collections/", timeout=30).status_code == 200
        assert f"worker {victim} ended (signal 9); starting another" in log.read_text()
        workers = workers_of(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0, log.read_text()
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers))
    assert "with 3 processes of 2 threads" in log.read_text()


def test_options_below_one_are_refused(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "fonds", "serve", "--workers", "0"],
        env=fonds_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "--workers and --threads must be 1 or more" in done.stderr


def test_a_write_that_waits_too_long_for_a_load_is_told_to_try_again(tmp_path):
    """While another process holds SQLite's write lock (as a loading finding aid does),
    a sign-in waits FONDS_SQLITE_BUSY_SECONDS, then gets 503 and a page saying so;
    once the lock is gone the same sign-in goes through to the form's answer."""
    env = fonds_env(tmp_path, sqlite=True, FONDS_SQLITE_BUSY_SECONDS="1")
    process, url, _log = start_server(tmp_path, env)
    session = requests.Session()
    login = url + "/admin/login/"
    try:
        page = session.get(login, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        form = {"csrfmiddlewaretoken": token.group(1), "username": "nobody", "password": "x"}

        def sign_in() -> requests.Response:
            return session.post(login, data=form, headers={"Referer": login}, timeout=60)

        loading = sqlite3.connect(tmp_path / "fonds.sqlite3", isolation_level=None)
        try:
            loading.execute("BEGIN IMMEDIATE")  # the write lock, as fonds load takes it
            busy = sign_in()
        finally:
            loading.execute("ROLLBACK")
            loading.close()
        assert busy.status_code == 503, busy.text[:2000]
        assert busy.headers["Retry-After"] == "60"
        assert "The archive is busy: please try again" in busy.text
        assert "Nothing was saved" in busy.text
        after = sign_in()
        assert after.status_code == 200
        assert "Please enter the correct username and password" in after.text
    finally:
        stop_server(process)
    signins = sqlite3.connect(tmp_path / "fonds.sqlite3")
    try:
        logged = signins.execute("SELECT username, outcome FROM staff_signin").fetchall()
    finally:
        signins.close()
    assert logged == [("nobody", "failed")]  # the refused attempt left nothing behind

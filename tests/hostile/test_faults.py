"""Faults: ``kill -9`` in the middle of a reindex or of a load's index update.

The database is written first and the index after (fonds.search.service); whatever
moment the process dies, the database is intact and the next ``fonds`` command brings
the search index back to finding everything. The tests of the embedded index's folders
(a reindex writes a new one beside the old and swaps them) run on SQLite with that
index in both passes; the others on the pass's backend.
"""

from __future__ import annotations

import functools
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fonds.devtools.synthetic import write_file
from tests.servers import database_rows, fonds_env

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fonds" / "demo" / "findingaids"

pytestmark = pytest.mark.slow


# FONDS_HOMEs whose tests are about the embedded index's folders: SQLite in both passes
EMBEDDED: set[Path] = set()


def env(home: Path) -> dict[str, str]:
    return fonds_env(home, sqlite=home in EMBEDDED)


def fonds(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=env(home),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done


def start(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "fonds", *args],
        env=env(home),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(process: subprocess.Popen[bytes], ready: object, what: str) -> None:
    """SIGKILL ``process`` as soon as ``ready()`` is true."""
    deadline = time.monotonic() + 300
    while not ready():  # type: ignore[operator]
        assert process.poll() is None, f"{what} ended before it could be killed"
        assert time.monotonic() < deadline, f"{what} never reached the point to kill"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL


def database(home: Path) -> dict[str, object]:
    rows = functools.partial(database_rows, env(home))
    state: dict[str, object] = {
        "collections": sorted(
            rows("SELECT identifier, component_count FROM findingaids_collection")
        ),
        "components": rows("SELECT COUNT(*) FROM findingaids_component")[0][0],
    }
    if "FONDS_DATABASE_URL" not in env(home):  # SQLite: the file is sound too
        state["integrity"] = rows("PRAGMA integrity_check")[0][0]
    return state


def total(home: Path, *query: str) -> int:
    done = fonds(home, "search", "--json", "--limit", "1", *query)
    return int(json.loads(done.stdout)["total"])


def in_collection(home: Path, identifier: str) -> int:
    return total(home, "--collection", identifier)


def folders(home: Path) -> list[Path]:
    """The index folder and any sibling a rebuild left (index.new-PID, index.old-PID)."""
    return sorted(p for p in home.iterdir() if p.name.startswith("index"))


def test_kill_9_during_reindex_leaves_the_database_and_search_whole(tmp_path):
    home = tmp_path / "home"
    EMBEDDED.add(home)  # killed while the new index folder is written
    big = tmp_path / "big.xml"
    components = write_file(big, 3, identifier="BIG-REINDEX")
    fonds(home, "load", "--quiet", str(big), str(DEMO / "DEMO-001.xml"))
    before = database(home)
    found = in_collection(home, "BIG-REINDEX"), total(home, "Cleveland")
    assert found[0] == components + 1  # the collection and every component

    process = start(home, "reindex")
    # kill while the new index is being written beside the old one
    kill_when(
        process,
        lambda: any(".new-" in p.name and any(p.iterdir()) for p in folders(home)),
        "the reindex",
    )

    assert database(home) == before
    assert before["integrity"] == "ok"
    assert (in_collection(home, "BIG-REINDEX"), total(home, "Cleveland")) == found
    # and a reindex after the crash works, leaving one index folder
    fonds(home, "reindex")
    assert (in_collection(home, "BIG-REINDEX"), total(home, "Cleveland")) == found
    assert [p.name for p in folders(home)] == ["index"]


def test_kill_9_during_a_loads_index_update_is_finished_by_the_next_command(tmp_path):
    home = tmp_path / "home"
    fonds(home, "load", "--quiet", str(DEMO / "DEMO-001.xml"))
    demo = in_collection(home, "DEMO-001")
    big = tmp_path / "big.xml"
    components = write_file(big, 3, identifier="BIG-SYNC")

    process = start(home, "load", "--quiet", str(big))

    def committed_and_indexing() -> bool:
        # the load's transaction is committed (the collection is there) and the index
        # has its tasks still to do
        try:
            [(rows, tasks)] = database_rows(
                env(home),
                "SELECT (SELECT COUNT(*) FROM findingaids_collection"
                " WHERE identifier='BIG-SYNC'), (SELECT COUNT(*) FROM search_indextask)",
            )
        except sqlite3.OperationalError:
            return False
        return bool(rows == 1 and tasks > 0)

    kill_when(process, committed_and_indexing, "the load")

    state = database(home)
    assert ("BIG-SYNC", components) in state["collections"]  # type: ignore[operator]
    assert state.get("integrity", "ok") == "ok"
    # the next command (here a search) finishes the index update first
    assert in_collection(home, "BIG-SYNC") == components + 1
    assert in_collection(home, "DEMO-001") == demo
    assert database_rows(env(home), "SELECT COUNT(*) FROM search_indextask") == [(0,)]


def test_an_index_lost_in_the_middle_of_a_swap_is_restored(tmp_path):
    """A reindex swaps folders with two renames; killed between them, the index folder
    is missing. The next command must not start from an empty index."""
    home = tmp_path / "home"
    EMBEDDED.add(home)
    fonds(home, "load", "--quiet", str(DEMO / "DEMO-001.xml"), str(DEMO / "DEMO-004.xml"))
    found = total(home, "Cleveland"), in_collection(home, "DEMO-004")
    assert all(found)
    # the state right after the first rename: index -> index.old-PID (and the complete
    # new index beside it, index.new-PID)
    (home / "index").rename(home / "index.old-999999")
    assert total(home, "Cleveland") == found[0]
    assert in_collection(home, "DEMO-004") == found[1]

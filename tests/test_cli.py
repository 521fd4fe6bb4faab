"""The ``fonds`` command, run as a user runs it: in a subprocess, on real files."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fonds.cli import build_parser
from fonds.devtools.synthetic import write_file
from tests.conftest import corpus_file

ROOT = Path(__file__).resolve().parent.parent

from tests.servers import database_rows, fonds_env  # noqa: E402


def run(
    home: Path, *args: str, check: bool = False, sqlite: bool = False
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=fonds_env(home, sqlite=sqlite),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def collections(home: Path, sqlite: bool = False) -> list[tuple[str, int]]:
    sql = "SELECT identifier, component_count FROM findingaids_collection"
    return sorted(database_rows(fonds_env(home, sqlite=sqlite), sql))


def component_count(home: Path, sqlite: bool = False) -> int:
    sql = "SELECT COUNT(*) FROM findingaids_component"
    return int(database_rows(fonds_env(home, sqlite=sqlite), sql)[0][0])


def test_every_subcommand_has_help(tmp_path):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"load", "serve", "check", "demo", "manage"} <= set(commands)
    for name in commands:
        result = run(tmp_path, name, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: fonds" in result.stdout


def test_load_reports_each_problem_on_one_line_and_exits_non_zero(tmp_path, corpus):
    result = run(
        tmp_path,
        "load",
        str(corpus / "nyu-tam183-new-jewish-agenda.xml"),
        str(corpus / "emory-badlyformed.xml"),
        str(corpus / "ehri-invalid-ead.xml"),
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2
    # files that cannot be read at all come last: links need the others first
    assert re.search(r"ehri-invalid-ead\.xml:17:\d+: error: .*unitid", errors[0])
    assert re.search(r"emory-badlyformed\.xml:2:30: error: not well-formed XML", errors[1])
    assert "loaded 1, replaced 0, unchanged 0, skipped 2; 109 components" in result.stdout
    assert collections(tmp_path) == [("tam_183", 109)]


def test_load_a_folder_then_again_is_unchanged(tmp_path, corpus):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ehri-yv-m19-eng.xml", "saa-c1571-ead3.xml"):
        (folder / name).write_bytes((corpus / name).read_bytes())
    (folder / "README.md").write_text("not a record")
    first = run(tmp_path, "load", str(folder), check=True)
    assert "loaded 2," in first.stdout
    second = run(tmp_path, "load", str(folder), check=True)
    assert "loaded 0, replaced 0, unchanged 2, skipped 0" in second.stdout


def test_sqlite_runs_in_wal_mode(tmp_path, corpus):
    # SQLite's own: on SQLite in both passes
    run(tmp_path, "load", str(corpus / "ehri-yv-m19-eng.xml"), check=True, sqlite=True)
    with sqlite3.connect(tmp_path / "fonds.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    result = run(tmp_path, "check", sqlite=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "collections: 1" in result.stdout


@pytest.mark.slow
def test_kill_9_during_a_large_load_leaves_the_previous_state(tmp_path):
    # on SQLite in both passes: the kill is timed by the size of SQLite's WAL file
    home = tmp_path / "home"
    wag = str(corpus_file("nyu-wag232-goldstein-jlc-files.xml"))
    run(home, "load", wag, check=True, sqlite=True)
    before = collections(home, sqlite=True), component_count(home, sqlite=True)
    big = tmp_path / "big.xml"
    write_file(big, 40, identifier="BIG-1")
    process = subprocess.Popen(
        [sys.executable, "-m", "fonds", "load", "--quiet", str(big)],
        env=fonds_env(home, sqlite=True),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wal = home / "fonds.sqlite3-wal"
    deadline = time.monotonic() + 120
    # wait until the load has written a good part of its rows into the WAL
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 20_000_000):
        assert process.poll() is None, "the load ended before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert (collections(home, sqlite=True), component_count(home, sqlite=True)) == before
    # and the next load works
    run(home, "load", "--quiet", str(big), check=True, sqlite=True)
    assert ("BIG-1",) in [(c,) for c, _ in collections(home, sqlite=True)]


# The measured load runs under a small relay process: Linux carries the RSS of the
# process that forked into the child's ru_maxrss, and this pytest process is large.
RELAY = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"
MEASURED = (
    "import resource, sys; from fonds.cli import main; code = main(sys.argv[1:]); "
    "print('peak-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)"
)


@pytest.mark.slow
def test_a_100_mb_finding_aid_loads_in_bounded_memory(tmp_path):
    # On SQLite in both passes: the bound is the reader's, which streams the same way
    # whatever the database; on PostgreSQL (its full-text index computed row by row)
    # this load alone takes over 15 minutes on two shared cores.
    big = tmp_path / "huge.xml"
    count = write_file(big, 100, identifier="HUGE-1")
    assert big.stat().st_size >= 100 * 1024 * 1024
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", RELAY, sys.executable, "-c", MEASURED, "load", "--quiet", str(big)],
        env=fonds_env(home, sqlite=True),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stdout.split("peak-kb")[-1].split()[0]) / 1024
    # loading and indexing 325,000 components; the bound is 500 MB
    assert peak_mb < 400, f"peak memory {peak_mb:.0f} MB"
    assert collections(home, sqlite=True) == [("HUGE-1", count)]


def test_search_command_finds_a_folder_in_cyrillic_and_latin(tmp_path):
    demo = ROOT / "fonds" / "demo" / "findingaids" / "DEMO-001.xml"
    loaded = run(tmp_path, "load", str(demo), check=True)
    assert "index updates 1" in loaded.stdout
    for query in ("Щаранский", "Scharansky"):
        result = run(tmp_path, "search", query, "--limit", "3", check=True)
        assert "Cleveland Council on Soviet Anti-Semitism records >" in result.stdout
        assert "/collections/DEMO-001/" in result.stdout
    as_json = run(tmp_path, "search", "Shcharansky", "--json", "--facets", check=True)
    import json

    data = json.loads(as_json.stdout)
    assert data["total"] > 0 and data["facets"]["collection"] == [["DEMO-001", data["total"]]]
    assert run(tmp_path, "reindex", check=True).stdout.startswith("search index rebuilt:")


def test_export_command_writes_every_registered_format(tmp_path):
    demo = ROOT / "fonds" / "demo"
    run(
        tmp_path,
        "load",
        str(demo / "roster.yaml"),
        str(demo / "findingaids" / "DEMO-001.xml"),
        check=True,
    )
    listed = run(tmp_path, "export", "--list", check=True).stdout
    for name in ("ead-source", "eac-cpf-2010", "roster-csv", "timelinejs", "bibtex"):
        assert name in listed
    out = tmp_path / "ncsj.xml"
    run(tmp_path, "export", "eac-cpf-2010", "ncsj", "-o", str(out), check=True)
    assert b"<recordId>ncsj</recordId>" in out.read_bytes()
    csv_text = run(tmp_path, "export", "roster-csv", check=True).stdout
    assert csv_text.startswith("id,kind,name")
    ead = run(tmp_path, "export", "ead-source", "DEMO-001", check=True).stdout
    assert "DEMO-001" in ead and "INTERNAL-MARKER" not in ead
    assert run(tmp_path, "export", "nope").returncode == 2
    assert run(tmp_path, "export", "ead-source", "NOPE").returncode == 1

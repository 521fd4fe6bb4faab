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


def test_search_and_load_print_titles_and_names_as_written(tmp_path, corpus):
    """Titles are data: ':A:' is no emoji code and '[bold]' no markup."""
    from tests.factories import ead2002, write

    run(tmp_path, "load", str(corpus / "nyu-wag025-002-jewish-labor-committee.xml"), check=True)
    found = run(tmp_path, "search", "General Files", "--limit", "50", check=True).stdout
    assert "Subseries IV:A: General Files" in found
    marked = (
        '<c level="file" id="m1"><did>'
        "<unittitle>[bold]Appeals[/bold] :smile: [link=x]y[/link]</unittitle></did></c>"
    )
    write(tmp_path / "marked.xml", ead2002("MARK-1", marked))
    run(tmp_path, "load", str(tmp_path / "marked.xml"), check=True)
    found = run(tmp_path, "search", "Appeals", check=True).stdout
    assert "[bold]Appeals[/bold] :smile: [link=x]y[/link]" in found
    broken = write(tmp_path / "box:A:[bold]1[red].xml", "<ead><eadheader>")
    result = run(tmp_path, "load", str(broken))
    assert result.returncode == 1
    assert "box:A:[bold]1[red].xml:1:" in result.stderr


def test_a_file_that_replaces_one_loaded_earlier_in_the_run_is_named_and_counted_once(
    tmp_path, corpus
):
    """Both saa-c1571 files are collection C1571; ehri-comprehensive-ead3 and
    saa-kitchen-sink are both hua88888-HOLLISnumber: the summary counts what the run
    left in the database, and says which file replaced which."""
    names = [
        "saa-c1571-ead3.xml",
        "saa-c1571-ead3-undeprecated.xml",
        "ehri-comprehensive-ead3.xml",
        "saa-kitchen-sink-at-enumerated.xml",
        "nyu-tam183-new-jewish-agenda.xml",
    ]
    result = run(tmp_path, "load", *(str(corpus / n) for n in names), check=True)
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        f"{corpus / 'saa-c1571-ead3-undeprecated.xml'}: warning: collection C1571 was loaded "
        f"from {corpus / 'saa-c1571-ead3.xml'} earlier in this run; this file replaces it",
        f"{corpus / 'saa-kitchen-sink-at-enumerated.xml'}: warning: collection "
        f"hua88888-HOLLISnumber was loaded from {corpus / 'ehri-comprehensive-ead3.xml'} "
        "earlier in this run; this file replaces it",
    ]
    in_database = component_count(tmp_path)
    assert [c for c, _ in collections(tmp_path)] == ["C1571", "hua88888-HOLLISnumber", "tam_183"]
    assert (
        f"loaded 3, replaced 0, unchanged 0, skipped 0, superseded 2; {in_database:,} components"
        in result.stdout
    )
    # again: the first of each pair replaces what the second left, and is superseded
    again = run(tmp_path, "load", *(str(corpus / n) for n in names), check=True)
    assert f"loaded 0, replaced 2, unchanged 1, skipped 0, superseded 2; {in_database - 109:,}" in (
        again.stdout
    )
    assert component_count(tmp_path) == in_database


def run_in_terminal(home: Path, *args: str) -> tuple[int, str, str]:
    """Run ``fonds ARGS`` with standard error on a pseudo-terminal, as in a shell:
    (exit status, standard output, everything written to the terminal)."""
    import os
    import pty

    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "fonds", *args],
        env=fonds_env(home, COLUMNS="120", LINES="40", TERM="xterm"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    stdout = process.stdout.read().decode() if process.stdout else ""
    return process.wait(timeout=600), stdout, shown.decode(errors="replace")


@pytest.mark.slow
def test_load_shows_progress_on_a_terminal_and_nothing_else_elsewhere(tmp_path, corpus):
    big = corpus / "pulfa-c0140-single-items.xml"  # 3.9 MB, 3,916 components
    status, stdout, shown = run_in_terminal(tmp_path / "a", "load", str(big))
    assert status == 0, shown
    # the loading bar (file name, megabytes) and the indexing bar (documents)
    assert "pulfa-c0140-single-items" in shown and " MB" in shown
    assert re.search(r"indexing .*\d+/\d+", shown), shown[-2000:]
    assert "loaded 1," in stdout
    # standard error a file or a pipe: no bar, no escape codes
    piped = run(tmp_path / "b", "load", str(big), check=True)
    assert "\x1b[" not in piped.stderr and "indexing" not in piped.stderr
    # --quiet on a terminal: no bar either
    status, _, shown = run_in_terminal(tmp_path / "c", "load", "--quiet", str(big))
    assert status == 0 and "indexing" not in shown

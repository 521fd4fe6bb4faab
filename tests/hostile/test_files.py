"""Hostile and broken files: one clear error line each, nothing half-loaded, no leak.

The cases are written at test time by tests/hostile/corpus.py. Each is loaded in
process (``load_paths``) against a database that already holds a collection; all of
them are also loaded at once by ``fonds load`` in a subprocess whose peak memory is
measured; the broken files of the shared corpus are loaded the same way.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from fonds.loader import load_paths
from tests.conftest import corpus_file
from tests.hostile import corpus
from tests.hostile.corpus import SECRET, Case
from tests.servers import database_rows, fonds_env

ROOT = Path(__file__).resolve().parents[2]
CASES = corpus.cases()
REFUSED = [c for c in CASES if not c.loads]
ACCEPTED = [c for c in CASES if c.loads]
KEEP = "KEEP-1"
# Tables a refused file must leave as they were.
TABLES = [
    "findingaids.Collection",
    "findingaids.Component",
    "findingaids.FindingAidSource",
    "findingaids.AccessTerm",
    "authorities.Agent",
    "authorities.AgentName",
    "timeline.Event",
    "bibliography.Work",
    "search.IndexTask",
]
# file[:line[:column]]: error: cause -- one line
ERROR_LINE = re.compile(r"^(?P<path>.+?)(?::\d+(?::\d+)?)?: error: (?P<cause>\S.*)$")
PEAK_MB = 500


def counts() -> dict[str, int]:
    return {label: apps.get_model(label)._base_manager.count() for label in TABLES}


def keep_collection(folder: Path) -> Path:
    path = folder / "keep.xml"
    path.write_text(corpus.ead(ident=KEEP, title="Kept collection"), encoding="utf-8")
    return path


def assert_one_error_line(error: str, path: Path) -> None:
    assert "\n" not in error, error
    match = ERROR_LINE.match(error)
    assert match, error
    assert match.group("path") == str(path)
    assert "Traceback" not in error
    assert SECRET not in error


@pytest.fixture
def loaded(tmp_path):
    """A database holding one collection, and its table counts."""
    folder = tmp_path / "before"
    folder.mkdir()
    report = load_paths([keep_collection(folder)])
    assert report.ok, report.results[0].error
    return counts()


def _case_id(case: Case) -> str:
    return case.name


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED, ids=_case_id)
def test_a_hostile_file_is_refused_with_one_error_line(case, tmp_path, loaded):
    path = case.write(tmp_path)
    report = load_paths([path])
    [result] = report.results
    assert result.status == "skipped", f"{case.name} was {result.status}"
    assert_one_error_line(result.error, path)
    assert counts() == loaded
    kept = apps.get_model("findingaids.Collection")._base_manager.get(identifier=KEEP)
    assert kept.component_count == 1 and kept.title == "Kept collection"


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCEPTED, ids=_case_id)
def test_a_strange_but_valid_file_loads(case, tmp_path, loaded):
    path = case.write(tmp_path)
    report = load_paths([path])
    [result] = report.results
    assert result.status in ("loaded", "replaced"), result.error
    assert result.records >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["2002", "3"])
def test_a_bom_does_not_change_what_is_read(version, tmp_path):
    """UTF-8 and UTF-16 with a byte order mark read the same Cyrillic and Hebrew title."""
    text = corpus.ead(ident="BOM-1", title="Щаранский — שרנסקי", v3=version == "3")
    for encoding, data in (
        ("utf-8", b"\xef\xbb\xbf" + text.encode()),
        ("utf-16", text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")),
    ):
        path = tmp_path / f"bom-{encoding}.xml"
        path.write_bytes(data)
        report = load_paths([path], force=True)
        assert report.ok, report.results[0].error
        collection = apps.get_model("findingaids.Collection")._base_manager.get(identifier="BOM-1")
        assert collection.title == "Щаранский — שרנסקי", encoding


BROKEN_CORPUS = {
    "emory-badlyformed.xml": "not well-formed XML",
    "ehri-invalid-ead.xml": "no <unitid>",
    "aspace-eac-duplicate-attr.xml": "not well-formed XML",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BROKEN_CORPUS))
def test_the_broken_real_files_give_one_clear_error(name, loaded):
    path = corpus_file(name)
    [result] = load_paths([path]).results
    assert result.status == "skipped"
    assert_one_error_line(result.error, path)
    assert BROKEN_CORPUS[name] in result.error
    assert re.match(rf"^{re.escape(str(path))}:\d+", result.error), "no line number"
    assert counts() == loaded


@pytest.mark.django_db
def test_an_external_dtd_is_never_fetched(tmp_path):
    """A DOCTYPE naming a DTD on a server: the server never hears from us."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.2)
        port = server.getsockname()[1]
        paths = []
        for name, document, root in (
            ("ead2002", corpus.ead(ident="DTD-2002"), "ead"),
            ("ead3", corpus.ead(ident="DTD-3", v3=True), "ead"),
            ("eac", corpus.eac(ident="dtd-eac"), "eac-cpf"),
        ):
            declaration, _, rest = document.partition("\n")
            doctype = f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/ead.dtd">'
            path = tmp_path / f"{name}.xml"
            path.write_text(f"{declaration}\n{doctype}\n{rest}", encoding="utf-8")
            paths.append(path)
        report = load_paths(paths)
        assert report.ok, [r.error for r in report.results]
        with pytest.raises(TimeoutError):
            server.accept()


# -- the command, in a subprocess whose memory is measured -------------------------------

# Linux carries the RSS of the process that forked into the child's ru_maxrss, and this
# pytest process is large: the measured command runs under a small relay.
RELAY = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"
MEASURED = (
    "import resource, sys; from fonds.cli import main; code = main(sys.argv[1:]); "
    "print('peak-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)"
)


def fonds(home: Path, *args: str, measured: bool = False) -> subprocess.CompletedProcess[str]:
    env = fonds_env(home)
    command = [sys.executable, "-m", "fonds", *args]
    if measured:
        command = [sys.executable, "-c", RELAY, sys.executable, "-c", MEASURED, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)


def peak_mb(done: subprocess.CompletedProcess[str]) -> float:
    return int(done.stdout.split("peak-kb")[-1].split()[0]) / 1024


def table_counts(home: Path) -> dict[str, int]:
    names = ["findingaids_collection", "findingaids_component", "authorities_agent"]
    names += ["timeline_event", "bibliography_work"]
    counts = " UNION ALL ".join(f"SELECT '{n}', COUNT(*) FROM {n}" for n in names)
    return {name: int(count) for name, count in database_rows(fonds_env(home), counts)}


def secret_anywhere(home: Path) -> list[Path]:
    """Files under FONDS_HOME (on SQLite the database and its WAL; the embedded search
    index) holding the secret. On PostgreSQL the searches below look in its index."""
    marker = SECRET.encode()
    return [p for p in home.rglob("*") if p.is_file() and marker in p.read_bytes()]


@pytest.mark.slow
def test_fonds_load_refuses_every_hostile_file_in_bounded_memory(tmp_path):
    home = tmp_path / "home"
    before_dir = tmp_path / "before"
    before_dir.mkdir()
    assert fonds(home, "load", "--quiet", str(keep_collection(before_dir))).returncode == 0
    before = table_counts(home)
    folder = tmp_path / "hostile"
    folder.mkdir()
    refused = {case.write(folder) for case in REFUSED}

    done = fonds(home, "load", "--quiet", str(folder), measured=True)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    reported = [Path(ERROR_LINE.match(line).group("path")) for line in lines]  # type: ignore[union-attr]
    assert sorted(reported) == sorted(refused), "one line per refused file, nothing else"
    assert peak_mb(done) < PEAK_MB, f"peak memory {peak_mb(done):.0f} MB"
    assert table_counts(home) == before
    assert not secret_anywhere(home)
    found = fonds(home, "search", "--json", SECRET)
    assert found.returncode == 0 and '"total": 0' in found.stdout
    kept = fonds(home, "search", "--json", "Kept collection")
    assert '"total": 0' not in kept.stdout


@pytest.mark.slow
def test_a_50_mb_text_node_is_refused_in_bounded_memory(tmp_path):
    home = tmp_path / "home"
    big = corpus.big_text_node(tmp_path / "huge-abstract.xml", megabytes=50)
    assert big.stat().st_size > 50 * 1024 * 1024
    done = fonds(home, "load", "--quiet", str(big), measured=True)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert_one_error_line(line, big)
    assert "Text node too long" in line
    assert peak_mb(done) < PEAK_MB, f"peak memory {peak_mb(done):.0f} MB"
    assert table_counts(home)["findingaids_collection"] == 0


def test_a_folder_with_a_symlink_loop_is_walked_once(tmp_path):
    """A link back to an ancestor folder is not followed: each file is read once."""
    from fonds.loader import expand

    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (inner / "one.xml").write_text(corpus.ead(), encoding="utf-8")
    (inner / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.xml").symlink_to(tmp_path / "missing.xml")
    assert list(expand([tmp_path])) == [inner / "one.xml"]

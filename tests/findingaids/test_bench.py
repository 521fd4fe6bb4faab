"""The benches of loading and of the finding aid's pages run to the end: each is run
here with its smallest options, so a change that breaks one fails a test. The
figures they print are recorded in docs/, never asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import corpus_file
from tests.servers import fonds_env

ROOT = Path(__file__).resolve().parents[2]


def run_bench(tmp_path: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        env=fonds_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_load_bench_runs(tmp_path):
    corpus_file("nyu-wag025-002-jewish-labor-committee.xml")
    out = run_bench(tmp_path, "bench/load.py", "--quick")
    rows = {line.split()[0]: line.split() for line in out.splitlines() if ".xml" in line}
    assert set(rows) == {"nyu-wag025-002-jewish-labor-committee.xml", "generated-1mb.xml"}
    for name, row in rows.items():
        components, per_second, peak_mb = int(row[2]), float(row[7]), float(row[8])
        assert components > 1000 and per_second > 0 and peak_mb > 0, name
    assert re.search(r"\d+ cores", out)


@pytest.mark.slow
def test_the_pages_bench_runs(tmp_path):
    out = run_bench(tmp_path, "bench/pages.py", "--quick", "--browser-runs", "0")
    assert re.search(r"collection \(6,763 components\)\s+\d+\s+[\d.]+\s+[\d.]+", out)
    assert re.search(r"cold first request: \d+ ms", out)
    assert re.search(r"warm: p50 \d+ ms, p95 \d+ ms", out)

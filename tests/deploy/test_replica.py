"""Scale-out on loopback: the replica script starts a PostgreSQL primary and a
streaming replica, loads on the primary and searches on the replica."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_search_served_by_the_replica_sees_a_load_on_the_primary():
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PostgreSQL is not installed (CI=true: a missing one is a failure)")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    env = dict(os.environ, PYTHON=sys.executable)
    env.pop("FONDS_DATABASE_URL", None)
    done = subprocess.run(
        [str(ROOT / "scripts" / "replica-demo")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read from replica1" in done.stdout and "in recovery: True" in done.stdout
    assert "replica demo passed" in done.stdout

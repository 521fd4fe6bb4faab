"""fonds/routing.py on a real primary and streaming replica (started on loopback by
the ``primary_and_replica`` fixture): reads go to the replica, writes to the primary,
requests that write and the admin are pinned to the primary, migrations run on the
primary alone. The work runs in a fonds process (tests/deploy/routing_probe.py) that
counts the queries each server received."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, fonds_env, run_fonds

pytestmark = pytest.mark.slow
DEMO = ROOT / "fonds" / "demo" / "findingaids"


@pytest.fixture(scope="module")
def probed(primary_and_replica, tmp_path_factory) -> dict:
    servers = primary_and_replica
    home: Path = tmp_path_factory.mktemp("routing-home")
    env = fonds_env(
        home,
        sqlite=True,  # then pointed at the servers of the fixture, not at the pass's database
        FONDS_DATABASE_URL=servers.primary,
        FONDS_DATABASE_REPLICA_URLS=servers.replica,
        FONDS_SEARCH_BACKEND="postgres",
    )
    # migrations and a load through the fonds command, which runs on the primary
    run_fonds(env, "load", "--quiet", str(DEMO / "DEMO-003.xml"))
    servers.wait_for_replay()
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "deploy" / "routing_probe.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_servers_are_a_primary_and_a_replica(probed):
    assert probed["in_recovery"] == {"default": False, "replica1": True}


def test_the_router_reads_from_the_replica_writes_and_migrates_on_the_primary(probed):
    assert probed["router"] == {
        "read": "replica1",
        "write": "default",
        "migrate_default": True,
        "migrate_replica": False,
    }


@pytest.mark.parametrize("work", ["count", "search", "records"])
def test_reads_are_answered_by_the_replica(probed, work):
    ran = probed[work]
    assert ran["replica"] > 0 and ran["primary"] == 0, ran
    assert ran["result"], "the replica sees what the primary loaded"


def test_writes_go_to_the_primary(probed):
    ran = probed["write"]
    assert ran == {"primary": ran["primary"], "replica": 0, "result": True}
    assert ran["primary"] > 0


def test_reading_what_was_just_written_is_pinned_to_the_primary(probed):
    ran = probed["read_your_write"]
    assert ran["primary"] > 0 and ran["replica"] == 0 and ran["result"] is True, ran


@pytest.mark.parametrize("page", ["page", "search_page", "after_admin"])
def test_pages_read_from_the_replica(probed, page):
    ran = probed[page]
    assert ran["result"] == 200
    assert ran["replica"] > 0 and ran["primary"] == 0, ran


@pytest.mark.parametrize("request_", ["post", "admin"])
def test_posts_and_the_admin_are_pinned_to_the_primary(probed, request_):
    ran = probed[request_]
    assert ran["result"] == 200
    assert ran["primary"] > 0 and ran["replica"] == 0, ran

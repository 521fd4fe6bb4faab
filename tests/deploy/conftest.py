"""A real PostgreSQL primary and a streaming replica on loopback, as
scripts/replica-demo starts them, for the tests of the database router."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.servers import free_port


@dataclass
class Servers:
    primary: str  # postgres:// URL of the primary's fonds database
    replica: str  # the same database on the streaming replica
    bin: str

    def psql(self, url: str, sql: str) -> str:
        done = subprocess.run(
            [f"{self.bin}/psql", url, "-qAt", "-c", sql], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def wait_for_replay(self) -> None:
        """Until the replica has replayed everything the primary has written."""
        target = self.psql(self.primary, "select pg_current_wal_lsn()")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            caught = self.psql(
                self.replica, f"select pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            )
            if caught == "t":
                return
            time.sleep(0.1)
        pytest.fail("the replica did not catch up with the primary within 30 s")


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


@pytest.fixture(scope="session")
def primary_and_replica() -> Iterator[Servers]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not found or not Path(found[-1], "postgres").exists():
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: a missing one is a failure)")
        pytest.skip(message)
    bin = found[-1]
    # the servers run as the postgres user: pytest's own temporary folders are not theirs
    work = Path(tempfile.mkdtemp(prefix="fonds-routing-"))
    if os.getuid() == 0:
        shutil.chown(work, "postgres")
    primary, replica = work / "primary", work / "replica"
    primary_port, replica_port = free_port(), free_port()

    def run(*command: str) -> None:
        subprocess.run(_as_postgres(list(command)), check=True, capture_output=True)

    try:
        run(
            f"{bin}/initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {primary_port}\n"
                f"unix_socket_directories = '{work}'\nwal_level = replica\n"
                "max_wal_senders = 4\nhot_standby = on\nfsync = off\n"
            )
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        run(f"{bin}/pg_ctl", "-D", str(primary), "-l", str(work / "primary.log"), "-w", "start")
        admin = f"postgres://postgres@127.0.0.1:{primary_port}/postgres"
        for sql in ("CREATE ROLE fonds LOGIN SUPERUSER PASSWORD 'fonds'", "CREATE DATABASE fonds"):
            subprocess.run([f"{bin}/psql", admin, "-qc", sql], check=True, capture_output=True)
        run(
            f"{bin}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {replica_port}\n")
        run(f"{bin}/pg_ctl", "-D", str(replica), "-l", str(work / "replica.log"), "-w", "start")
        yield Servers(
            primary=f"postgres://fonds:fonds@127.0.0.1:{primary_port}/fonds",
            replica=f"postgres://fonds:fonds@127.0.0.1:{replica_port}/fonds",
            bin=bin,
        )
    finally:
        for folder in (replica, primary):
            if (folder / "postmaster.pid").exists():
                subprocess.run(
                    _as_postgres([f"{bin}/pg_ctl", "-D", str(folder), "-m", "immediate", "stop"]),
                    capture_output=True,
                )
        shutil.rmtree(work, ignore_errors=True)

"""The two backends side by side: SQLite with the embedded index, PostgreSQL with its
full-text search.

    python bench/scale.py [--sizes 100000,1000000] [--repeat 5] [--port 54351]
                          [--backends sqlite,postgres]

For each size, synthetic finding aids (100,000 components a file) are generated once,
untimed by the load, into a folder both backends read. Then, for each backend, in a
fresh data folder (and a fresh PostgreSQL started on loopback by
scripts/postgres-test-server with PostgreSQL's default durability: fsync,
synchronous_commit and full_page_writes on):

- ``fonds load FOLDER`` is timed as a user runs it: the database rows and the search
  index update that follows the commit;
- ``fonds reindex`` is timed: the whole index rebuilt from the database;
- the query mix of bench/search.py runs through the search service with all ten
  facets, ``--repeat`` times, and p50/p95 are printed.

It prints the settings each database ran with. Needs the development install (.venv)
and, for the PostgreSQL rows, Debian's PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PER_FILE = 100_000  # components


def generate(size: int, folder: Path) -> float:
    from fonds.devtools.synthetic import write_file

    started = time.perf_counter()
    parts = max(1, size // PER_FILE)
    for part in range(1, parts + 1):
        write_file(
            folder / f"bench-{part}.xml",
            10_000,
            identifier=f"BENCH-{part}",
            seed=part,
            max_components=size // parts,
        )
    return time.perf_counter() - started


def fonds(env: dict[str, str], *args: str) -> float:
    """Seconds ``fonds ARGS`` took; stops the bench if it fails."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def queries(env: dict[str, str], home: Path, repeat: int) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search.py"),
            "--child",
            "1",
            "--reuse",
            str(home),
            "--repeat",
            str(repeat),
        ],
        env=dict(env, BENCH_KEEP_DATABASE="1"),
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def settings_of(env: dict[str, str]) -> str:
    """What durability the database ran with, as the database says."""
    url = env.get("FONDS_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as db:
            version = db.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            shown = [
                f"{name}={db.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
                for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")
            ]
        return f"PostgreSQL {version}: " + ", ".join(shown)
    import sqlite3

    return (
        f"SQLite {sqlite3.sqlite_version}: journal_mode=wal, synchronous=NORMAL "
        "(fonds' settings), tantivy index on the same disk"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=54351)
    parser.add_argument(
        "--backends", default="sqlite,postgres", help="which of sqlite,postgres to measure"
    )
    args = parser.parse_args()
    chosen = {b.strip() for b in args.backends.split(",")}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; query mix of bench/search.py x {args.repeat}, 10 facets",
        flush=True,
    )
    base = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("FONDS_DATABASE_URL", "FONDS_SEARCH_BACKEND", "FONDS_DATABASE_REPLICA_URLS"):
        base.pop(name, None)
    work = Path(tempfile.mkdtemp(prefix="fonds-scale-"))
    pg_dir = Path(f"/tmp/fonds-scale-pg-{args.port}")
    rows: list[str] = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            folder = work / f"xml-{size}"
            folder.mkdir()
            generated = generate(size, folder)
            megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            print(
                f"{size:,} components: XML generated in {generated:.1f} s "
                f"({megabytes:.0f} MB, not part of the load times)",
                flush=True,
            )
            url = subprocess.run(
                [str(ROOT / "scripts" / "postgres-test-server"), str(args.port), str(pg_dir)],
                env=dict(os.environ, PG_DURABLE="1"),
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            backends = {
                "SQLite + tantivy": dict(base, FONDS_SEARCH_BACKEND="embedded"),
                "PostgreSQL + tsvector": dict(
                    base, FONDS_DATABASE_URL=url, FONDS_SEARCH_BACKEND="postgres"
                ),
            }
            for name, env in backends.items():
                if name.split()[0].lower().replace("postgresql", "postgres") not in chosen:
                    continue
                home = work / f"home-{size}-{name.split()[0].lower()}"
                env["FONDS_HOME"] = str(home)
                load_s = fonds(env, "load", "--quiet", str(folder))
                reindex_s = fonds(env, "reindex")
                print(f"  {name}: {settings_of(env)}", flush=True)
                r = queries(env, home, args.repeat)
                rows.append(
                    f"{r['components']:>10,} {name:24} {load_s:>8.1f} {reindex_s:>10.1f} "
                    f"{r['index_mb']:>9.0f} {r['p50']:>7.1f} {r['p95']:>7.1f}"
                )
                print(f"  {rows[-1].strip()}", flush=True)
                shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        stop = [f"{_pg_bin()}/pg_ctl", "-D", str(pg_dir), "-m", "fast", "stop"]
        if (pg_dir / "postmaster.pid").exists():
            if os.getuid() == 0:
                stop = ["runuser", "-u", "postgres", "--", *stop]
            subprocess.run(stop, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        f"{'components':>10} {'backend':24} {'load s':>8} {'reindex s':>10} {'index MB':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    print("\n".join(rows))


def _pg_bin() -> str:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return str(found[-1]) if found else "/usr/lib/postgresql/15/bin"


if __name__ == "__main__":
    main()

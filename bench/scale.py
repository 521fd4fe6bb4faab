"""The two backends side by side: SQLite with the embedded index, PostgreSQL with its
full-text search.

    python bench/scale.py [--sizes 100000,1000000] [--repeat 5]

For each size and backend, in a fresh data folder (and a fresh PostgreSQL started on
loopback by scripts/postgres-test-server): synthetic finding aids are loaded, the
index built, and the query mix of bench/search.py run with all facets. Prints load
time, index build time and search p50/p95 for each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(size: int, repeat: int, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search.py"),
            "--child",
            str(size),
            "--repeat",
            str(repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=54351)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'components':>10} {'backend':24} {'load s':>8} {'build s':>8} {'index MB':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    base = dict(os.environ, PYTHONPATH=str(ROOT), BENCH_KEEP_DATABASE="1")
    for size in (int(s) for s in args.sizes.split(",")):
        backends = {
            "SQLite + tantivy": dict(base, FONDS_SEARCH_BACKEND="embedded"),
        }
        url = subprocess.run(
            [str(ROOT / "scripts" / "postgres-test-server"), str(args.port)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        backends["PostgreSQL + tsvector"] = dict(
            base, FONDS_DATABASE_URL=url, FONDS_SEARCH_BACKEND="postgres"
        )
        backends["SQLite + tantivy"].pop("FONDS_DATABASE_URL", None)
        for name, env in backends.items():
            r = run(size, args.repeat, env)
            print(
                f"{r['components']:>10,} {name:24} {r['load_s']:>8.1f} {r['build_s']:>8.1f} "
                f"{r['index_mb']:>9.0f} {r['p50']:>7.1f} {r['p95']:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

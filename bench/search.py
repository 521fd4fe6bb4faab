"""Search at scale: index build time and query latency, with facets, against the raw engine.

    python bench/search.py [--sizes 10000,100000,1000000] [--repeat 5]

For each size, in a fresh data folder: synthetic finding aids with that many
components are generated and loaded, the index is built from the database (what
``fonds reindex`` does), and a fixed mix of queries runs through fonds' search
service (parsing, ranking, ten facets, multi-select, snippets) and through the bare
tantivy searcher with the same query and no facets, documents or snippets. It
prints p50/p95 for both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES: list[dict[str, object]] = [
    {"text": "Sharansky"},
    {"text": "Щаранский"},
    {"text": "Scharansky letters"},
    {"text": "Soviet"},
    {"text": "correspondence Moscow"},
    {"text": '"exit visas"'},
    {"text": "Nudel", "sort": "date"},
    {"text": "petitions", "filters": {"level": ["file"]}},
    {"text": "refuseniks", "date_from": 1970, "date_to": 1975},
    {"text": "Begun Kiev", "filters": {"decade": ["1970s", "1980s"]}},
    {"text": "Helsinki", "filters": {"digital": ["yes"]}},
    {"text": "", "filters": {"person": ["Slepak, Vladimir"]}},
    {"text": "Essas", "sort": "title"},
    {"text": "minutes -Leningrad"},
    {"text": "Lerner Washington"},
    {"text": ""},
    {"text": "human rights demonstrations", "sort": "-date"},
    {"text": "Kosharovsky", "filters": {"collection": ["BENCH-1"]}},
    {"text": "photographs Cleveland"},
    {"text": "Jackson-Vanik"},
]


def _raw_searcher(backend: object) -> Callable[[object], float]:
    """The bare engine answering the same query for 20 hits: no facets, no documents."""
    if hasattr(backend, "index"):  # embedded: tantivy
        searcher = backend.index().searcher()

        def run(request: object) -> float:
            query = backend._query(request.criteria())  # type: ignore[attr-defined]
            started = time.perf_counter()
            searcher.search(query, limit=20)
            return time.perf_counter() - started

        return run
    from django.db import connection

    def run_sql(request: object) -> float:
        criteria = request.criteria()  # type: ignore[attr-defined]
        tsquery = backend._tsquery(criteria.query)  # type: ignore[attr-defined]
        where, params = backend._where(criteria, tsquery)  # type: ignore[attr-defined]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key FROM search_searchrecord WHERE {where} LIMIT 20", params)
            cursor.fetchall()
        return time.perf_counter() - started

    return run_sql


def _index_mb(backend: object) -> float:
    path = getattr(backend, "path", None)
    if path is not None:
        return sum(f.stat().st_size for f in Path(path).rglob("*")) / 1e6
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_searchrecord')")
        return float(cursor.fetchone()[0]) / 1e6


def child(size: int, repeat: int, reuse: str | None = None) -> dict[str, float]:
    home = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=f"fonds-search-{size}-"))
    os.environ["FONDS_HOME"] = str(home)
    if not os.environ.get("BENCH_KEEP_DATABASE"):  # bench/scale.py chooses the database
        os.environ.pop("FONDS_DATABASE_URL", None)
        os.environ.pop("FONDS_SEARCH_BACKEND", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")
    import django

    django.setup()
    from fonds.cli import ensure_database
    from fonds.devtools.synthetic import write_file
    from fonds.findingaids.models import Component
    from fonds.loader import load_file
    from fonds.search.backends import get_backend
    from fonds.search.service import SearchRequest, reindex, search

    ensure_database()
    parts = max(1, size // 100_000) if not reuse else 0
    started = time.perf_counter()
    for part in range(1, parts + 1):
        path = home / f"bench-{part}.xml"
        write_file(
            path, 10_000, identifier=f"BENCH-{part}", seed=part, max_components=size // parts
        )
        result = load_file(path)
        assert not result.error, result.error
        path.unlink()
    load_seconds = time.perf_counter() - started
    from fonds.search.models import IndexTask

    IndexTask.objects.all().delete()
    started = time.perf_counter()
    documents = reindex() if not reuse else get_backend().count()
    build_seconds = time.perf_counter() - started
    components = Component.objects.count()

    backend = get_backend()
    requests = [SearchRequest(**q) for q in QUERIES]  # type: ignore[arg-type]
    for request in requests:  # warm caches once
        search(request)
    ours: list[float] = []
    raw: list[float] = []
    slowest: dict[str, float] = {}
    raw_search = _raw_searcher(backend)
    for _ in range(repeat):
        for request in requests:
            started = time.perf_counter()
            search(request)
            ours.append(time.perf_counter() - started)
            label = json.dumps(QUERIES[requests.index(request)], ensure_ascii=False)
            slowest[label] = max(slowest.get(label, 0.0), ours[-1] * 1000)
            raw.append(raw_search(request))

    def pct(values: list[float], p: float) -> float:
        return statistics.quantiles(values, n=100)[int(p) - 1] * 1000

    index_mb = _index_mb(backend)
    return {
        "components": components,
        "documents": documents,
        "load_s": load_seconds,
        "build_s": build_seconds,
        "index_mb": index_mb,
        "p50": pct(ours, 50),
        "p95": pct(ours, 95),
        "raw_p50": pct(raw, 50),
        "raw_p95": pct(raw, 95),
        "queries": len(ours),
        "home": str(home),
        "slowest": dict(sorted(slowest.items(), key=lambda kv: -kv[1])[:5]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", help="a data folder a previous run kept (skips the build)")
    parser.add_argument("--verbose", action="store_true", help="print the slowest queries")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.reuse)))
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {len(QUERIES)} queries x {args.repeat}, 10 facets"
    )
    print(
        f"{'components':>10} {'documents':>9} {'load s':>7} {'build s':>7} {'index MB':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'raw p50':>7} {'raw p95':>7}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--repeat", str(args.repeat)]
            + (["--reuse", args.reuse] if args.reuse else []),
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['components']:>10,} {r['documents']:>9,} {r['load_s']:>7.1f} {r['build_s']:>7.1f} "
            f"{r['index_mb']:>8.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['raw_p50']:>7.2f} "
            f"{r['raw_p95']:>7.2f}",
            flush=True,
        )
        if args.verbose:
            print(f"  data folder: {r['home']}")
            for label, ms in r["slowest"].items():
                print(f"  {ms:7.1f} ms  {label}")


if __name__ == "__main__":
    main()

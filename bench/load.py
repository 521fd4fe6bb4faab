"""Load throughput and memory: fonds against lxml alone on the same bytes.

    python bench/load.py [--mb 100] [--skip-generated] [--quick]

For each file: lxml's iterparse over the bytes (events on every element, each
element cleared, the same safe options: the floor for any streaming reader),
fonds' reader alone (no database), and a full load (hash, parse, write, commit)
into a fresh SQLite database in a child process, with its peak memory; the child's
start-up and schema creation (the step every `fonds` command takes first) are not
timed. The ratio load/lxml is the figure to watch. --quick runs the smallest corpus
file and a 1 MB generated file: a check that the bench runs, not a measurement.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from fonds.devtools.synthetic import write_file  # noqa: E402
from fonds.formats.ead import EADReader  # noqa: E402
from fonds.formats.xmlsafe import PARSER_OPTIONS  # noqa: E402

CORPUS = Path(os.environ.get("FONDS_CORPUS", ROOT.parent / "shared" / "corpus"))
FILES = [
    CORPUS / "nyu-wag025-002-jewish-labor-committee.xml",
    CORPUS / "pulfa-c0140-single-items.xml",
    ROOT / "fonds" / "demo" / "findingaids" / "DEMO-004.xml",
]


def lxml_seconds(path: Path) -> float:
    started = time.perf_counter()
    for _event, element in etree.iterparse(str(path), events=("end",), **PARSER_OPTIONS):
        element.clear(keep_tail=True)
    return time.perf_counter() - started


def reader_seconds(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with open(path, "rb") as handle:
        count = sum(1 for _ in EADReader(handle, str(path), "2002"))
    return time.perf_counter() - started, count


# The child runs under a small relay process: Linux carries the resident set of the
# process that forked into the child's ru_maxrss, and this process has just parsed
# the file with lxml.
RELAY = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def load_in_child(path: Path) -> tuple[float, float, int]:
    """Seconds, peak MB and components of a load in a fresh data folder."""
    home = tempfile.mkdtemp(prefix="fonds-bench-")
    env = dict(os.environ, FONDS_HOME=home, PYTHONPATH=str(ROOT))
    env.pop("FONDS_DATABASE_URL", None)
    env.pop("FONDS_SEARCH_BACKEND", None)
    # the schema first (`fonds check` only reports it), neither timed nor measured
    made = subprocess.run(
        [sys.executable, "-m", "fonds", "manage", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"bench/load.py: creating the schema failed:\n{made.stderr}")
    code = (
        "import os, resource, time;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'fonds.settings');"
        "import django; django.setup();"
        "from pathlib import Path;"
        "from fonds.loader import load_file;"
        "t = time.perf_counter();"
        f"result = load_file(Path({str(path)!r}));"
        "assert not result.error, result.error;"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", RELAY, sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench/load.py: loading {path.name} failed:\n{done.stderr}")
    seconds, peak_kb = done.stdout.split()[-2:]
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys;"
            f"print(sqlite3.connect({home!r} + '/fonds.sqlite3')"
            ".execute('select count(*) from findingaids_component').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return float(seconds), int(peak_kb) / 1024, int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100, help="size of the generated file")
    parser.add_argument(
        "--skip-generated", action="store_true", help="leave out the generated file"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the smallest file and a 1 MB generated one: does the bench run?",
    )
    args = parser.parse_args()
    files = [f for f in FILES if f.exists()]
    if args.quick:
        files = sorted(files, key=lambda f: f.stat().st_size)[:1]
        args.mb = 1
    tmp = Path(tempfile.mkdtemp(prefix="fonds-bench-"))
    if not args.skip_generated:
        generated = tmp / f"generated-{args.mb:g}mb.xml"
        write_file(generated, args.mb, identifier="BENCH-GEN")
        files.append(generated)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'file':44} {'MB':>7} {'comps':>8} {'lxml s':>7} {'reader s':>8} {'load s':>7} "
        f"{'comps/s':>8} {'peak MB':>8} {'load/lxml':>9}"
    )
    for path in files:
        size = path.stat().st_size / 1024 / 1024
        floor = lxml_seconds(path)
        read, _ = reader_seconds(path)
        seconds, peak, count = load_in_child(path)
        print(
            f"{path.name[:44]:44} {size:7.1f} {count:8d} {floor:7.2f} {read:8.2f} {seconds:7.2f} "
            f"{count / seconds:8.0f} {peak:8.0f} {seconds / floor:9.1f}"
        )
    print(
        f"(peak MB is the child's maximum resident set; this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()

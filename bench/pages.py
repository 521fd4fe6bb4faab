"""How fast the portal's pages come back, served as in production.

    python bench/pages.py [--runs 30]

Loads the demo archive into a fresh data folder, starts ``fonds serve`` (waitress)
on loopback, and times full responses (request sent to last byte) of each page type,
including the 6,763-component DEMO-004 collection page. Prints p50/p95 per page.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "/",
    "collections": "/collections/",
    "collection (142 components)": "/collections/DEMO-001/",
    "collection (6,763 components)": "/collections/DEMO-004/",
    "series children (fragment)": "/collections/DEMO-004/demo004-s2/children/",
    "component (folder)": "/collections/DEMO-001/demo001-s3-ss2/",
    "search, Cyrillic": "/search?q=%D0%A9%D0%B0%D1%80%D0%B0%D0%BD%D1%81%D0%BA%D0%B8%D0%B9",
    "search, facets": "/search?q=Soviet&level=file&from=1970&to=1980",
    "contact": "/contact/",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="fonds-pages-")
    env = dict(os.environ, FONDS_HOME=home, PYTHONPATH=str(ROOT))
    env.pop("FONDS_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "fonds", "demo", "--quiet"], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fonds", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        print(f"{'page':34} {'bytes':>8} {'p50 ms':>7} {'p95 ms':>7}")
        for name, path in PAGES.items():
            times = []
            size = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    size = len(response.read())
                times.append((time.perf_counter() - started) * 1000)
            cuts = statistics.quantiles(times, n=20)
            print(f"{name:34} {size:8d} {statistics.median(times):7.1f} {cuts[18]:7.1f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

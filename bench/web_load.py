"""The portal under load while a large finding aid loads into the same FONDS_HOME.

    python bench/web_load.py                 # 32 clients for 120 s, a 30 MB finding aid
    python bench/web_load.py --seconds 20 --size-mb 5

Starts ``fonds serve`` on loopback over a fresh FONDS_HOME holding the demo archive
(``fonds demo``), then drives it with wrk (Debian's ``apt-get install wrk``) over a
mix of searches (Latin, Cyrillic, facets, date ranges) and page types, while
``fonds load`` writes a synthetic finding aid (fonds/devtools/synthetic.py) in
another process. Prints requests, errors (non-2xx/3xx and socket errors), throughput,
p50/p95/p99 latency, the load's duration, and any "database is locked" or traceback
in the server's log. Exits 1 when there was an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fonds.devtools.synthetic import write_finding_aid  # noqa: E402

SEARCHES = [
    "Sharansky",
    "Shcharansky",
    "Щаранский",
    "Анатолий",
    "refuseniks",
    "Soviet Jewry",
    "Leningrad trial",
    "Москва",
    "exit visa",
    "Cleveland",
]
FILTERS = [
    "",
    "&type=collection",
    "&level=file",
    "&decade=1970s",
    "&from=1970&to=1979",
    "&from=1985",
    "&subject=Refuseniks&from=1960&to=1990",
]
PAGES = [
    "/",
    "/collections/",
    "/collections/DEMO-001/",
    "/collections/DEMO-004/",
    "/collections/DEMO-001/demo001-s3-ss2/",
    "/collections/DEMO-001/demo001-s3-ss2-f2/",
    "/roster/",
    "/roster/ncsj/",
    "/timeline/",
    "/timeline/1977-03-15-shcharansky-arrested/",
    "/bibliography/",
    "/bibliography/beckerman-2010/",
    "/api/v1/collections/DEMO-001",
    "/api/v1/search?q=Sharansky",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/contact/",
]

LUA = """
local paths = %(paths)s
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local path = paths[((counter + offset) %% #paths) + 1]
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"bytes\\": %%d, "
    .. "\\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"status\\": %%d, "
    .. "\\"timeout\\": %%d, \\"p50\\": %%d, \\"p95\\": %%d, \\"p99\\": %%d, \\"max\\": %%d}\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def url_mix() -> list[str]:
    searches = [f"/search?q={quote(q)}{f}" for q in SEARCHES for f in FILTERS]
    # about two searches for each page: searches are what a portal does most
    return searches + PAGES * 4


def fonds(*args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fonds", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        **kw,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"fonds serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit(f"fonds serve did not answer {url}")


def check_urls(base: str, paths: list[str]) -> None:
    """Every URL of the mix answers 200 before the load starts."""
    bad = []
    for path in dict.fromkeys(paths):
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            bad.append(f"{status} {path}")
    if bad:
        sys.exit("URLs of the mix that do not answer 200:\n" + "\n".join(bad))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of the load (120)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--size-mb", type=float, default=30, help="synthetic finding aid (30)")
    parser.add_argument("--server-threads", type=int, default=8, help="fonds serve --threads")
    parser.add_argument("--home", type=Path, help="FONDS_HOME to use (default: a temporary one)")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: apt-get install wrk")

    home = args.home or Path(tempfile.mkdtemp(prefix="fonds-load-"))
    env = dict(os.environ, FONDS_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("FONDS_DATABASE_URL", None)
    started = time.perf_counter()
    demo = fonds("demo", "--quiet", env=env)
    if demo.returncode != 0:
        sys.exit(f"fonds demo failed:\n{demo.stdout}\n{demo.stderr}")
    print(f"FONDS_HOME {home}: demo loaded in {time.perf_counter() - started:.0f} s")

    big = home / "synthetic.xml"
    with big.open("w", encoding="utf-8") as out:
        components = write_finding_aid(out, int(args.size_mb * 1_000_000), identifier="LOAD-001")
    size_mb = big.stat().st_size / 1e6
    print(f"synthetic finding aid: {size_mb:.1f} MB, {components:,} components")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = home / "serve.log"
    threads = str(args.server_threads)
    serve_command = [
        sys.executable,
        "-m",
        "fonds",
        "serve",
        "--port",
        str(port),
        "--threads",
        threads,
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            serve_command,
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(base + "/", server)
        paths = url_mix()
        check_urls(base, paths)
        script = home / "mix.lua"
        script.write_text(LUA % {"paths": "{" + ", ".join(json.dumps(p) for p in paths) + "}"})
        print(
            f"wrk: {args.clients} clients, {args.seconds} s, {len(paths)} URLs "
            f"({len(SEARCHES) * len(FILTERS)} searches, {len(PAGES)} pages)"
        )
        connections = ["-t", str(min(4, args.clients)), "-c", str(args.clients)]
        wrk_command = [wrk, *connections, "-d", f"{args.seconds}s", "--timeout", "30s"]
        wrk_command += ["-s", str(script), base]
        load_run = subprocess.Popen(
            wrk_command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(min(5, args.seconds / 10))
        load_started = time.perf_counter()
        loading = subprocess.Popen(
            [sys.executable, "-m", "fonds", "load", "--quiet", str(big)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wrk_out, _ = load_run.communicate()
        wrk_ended = time.perf_counter()
        load_out, _ = loading.communicate()
        load_seconds = time.perf_counter() - load_started
        during = min(load_seconds, wrk_ended - load_started)
        # the running server's search sees what was loaded (the index reader reloads)
        with urllib.request.urlopen(base + "/api/v1/search?q=LOAD-001", timeout=60) as found:
            searchable = "LOAD-001" in found.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)

    result_line = next((line for line in wrk_out.splitlines() if line.startswith("RESULT ")), "")
    if not result_line:
        print(wrk_out)
        return 1
    r = json.loads(result_line.removeprefix("RESULT "))
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    seconds = r["duration_us"] / 1e6
    log_text = log_path.read_text(errors="replace")
    locked = log_text.count("database is locked")
    tracebacks = log_text.count("Traceback")
    print(
        f"requests      {r['requests']:,} in {seconds:.1f} s "
        f"({r['requests'] / seconds:.0f} requests/s, {r['bytes'] / seconds / 1e6:.1f} MB/s)\n"
        f"errors        {errors} (status {r['status']}, connect {r['connect']}, "
        f"read {r['read']}, write {r['write']}, timeout {r['timeout']})\n"
        f"latency       p50 {r['p50'] / 1000:.0f} ms, p95 {r['p95'] / 1000:.0f} ms, "
        f"p99 {r['p99'] / 1000:.0f} ms, max {r['max'] / 1000:.0f} ms\n"
        f"fonds load    {size_mb:.1f} MB, {components:,} components: exit "
        f"{loading.returncode} in {load_seconds:.0f} s ({during:.0f} s of it under load)\n"
        f"server log    {locked} 'database is locked', {tracebacks} tracebacks\n"
        f"after load    the running server finds LOAD-001: {searchable}"
    )
    if loading.returncode != 0:
        print(load_out)
    return 1 if errors or locked or tracebacks or loading.returncode or not searchable else 0


if __name__ == "__main__":
    sys.exit(main())

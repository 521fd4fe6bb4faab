"""The portal under load while a large finding aid loads into the same FONDS_HOME.

    python bench/web_load.py                 # 32 clients for 120 s, a 30 MB finding aid
    python bench/web_load.py --seconds 20 --size-mb 5

Starts ``fonds serve`` on loopback over a fresh FONDS_HOME holding the demo archive
(``fonds demo``), then drives it with wrk (Debian's ``apt-get install wrk``) over a
mix of searches (Latin, Cyrillic, facets, date ranges) and page types: first with
nothing loading (``--baseline-seconds``), then while ``fonds load`` writes a synthetic
finding aid (fonds/devtools/synthetic.py) in another process. Prints for each run
requests, errors (non-2xx/3xx and socket errors), throughput, the server's CPU time,
and p50/p95/p99 latency overall and by URL group (search, page, api, oai), as measured
for each response; then wrk's own percentiles, which wrk corrects for coordinated
omission (it adds the requests a client would have sent while it waited, so they run
higher); then the load's duration, and any "database is locked" or traceback in the
server's log. Exits 1 when there was an error.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
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

# One connection per wrk thread (-t N -c N): each thread then alternates request() and
# response(), so the time between them is that request's latency, kept by URL group.
# LuaJIT's ffi reads the monotonic clock.
LUA = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } fonds_timespec;
int clock_gettime(int clock, fonds_timespec *t);
]]
local now = ffi.new("fonds_timespec")
local function microseconds()
  ffi.C.clock_gettime(1, now)
  return tonumber(now.tv_sec) * 1000000 + tonumber(now.tv_nsec) / 1000
end

local paths = %(paths)s
local groups = %(groups)s
local counter = 0
local threads = {}
local started, group = nil, nil
-- one flat table of numbers per group: thread:get() copies no nested tables
%(tables)s

function setup(thread)
  thread:set("offset", #threads * 13)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local index = ((counter + offset) %% #paths) + 1
  started, group = microseconds(), groups[index]
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if started ~= nil then
    local kept = _G["samples_" .. group]
    kept[#kept + 1] = math.floor(microseconds() - started)
    started = nil
  end
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
  for _, thread in ipairs(threads) do
    for _, name in ipairs(%(group_names)s) do
      local kept = thread:get("samples_" .. name)
      io.write("SAMPLES " .. name .. " " .. table.concat(kept, ",") .. "\\n")
    end
  end
end
"""
GROUPS = ("search", "page", "api", "oai")


def group_of(path: str) -> str:
    """search (the search page), api (/api/), oai (/oai), page (every other page)."""
    if path.startswith("/search"):
        return "search"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/oai"):
        return "oai"
    return "page"


def url_mix() -> list[str]:
    searches = [f"/search?q={quote(q)}{f}" for q in SEARCHES for f in FILTERS]
    # about two searches for each page: searches are what a portal does most; shuffled
    # (the same way each run) so that any stretch of the list has the mix's shares
    paths = searches + PAGES * 4
    random.Random(8).shuffle(paths)
    return paths


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


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process and its workers (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        used[child] = (int(fields[11]) + int(fields[12])) / tick
    tree, total = {pid}, 0.0
    for child in sorted(parents):  # a child's pid is usually above its parent's
        if parents[child] in tree:
            tree.add(child)
    for member in tree:
        total += used.get(member, 0.0)
    return total


def percentile(values: list[int], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank), in ms."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank] / 1000


class Run:
    """One wrk run over the mix: its totals and each URL group's latencies."""

    def __init__(self, output: str, cpu_seconds: float) -> None:
        self.cpu_seconds = cpu_seconds
        result = next((line for line in output.splitlines() if line.startswith("RESULT ")), "")
        if not result:
            sys.exit(f"wrk printed no result:\n{output}")
        self.totals = json.loads(result.removeprefix("RESULT "))
        self.samples: dict[str, list[int]] = {group: [] for group in GROUPS}
        for line in output.splitlines():
            if line.startswith("SAMPLES "):
                _, group, values = line.split(" ", 2)
                self.samples[group] += [int(v) for v in values.split(",") if v]

    @property
    def errors(self) -> int:
        r = self.totals
        return int(r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"])

    @staticmethod
    def spread(values: list[int]) -> str:
        if not values:
            return "no requests"
        p50, p95, p99 = (percentile(values, share) for share in (0.50, 0.95, 0.99))
        return (
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(values) / 1000:.0f} ms"
        )

    def report(self, label: str) -> str:
        r = self.totals
        seconds = r["duration_us"] / 1e6
        lines = [
            f"{label}",
            f"  requests    {r['requests']:,} in {seconds:.1f} s "
            f"({r['requests'] / seconds:.0f} requests/s, {r['bytes'] / seconds / 1e6:.1f} MB/s)",
            f"  errors      {self.errors} (status {r['status']}, connect {r['connect']}, "
            f"read {r['read']}, write {r['write']}, timeout {r['timeout']})",
            f"  latency     {self.spread([v for g in GROUPS for v in self.samples[g]])}",
            f"  wrk's       p50 {r['p50'] / 1000:.0f} ms, p95 {r['p95'] / 1000:.0f} ms, "
            f"p99 {r['p99'] / 1000:.0f} ms (corrected for coordinated omission)",
            f"  server CPU  {self.cpu_seconds:.0f} s "
            f"({self.cpu_seconds * 1000 / max(1, r['requests']):.0f} ms a request)",
        ]
        for group in GROUPS:
            values = self.samples[group]
            if values:
                lines.append(f"  {group:<11} {len(values):>6,} requests: {self.spread(values)}")
        return "\n".join(lines)


def drive(wrk: str, base: str, script: Path, clients: int, seconds: int) -> subprocess.Popen[str]:
    """wrk over the mix, one connection per thread (see LUA)."""
    command = [wrk, "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s"]
    command += ["--timeout", "30s", "-s", str(script), base]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class CommandLoad:
    """``fonds load`` in a process of its own (with ``nice``: at a lower CPU priority)."""

    def __init__(self, path: Path, env: dict[str, str], nice: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fonds", "load", "--quiet", str(path)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )

    def wait(self) -> tuple[int, str]:
        out, _ = self.process.communicate()
        return self.process.returncode, out


class AdminLoad(threading.Thread):
    """The upload of the admin (Uploads, then "Load"): the file is checked, then
    loaded, in a background thread of the server, as an archivist's upload is."""

    def __init__(self, base: str, path: Path, user: str, password: str) -> None:
        super().__init__(daemon=True)
        self.base, self.path, self.user, self.password = base, path, user, password
        self.result: tuple[int, str] = (1, "did not finish")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.start()

    def _open(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Any:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        with self.opener.open(request, timeout=600) as response:
            return response.geturl(), response.read().decode()

    def _token(self, html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise RuntimeError("no CSRF token in the form")
        return found.group(1)

    def _post(self, path: str, fields: dict[str, str], file: Path | None = None) -> Any:
        boundary = "fonds-bench-" + os.urandom(8).hex()
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        if file is not None:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
                f'filename="{file.name}"\r\nContent-Type: application/xml\r\n\r\n'.encode()
                + file.read_bytes()
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": self.base + path,
        }
        return self._open(path, body, headers)

    def _status(self, job: str) -> str:
        _url, html = self._open(job)
        found = re.search(r'id="job-status" data-status="([a-z]+)"', html)
        return found.group(1) if found else "?"

    def _wait_while(self, job: str, *statuses: str) -> str:
        while (status := self._status(job)) in statuses:
            time.sleep(1)
        return status

    def run(self) -> None:
        try:
            _url, page = self._open("/admin/login/")
            self._post(
                "/admin/login/?next=/admin/",
                {
                    "csrfmiddlewaretoken": self._token(page),
                    "username": self.user,
                    "password": self.password,
                },
            )
            _url, page = self._open("/admin/workflow/uploadjob/upload/")
            job_url, page = self._post(
                "/admin/workflow/uploadjob/upload/",
                {"csrfmiddlewaretoken": self._token(page), "note": "web_load.py"},
                self.path,
            )
            job = job_url.removeprefix(self.base)
            status = self._wait_while(job, "checking")
            if status != "checked":
                self.result = (1, f"the check ended {status}")
                return
            _url, page = self._open(job)
            self._post(job.replace("/job/", "/load/"), {"csrfmiddlewaretoken": self._token(page)})
            status = self._wait_while(job, "queued", "running")
            self.result = (0 if status == "done" else 1, f"the upload ended {status}")
        except Exception as error:
            self.result = (1, f"{error.__class__.__name__}: {error}")

    def wait(self) -> tuple[int, str]:
        self.join()
        return self.result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of the load (120)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--size-mb", type=float, default=30, help="synthetic finding aid (30)")
    parser.add_argument(
        "--baseline-seconds",
        type=int,
        default=30,
        help="first drive the portal this long with nothing loading, for comparison (30; 0: none)",
    )
    parser.add_argument("--workers", type=int, default=None, help="fonds serve --workers")
    parser.add_argument(
        "--through-admin",
        action="store_true",
        help="load through the admin's upload (in the server) instead of fonds load",
    )
    parser.add_argument(
        "--load-nice", type=int, default=0, help="run fonds load at this nice increment (0)"
    )
    parser.add_argument("--server-threads", type=int, default=None, help="fonds serve --threads")
    parser.add_argument("--home", type=Path, help="FONDS_HOME to use (default: a temporary one)")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: apt-get install wrk")

    home = args.home or Path(tempfile.mkdtemp(prefix="fonds-load-"))
    env = dict(os.environ, FONDS_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("FONDS_DATABASE_URL", None)
    env.pop("FONDS_SEARCH_BACKEND", None)
    started = time.perf_counter()
    demo = fonds("demo", "--quiet", env=env)
    if demo.returncode != 0:
        sys.exit(f"fonds demo failed:\n{demo.stdout}\n{demo.stderr}")
    print(f"FONDS_HOME {home}: demo loaded in {time.perf_counter() - started:.0f} s")
    password = os.urandom(12).hex()
    if args.through_admin:
        made = fonds(
            *("manage", "createsuperuser", "--noinput", "--username", "bench"),
            *("--email", "bench@example.org"),
            env=dict(env, DJANGO_SUPERUSER_PASSWORD=password),
        )
        if made.returncode != 0:
            sys.exit(f"createsuperuser failed:\n{made.stdout}\n{made.stderr}")

    big = home / "synthetic.xml"
    with big.open("w", encoding="utf-8") as out:
        components = write_finding_aid(out, int(args.size_mb * 1_000_000), identifier="LOAD-001")
    size_mb = big.stat().st_size / 1e6
    print(f"synthetic finding aid: {size_mb:.1f} MB, {components:,} components")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = home / "serve.log"
    serve_command = [sys.executable, "-m", "fonds", "serve", "--port", str(port)]
    if args.workers is not None:
        serve_command += ["--workers", str(args.workers)]
    if args.server_threads is not None:
        serve_command += ["--threads", str(args.server_threads)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            serve_command,
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    baseline: Run | None = None
    try:
        wait_for(base + "/", server)
        paths = url_mix()
        check_urls(base, paths)
        script = home / "mix.lua"
        script.write_text(
            LUA
            % {
                "paths": "{" + ", ".join(json.dumps(p) for p in paths) + "}",
                "groups": "{" + ", ".join(json.dumps(group_of(p)) for p in paths) + "}",
                "group_names": "{" + ", ".join(json.dumps(g) for g in GROUPS) + "}",
                "tables": "\n".join(f"samples_{g} = {{}}" for g in GROUPS),
            }
        )
        print(
            f"server: {' '.join(serve_command[3:])}\n"
            f"wrk: {args.clients} clients, {len(paths)} URLs "
            f"({len(SEARCHES) * len(FILTERS)} searches, {len(PAGES)} pages)"
        )
        if args.baseline_seconds > 0:
            cpu = server_cpu(server.pid)
            out, _ = drive(wrk, base, script, args.clients, args.baseline_seconds).communicate()
            baseline = Run(out, server_cpu(server.pid) - cpu)
        cpu = server_cpu(server.pid)
        load_run = drive(wrk, base, script, args.clients, args.seconds)
        time.sleep(min(5, args.seconds / 10))
        load_started = time.perf_counter()
        loading = (
            AdminLoad(base, big, "bench", password)
            if args.through_admin
            else CommandLoad(big, env, args.load_nice)
        )
        wrk_out, _ = load_run.communicate()
        wrk_ended = time.perf_counter()
        cpu = server_cpu(server.pid) - cpu
        load_status, load_out = loading.wait()
        load_seconds = time.perf_counter() - load_started
        during = min(load_seconds, wrk_ended - load_started)
        # the running server's search sees what was loaded (the index reader reloads)
        with urllib.request.urlopen(base + "/api/v1/search?q=LOAD-001", timeout=60) as found:
            searchable = "LOAD-001" in found.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)

    under_load = Run(wrk_out, cpu)
    how = "admin upload" if args.through_admin else "fonds load"
    if args.load_nice and not args.through_admin:
        how = f"nice +{args.load_nice}"
    log_text = log_path.read_text(errors="replace")
    locked = log_text.count("database is locked")
    tracebacks = log_text.count("Traceback")
    if baseline is not None:
        print(baseline.report(f"nothing loading ({args.baseline_seconds} s)"))
    print(under_load.report(f"while the finding aid loads ({args.seconds} s)"))
    print(
        f"{how:<13} {size_mb:.1f} MB, {components:,} components: exit "
        f"{load_status} in {load_seconds:.0f} s ({during:.0f} s of it under load)\n"
        f"server log    {locked} 'database is locked', {tracebacks} tracebacks\n"
        f"after load    the running server finds LOAD-001: {searchable}"
    )
    if load_status != 0:
        print(load_out)
    errors = under_load.errors + (baseline.errors if baseline else 0)
    return 1 if errors or locked or tracebacks or load_status or not searchable else 0


if __name__ == "__main__":
    sys.exit(main())

"""``fonds serve``: the portal over HTTP with waitress, in one process or several.

One process (``--workers 1``) runs waitress with ``--threads`` threads: Python runs
one thread at a time (the GIL), so one process uses about one core however many
threads it has. With ``--workers N`` the command forks N processes that each run
waitress with their threads; on Linux each listens on a socket of its own bound to
the same address with SO_REUSEPORT, and the kernel spreads new connections evenly
over them (one shared listening socket let the busiest process take most of them:
29 of 32 connections in a test). Elsewhere they share one listening socket. The first
process only holds the address, watches the workers, starts again one that dies, and
stops them all on SIGTERM or Ctrl-C. Each worker opens its own database connections
and search index after the fork.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

RESTART_PAUSE = 1.0  # s between restarts of a worker that keeps dying


MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """One process for each CPU core this process may use, at most MAX_DEFAULT_WORKERS:
    requests mostly use the CPU, and more processes than cores only add memory and
    switching (web_load.py on 2 cores: 2 processes served the most requests, 3 and 4
    fewer)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cores))


def waitress_options(threads: int) -> dict[str, Any]:
    from django.conf import settings

    # Behind FONDS_PROXY_COUNT proxies their X-Forwarded-For and X-Forwarded-Proto must
    # reach fonds (the rate limit, https): waitress would drop them otherwise.
    return {
        "threads": threads,
        "ident": "fonds",
        "clear_untrusted_proxy_headers": not settings.FONDS_PROXY_COUNT,
    }


def warm() -> None:
    """Do once, before serving (and before the fork, for every worker), what the
    first requests would otherwise wait for: the URL patterns and their views
    imported, the bibliography's citations rendered."""
    import logging

    from django.db import connections
    from django.urls import get_resolver

    from fonds.bibliography.views import warm_citations

    get_resolver().url_patterns  # noqa: B018 - imports every view
    try:
        warm_citations()
    except Exception:  # the page renders them on demand instead
        logging.getLogger(__name__).exception("rendering the citations ahead failed")
    finally:
        connections.close_all()  # this thread serves no request


def serve(host: str, port: int, threads: int, workers: int) -> int:
    from waitress import serve as waitress_serve

    from fonds.wsgi import application

    warm()
    if workers <= 1:
        print(f"fonds: serving on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        waitress_serve(application, host=host, port=port, **waitress_options(threads))
        return 0
    if REUSE_PORT:  # the address is free: no other server, not even another fonds, has it
        _bind(host, port, listen=False, reuse_port=False).close()
    listening = _bind(host, port, listen=not REUSE_PORT)
    print(
        f"fonds: serving on http://{host}:{port}/ with {workers} processes of {threads} "
        "threads (Ctrl-C stops)",
        flush=True,
    )
    return Supervisor(listening, workers, threads).run()


REUSE_PORT = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def _bind(
    host: str, port: int, listen: bool = True, reuse_port: bool = REUSE_PORT
) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        sys.exit(f"fonds serve: cannot listen on {host}:{port}: {error.strerror}")
    if listen:
        sock.listen(1024)
        sock.setblocking(False)
    return sock


class Supervisor:
    """Forks the workers, starts again those that die, stops them all at the end."""

    def __init__(self, listening: socket.socket, workers: int, threads: int) -> None:
        self.listening = listening
        self.workers = workers
        self.threads = threads
        self.children: set[int] = set()
        self.stopping = False

    def run(self) -> int:
        _forget_before_fork()
        previous = {
            number: signal.signal(number, self._stop) for number in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not self.stopping:
                while len(self.children) < self.workers and not self.stopping:
                    self.children.add(self._fork())
                self._reap()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            self._stop_children()
            self.listening.close()
        return 0

    def _stop(self, number: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _fork(self) -> int:
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 0
            try:
                for number in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(number, signal.SIG_DFL)
                _worker(self.listening, self.threads)
            except KeyboardInterrupt:
                pass
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return pid

    def _reap(self) -> None:
        """Wait a little for a worker to end (a signal only ends a short wait)."""
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            self.children.clear()
            return
        if pid == 0:
            time.sleep(0.2)
        elif pid in self.children:
            self.children.discard(pid)
            if not self.stopping:
                print(
                    f"fonds: worker {pid} ended ({_describe(status)}); starting another",
                    file=sys.stderr,
                    flush=True,
                )
                time.sleep(RESTART_PAUSE)

    def _stop_children(self) -> None:
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while self.children and time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.05)
            self.children.discard(pid)
        for pid in self.children:  # still there after 10 s
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.children.clear()


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _forget_before_fork() -> None:
    """Nothing opened by the first process is shared with the workers: each opens its
    own database connections and search index."""
    from django.db import connections

    from fonds.search.backends import get_backend

    connections.close_all()
    get_backend.cache_clear()


def _worker(held: socket.socket, threads: int) -> None:
    from waitress import serve as waitress_serve

    from fonds.wsgi import application

    if REUSE_PORT:  # a listening socket of its own, the kernel balancing between them
        host, port = held.getsockname()[:2]
        listening = _bind(host, port)
        held.close()
    else:
        listening = held
    waitress_serve(application, sockets=[listening], **waitress_options(threads))

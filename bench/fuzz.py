"""Fuzz the readers and the query parser; print what was tried and what went wrong.

    python bench/fuzz.py --seconds 30              # each target for 30 s
    python bench/fuzz.py --seconds 60 --only bibtex ris
    python bench/fuzz.py --atheris ead2002 --seconds 120   # coverage-guided (libFuzzer)

The default engine mutates valid seed files (tests/hostile/corpus.py) with byte and
token edits, cuts and repeats, and mixes in pure noise, deterministically for a
``--seed``. ``--atheris TARGET`` runs one target under atheris when it is installed
(``pip install atheris``). A reader may raise FormatError, the project's one error
type; any other exception is a bug: the first few are printed with their input.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fonds.formats.bibtex import read_bibtex  # noqa: E402
from fonds.formats.csl import read_csl_json  # noqa: E402
from fonds.formats.detect import decode_text  # noqa: E402
from fonds.formats.eaccpf import read_eac  # noqa: E402
from fonds.formats.ead import EADReader  # noqa: E402
from fonds.formats.errors import FormatError  # noqa: E402
from fonds.formats.ris import read_ris  # noqa: E402
from fonds.formats.timelinejs import read_timelinejs  # noqa: E402
from fonds.search.query import parse  # noqa: E402
from tests.hostile import corpus  # noqa: E402

TOKENS = [
    *(t.encode() for t in "< > </ /> & &amp; &#0; \" ' { } [ ] : , @ # % \\ - * ~ ^ ( )".split()),
    b"\n",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"<c>",
    b"</c>",
    b"<![CDATA[",
    b"<!--",
    b'<!DOCTYPE ead SYSTEM "http://127.0.0.1:9/x.dtd">',
    b'<!ENTITY e "x">',
    b"TY  - ",
    b"ER  - ",
    b"@string{a = b}",
    b"9" * 40,
    b"1e999",
    b"null",
    b'"date-parts": [[',
    b'"year": ',
    b"AND",
    b"OR",
    b'"',
    "Щаранский".encode(),
    "שרנסקי".encode(),
    "\u202e".encode(),
    "e\u0301".encode(),
]


def _ead(version: str) -> Callable[[bytes], object]:
    return lambda data: sum(1 for _ in EADReader(io.BytesIO(data), "fuzz.xml", version))


def _text(reader: Callable[[str, str], object]) -> Callable[[bytes], object]:
    return lambda data: reader(decode_text(data, "fuzz.txt"), "fuzz.txt")


def _query(data: bytes) -> object:
    return parse(data.decode("utf-8", "replace"))


@dataclass
class Target:
    name: str
    run: Callable[[bytes], object]
    seed: bytes
    tried: int = 0
    documented: int = 0
    unexpected: int = 0
    seconds: float = 0.0
    examples: list[tuple[bytes, str]] = field(default_factory=list)


def targets() -> list[Target]:
    return [
        Target("ead2002", _ead("2002"), corpus.ead(abstract="An <emph>abstract</emph>").encode()),
        Target("ead3", _ead("3"), corpus.ead(abstract="Abstract", v3=True).encode()),
        Target("eac-cpf", lambda data: read_eac(data, "fuzz.xml"), corpus.eac().encode()),
        Target("bibtex", _text(read_bibtex), corpus.BIBTEX.encode()),
        Target("ris", _text(read_ris), corpus.RIS.encode()),
        Target("timelinejs", _text(read_timelinejs), corpus.TIMELINEJS.encode()),
        Target("csl-json", _text(read_csl_json), corpus.CSL.encode()),
        Target("query", _query, b'Shcharansky "Soviet Jewry" -Moscow 1970'),
    ]


def mutate(rng: random.Random, seed: bytes) -> bytes:
    if rng.random() < 0.1:
        return rng.randbytes(rng.randrange(0, 400))
    data = bytearray(seed)
    for _ in range(rng.randrange(1, 8)):
        at = rng.randrange(0, len(data) + 1)
        action = rng.randrange(5)
        if action == 0:
            data[at:at] = rng.choice(TOKENS)
        elif action == 1:
            data[at:at] = bytes([rng.randrange(256)])
        elif action == 2:
            del data[at : at + rng.randrange(1, 20)]
        elif action == 3 and rng.random() < 0.3:
            del data[at:]
        else:
            end = min(len(data), at + rng.randrange(1, 40))
            data[at:at] = data[at:end] * rng.randrange(2, 40)
    return bytes(data)


def attempt(target: Target, data: bytes) -> None:
    target.tried += 1
    try:
        target.run(data)
    except FormatError as error:
        target.documented += 1
        if "\n" in error.line_report():
            target.unexpected += 1
            target.examples.append((data, f"multi-line error: {error.line_report()!r}"))
    except Exception:
        target.unexpected += 1
        if len(target.examples) < 3:
            target.examples.append((data, traceback.format_exc(limit=3)))


def fuzz(target: Target, seconds: float, iterations: int, rng: random.Random) -> None:
    started = time.perf_counter()
    deadline = started + seconds
    pool = [target.seed]
    while time.perf_counter() < deadline and target.tried < iterations:
        data = mutate(rng, rng.choice(pool))
        attempt(target, data)
        if len(pool) < 200 and rng.random() < 0.05:
            pool.append(data)  # mutants of mutants go deeper
    target.seconds = time.perf_counter() - started


def run_atheris(target: Target, seconds: float) -> int:
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed (pip install atheris)", file=sys.stderr)
        return 2

    def one(data: bytes) -> None:
        try:
            target.run(data)
        except FormatError:
            pass

    seeds = Path(f"/tmp/fonds-fuzz-{target.name}")
    seeds.mkdir(exist_ok=True)
    (seeds / "seed").write_bytes(target.seed)
    atheris.instrument_all()  # coverage of every loaded module guides the mutations
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=2048", str(seeds)], one
    )
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="time budget per target")
    parser.add_argument("--iterations", type=int, default=10**9, help="inputs per target, at most")
    parser.add_argument("--seed", type=int, default=1, help="random seed (repeatable runs)")
    parser.add_argument("--only", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--atheris", metavar="TARGET", help="one target under atheris")
    args = parser.parse_args(argv)
    chosen = [t for t in targets() if not args.only or t.name in args.only]
    if args.atheris:
        [target] = [t for t in targets() if t.name == args.atheris]
        return run_atheris(target, args.seconds)
    rng = random.Random(args.seed)
    print(f"{'target':<12}{'tried':>10}{'documented errors':>20}{'unexpected':>12}{'seconds':>9}")
    for target in chosen:
        fuzz(target, args.seconds, args.iterations, rng)
        print(
            f"{target.name:<12}{target.tried:>10,}{target.documented:>20,}"
            f"{target.unexpected:>12,}{target.seconds:>9.1f}",
            flush=True,
        )
    for target in chosen:
        for data, problem in target.examples:
            print(f"\n--- {target.name}: {data[:300]!r}\n{problem}", file=sys.stderr)
    return 1 if any(t.unexpected for t in chosen) else 0


if __name__ == "__main__":
    sys.exit(main())

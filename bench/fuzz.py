"""Fuzz the readers and the query parser; print what was tried and what went wrong.

    python bench/fuzz.py --seconds 30              # each target for 30 s, byte mutations
    python bench/fuzz.py --mode structure --seconds 20     # well-formed mutants
    python bench/fuzz.py --mode both --seconds 20 --only ead2002 bibtex
    python bench/fuzz.py --atheris ead2002 --seconds 120   # coverage-guided (libFuzzer)

Two engines, deterministic for a ``--seed``. ``bytes`` mutates valid seed files
(tests/hostile/corpus.py) with byte and token edits, cuts and repeats, and mixes in
pure noise: it tries the parsers, and nearly every XML mutant stops there.
``structure`` (bench/fuzz_structure.py) parses the seeds (those of tests/hostile, the
demo archive's and, when ../shared/corpus is there, real files), changes their trees
or entries and writes them out again, so the mutants stay well-formed and reach the
readers' logic. For each target the table gives the inputs tried, the share that was
well-formed (parsed by lxml, json, bibtexparser or rispy), the documented errors
(FormatError, the project's one error type) and the unexpected exceptions, which are
bugs: the first few are printed with their input. ``--atheris TARGET`` runs one
target under atheris when it is installed (``pip install atheris``).
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

import fuzz_structure as structure  # noqa: E402  (bench/, beside this file)

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

DEMO = ROOT / "fonds" / "demo"
SHARED = ROOT.parent / "shared" / "corpus"
# Real files the structure engine starts from as well, when ../shared/corpus is there
SHARED_SEEDS = {
    "ead2002": [
        "ehri-yv-m19-eng.xml",
        "ehri-zbirka-jews-croatia.xml",
        "aspace-ead-dao-test.xml",
        "cul-open-ended-9999.xml",
        "cul-too-large-date-range.xml",
        "pulfa-c0033-badcharacters.xml",
        "pulfa-c1491-relativedao.xml",
        "saa-kitchen-sink-at-enumerated.xml",
    ],
    "ead3": [
        "saa-c1571-ead3.xml",
        "saa-c1571-ead3-undeprecated.xml",
        "ehri-comprehensive-ead3.xml",
        "saa-umn-yusa0008-ead3.xml",
    ],
    "eac-cpf": [
        "saa-eac-einstein.xml",
        "aspace-eac-sia-nmah.xml",
        "aspace-eac-boswell-family.xml",
        "aspace-eac-feynman.xml",
    ],
    "bibtex": ["citationjs-biblatex-input.bib"],
    "timelinejs": ["timelinejs-eras.json"],
    "csl-json": ["citationjs-biblatex-csl.json"],
}
DEMO_SEEDS = {
    "ead2002": [DEMO / "findingaids" / "DEMO-001.xml", DEMO / "findingaids" / "DEMO-002.xml"],
    "ead3": [DEMO / "findingaids" / "DEMO-003.xml"],
    "eac-cpf": [ROOT / "tests" / "formats" / "fixtures_eac" / "eac2-sharansky.xml"],
    "ris": [ROOT / "tests" / "formats" / "fixtures_bib" / "soviet-jewry.ris"],
    "csl-json": [DEMO / "bibliography.json"],
}

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
    wellformed: Callable[[bytes], bool] = lambda data: True
    structured: structure.Mutator | None = None
    tried: int = 0
    parsed: int = 0
    documented: int = 0
    unexpected: int = 0
    seconds: float = 0.0
    examples: list[tuple[bytes, str]] = field(default_factory=list)

    def seeds(self) -> list[bytes]:
        """The seeds the structure engine can parse: this target's own, the demo's,
        and the real files of ../shared/corpus when it is there."""
        paths = DEMO_SEEDS.get(self.name, []) + [
            SHARED / name for name in SHARED_SEEDS.get(self.name, [])
        ]
        found = [self.seed] + [p.read_bytes() for p in paths if p.exists()]
        return [seed for seed in found if self.wellformed(seed)]


def _is_query(data: bytes) -> bool:
    return True


def targets() -> list[Target]:
    xml, text = structure.xml_wellformed, structure.json_wellformed
    return [
        Target(
            "ead2002",
            _ead("2002"),
            corpus.ead(abstract="An <emph>abstract</emph>").encode(),
            xml,
            structure.mutate_xml,
        ),
        Target(
            "ead3",
            _ead("3"),
            corpus.ead(abstract="Abstract", v3=True).encode(),
            xml,
            structure.mutate_xml,
        ),
        Target(
            "eac-cpf",
            lambda data: read_eac(data, "fuzz.xml"),
            corpus.eac().encode(),
            xml,
            structure.mutate_xml,
        ),
        Target(
            "bibtex",
            _text(read_bibtex),
            corpus.BIBTEX.encode(),
            structure.bibtex_wellformed,
            structure.mutate_bibtex,
        ),
        Target(
            "ris",
            _text(read_ris),
            corpus.RIS.encode(),
            structure.ris_wellformed,
            structure.mutate_ris,
        ),
        Target(
            "timelinejs",
            _text(read_timelinejs),
            corpus.TIMELINEJS.encode(),
            text,
            structure.mutate_json,
        ),
        Target("csl-json", _text(read_csl_json), corpus.CSL.encode(), text, structure.mutate_json),
        Target("query", _query, b'Shcharansky "Soviet Jewry" -Moscow 1970', _is_query),
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
    if target.wellformed(data):
        target.parsed += 1
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
    """Byte mutations of the seed, and of earlier mutants."""
    started = time.perf_counter()
    deadline = started + seconds
    pool = [target.seed]
    while time.perf_counter() < deadline and target.tried < iterations:
        data = mutate(rng, rng.choice(pool))
        attempt(target, data)
        if len(pool) < 200 and rng.random() < 0.05:
            pool.append(data)  # mutants of mutants go deeper
    target.seconds = time.perf_counter() - started


def fuzz_structure(target: Target, seconds: float, iterations: int, rng: random.Random) -> None:
    """Well-formed mutants: trees and entries changed, written out again."""
    assert target.structured is not None
    started = time.perf_counter()
    deadline = started + seconds
    pool = target.seeds()
    while time.perf_counter() < deadline and target.tried < iterations:
        parent = rng.choice(pool)
        try:
            data = target.structured(rng, parent)
        except Exception:  # the library refused to write what the mutations made
            continue
        attempt(target, data)
        deeper = len(pool) < 100 and rng.random() < 0.05 and len(data) < 500_000
        if deeper and target.wellformed(data):
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
    parser.add_argument(
        "--mode",
        choices=("bytes", "structure", "both"),
        default="bytes",
        help="byte mutations, well-formed structure mutations, or both (default: bytes)",
    )
    args = parser.parse_args(argv)
    if args.atheris:
        [target] = [t for t in targets() if t.name == args.atheris]
        return run_atheris(target, args.seconds)
    modes = ("bytes", "structure") if args.mode == "both" else (args.mode,)
    rng = random.Random(args.seed)
    print(
        f"{'target':<12}{'mode':<11}{'tried':>9}{'well-formed':>13}"
        f"{'documented errors':>19}{'unexpected':>12}{'seconds':>9}"
    )
    done: list[Target] = []
    for mode in modes:
        for target in targets():
            if args.only and target.name not in args.only:
                continue
            if mode == "structure":
                if target.structured is None:
                    continue
                fuzz_structure(target, args.seconds, args.iterations, rng)
            else:
                fuzz(target, args.seconds, args.iterations, rng)
            done.append(target)
            share = 100 * target.parsed / target.tried if target.tried else 0
            print(
                f"{target.name:<12}{mode:<11}{target.tried:>9,}{share:>12.2f}%"
                f"{target.documented:>19,}{target.unexpected:>12,}{target.seconds:>9.1f}",
                flush=True,
            )
    for target in done:
        for data, problem in target.examples:
            print(f"\n--- {target.name}: {data[:300]!r}\n{problem}", file=sys.stderr)
    return 1 if any(t.unexpected for t in done) else 0


if __name__ == "__main__":
    sys.exit(main())

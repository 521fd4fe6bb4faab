"""bench/fuzz.py's structure engine, briefly: its mutants stay well-formed and the
readers answer each with records or a FormatError. (The numbers come from running
the bench itself: docs/robustness.md.)"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def fuzz():
    sys.path.insert(0, str(BENCH))
    try:
        import fuzz as module  # bench/fuzz.py
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.mark.parametrize(
    "name", ["ead2002", "ead3", "eac-cpf", "bibtex", "ris", "timelinejs", "csl-json"]
)
def test_structure_mutants_are_well_formed_and_read_or_refused(fuzz, name):
    [target] = [t for t in fuzz.targets() if t.name == name]
    fuzz.fuzz_structure(target, seconds=30, iterations=25, rng=random.Random(7))
    assert target.tried == 25
    assert target.unexpected == 0, target.examples
    assert target.parsed / target.tried > 0.6  # bytes: under 1% for XML and JSON

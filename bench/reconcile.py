"""How well names in finding aids are matched to the roster, on a labelled list.

    python bench/reconcile.py [--labels tests/data/reconciliation-labels.yaml]

Loads the demo roster and the bench's own roster records (tests/data/
reconciliation-roster.yaml: bodies and people the corpus names that the demo does not
have) into a fresh data folder, then asks the reconciliation of
fonds.authorities.reconciliation about every labelled name, exactly as ``reconcile()``
does: the candidates scoring at least KEEP, each accepted (AUTO) or left for an
archivist (UNCERTAIN) by ``status_for``. Prints the precision and recall of the accepted
matches, how many names go to review and whether the right record is among their
candidates, per source group; then every false match and every miss. Exits 0: it
prints numbers, it does not judge them (tests/authorities/test_reconciliation_bench.py
does).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "reconciliation-labels.yaml"
ROSTERS = [
    ROOT / "fonds" / "demo" / "roster.yaml",
    ROOT / "tests" / "data" / "reconciliation-roster.yaml",
]
KINDS = ("persname", "corpname", "famname", "name")


@dataclass(frozen=True)
class Label:
    text: str
    kind: str
    expected: str | None  # roster id, or None: no roster record is this name
    source: str


@dataclass
class Outcome:
    label: Label
    accepted: str | None  # the roster id accepted automatically, if any
    uncertain: list[tuple[str, float, str]]  # (roster id, score, method) for review

    @property
    def correct(self) -> bool:
        return self.accepted is not None and self.accepted == self.label.expected

    @property
    def false_match(self) -> bool:
        return self.accepted is not None and self.accepted != self.label.expected

    @property
    def review(self) -> bool:
        return self.accepted is None and bool(self.uncertain)

    @property
    def right_in_review(self) -> bool:
        return self.review and self.label.expected in {i for i, _, _ in self.uncertain}

    @property
    def found(self) -> bool:
        """Accepted rightly, or waiting for review with the right record offered."""
        return self.correct or self.right_in_review


@dataclass
class Tally:
    entries: int = 0
    positives: int = 0  # labelled with a roster record
    accepted: int = 0
    correct: int = 0
    false_matches: int = 0
    review: int = 0
    right_in_review: int = 0
    negatives_in_review: int = 0

    def add(self, outcome: Outcome) -> None:
        self.entries += 1
        self.positives += outcome.label.expected is not None
        self.accepted += outcome.accepted is not None
        self.correct += outcome.correct
        self.false_matches += outcome.false_match
        self.review += outcome.review
        self.right_in_review += outcome.right_in_review
        self.negatives_in_review += outcome.review and outcome.label.expected is None

    @property
    def precision(self) -> float:
        """Of the accepted matches, the right ones (1.0 when none was accepted)."""
        return self.correct / self.accepted if self.accepted else 1.0

    @property
    def recall(self) -> float:
        """Of the names that have a roster record, those accepted rightly."""
        return self.correct / self.positives if self.positives else 1.0

    @property
    def recall_with_review(self) -> float:
        """Of the names that have a roster record, those accepted rightly or waiting for
        review with the right record among the candidates."""
        return (self.correct + self.right_in_review) / self.positives if self.positives else 1.0


@dataclass
class Measurement:
    outcomes: list[Outcome] = field(default_factory=list)

    def tally(self, outcomes: Iterable[Outcome] | None = None) -> Tally:
        tally = Tally()
        for outcome in self.outcomes if outcomes is None else outcomes:
            tally.add(outcome)
        return tally

    @property
    def total(self) -> Tally:
        return self.tally()

    def by_source(self) -> dict[str, Tally]:
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            groups.setdefault(outcome.label.source, []).append(outcome)
        return {source: self.tally(items) for source, items in groups.items()}

    @property
    def false_matches(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.false_match]

    @property
    def misses(self) -> list[Outcome]:
        """Names with a roster record that were not accepted rightly."""
        return [o for o in self.outcomes if o.label.expected is not None and not o.correct]


def read_labels(path: Path = LABELS) -> list[Label]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
    labels = [
        Label(str(e["text"]), str(e["kind"]), e["expected"] or None, str(e["source"]))
        for e in entries
    ]
    for label in labels:
        if label.kind not in KINDS:
            raise ValueError(f"{path}: {label.text!r}: unknown kind {label.kind!r}")
    keys = [(label.text, label.kind) for label in labels]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"{path}: names listed twice: {twice}")
    return labels


def measure(labels: Iterable[Label]) -> Measurement:
    """Ask the reconciliation about each name, with the roster in the database."""
    from fonds.authorities.models import Agent, NameMatch
    from fonds.authorities.reconciliation import KEEP, Roster, status_for

    roster = Roster()
    identifiers = dict(Agent.objects.values_list("id", "identifier"))
    measurement = Measurement()
    for label in labels:
        if label.expected is not None and label.expected not in identifiers.values():
            raise ValueError(f"{label.text!r}: {label.expected!r} is not in the roster")
        candidates = [c for c in roster.candidates(label.text, label.kind) if c.score >= KEEP]
        accepted = [c for c in candidates if status_for(candidates, c) == NameMatch.AUTO]
        measurement.outcomes.append(
            Outcome(
                label,
                identifiers[accepted[0].agent_id] if accepted else None,
                [
                    (identifiers[c.agent_id], c.score, c.method)
                    for c in candidates
                    if status_for(candidates, c) == NameMatch.UNCERTAIN
                ],
            )
        )
    return measurement


def describe(outcome: Outcome) -> str:
    label = outcome.label
    if outcome.accepted:
        what = f"accepted {outcome.accepted}"
    elif outcome.uncertain:
        offered = ", ".join(f"{i} {s:.2f} {m}" for i, s, m in outcome.uncertain)
        what = f"review: {offered}"
    else:
        what = "no candidate"
    return f"  [{label.source}] {label.text!r} ({label.kind}): expected {label.expected}; {what}"


def report(measurement: Measurement) -> str:
    lines = [
        f"{'source':16} {'names':>5} {'with':>5} {'acc':>4} {'right':>5} {'wrong':>5} "
        f"{'prec':>6} {'recall':>6} {'review':>6} {'right':>5} {'recall+':>7} {'neg rv':>6}",
    ]

    def row(name: str, t: Tally) -> str:
        return (
            f"{name:16} {t.entries:5d} {t.positives:5d} {t.accepted:4d} {t.correct:5d} "
            f"{t.false_matches:5d} {t.precision:6.3f} {t.recall:6.3f} {t.review:6d} "
            f"{t.right_in_review:5d} {t.recall_with_review:7.3f} {t.negatives_in_review:6d}"
        )

    for source, tally in measurement.by_source().items():
        lines.append(row(source, tally))
    lines.append(row("all", measurement.total))
    lines += [
        "",
        "names: labelled names; with: those that have a roster record; acc: accepted "
        "automatically; right/wrong: of those accepted; prec, recall: of accepted matches; "
        "review: left for an archivist, right: with the right record among the "
        "candidates; recall+: accepted rightly or in review with the right record; "
        "neg rv: names without a roster record sent to review",
        "",
        f"false matches ({len(measurement.false_matches)}):",
        *(describe(o) for o in measurement.false_matches),
        "",
        f"misses, not accepted rightly ({len(measurement.misses)}):",
        *(describe(o) for o in measurement.misses),
        "",
        "names without a roster record sent to review "
        f"({sum(1 for o in measurement.outcomes if o.review and o.label.expected is None)}):",
        *(describe(o) for o in measurement.outcomes if o.review and o.label.expected is None),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fonds-reconcile-") as home:
        os.environ["FONDS_HOME"] = home
        os.environ.pop("FONDS_DATABASE_URL", None)
        os.environ.pop("FONDS_INDEX_DIR", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from fonds.cli import ensure_database
        from fonds.loader import load_file

        ensure_database()
        records = 0
        for roster in ROSTERS:
            result = load_file(roster)
            if result.error:
                print(result.error)
                return 0
            records += result.records
        labels = read_labels(args.labels)
        print(f"{len(labels)} labelled names from {args.labels}; roster: {records} records")
        print()
        print(report(measure(labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

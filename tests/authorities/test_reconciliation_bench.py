"""Reconciliation measured on a labelled list (tests/data/reconciliation-labels.yaml):
no wrong match may be accepted, and nine names in ten that have a roster record must
be accepted rightly or offered to an archivist with the right record. The measurement
is bench/reconcile.py's, run here in-process."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.reconcile import Measurement, describe, measure, read_labels
from fonds.authorities.models import Agent, NameMatch
from fonds.authorities.reconciliation import reconcile
from fonds.findingaids.models import AccessTerm
from fonds.loader import load_file
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
FINDING_AIDS = {
    "nyu-tam183": "nyu-tam183-new-jewish-agenda.xml",
    "nyu-wag025-002": "nyu-wag025-002-jewish-labor-committee.xml",
    "nyu-wag232": "nyu-wag232-goldstein-jlc-files.xml",
}
COLLECTIONS = {
    "nyu-tam183": "tam_183",
    "nyu-wag025-002": "wag_025_002",
    "nyu-wag232": "wag_232",
    **{f"DEMO-00{n}": f"DEMO-00{n}" for n in range(1, 5)},
}
NAME_KINDS = ("persname", "corpname", "famname", "name")


def load_roster() -> None:
    result = load_file(DEMO / "roster.yaml")
    assert not result.error, result.error


def load_finding_aids() -> None:
    paths = [corpus_file(name) for name in FINDING_AIDS.values()]
    paths += sorted((DEMO / "findingaids").glob("*.xml"))
    for path in paths:
        result = load_file(path)
        assert not result.error, result.error


def measured() -> Measurement:
    load_roster()
    return measure(read_labels())


def listing(outcomes) -> str:
    return "\n" + "\n".join(describe(o) for o in outcomes)


def test_the_labels_cover_every_name_of_the_finding_aids():
    load_roster()
    load_finding_aids()
    labels = read_labels()
    from_records = {
        (label.text, label.kind): label for label in labels if label.source in COLLECTIONS
    }
    written = set(
        AccessTerm.objects.filter(kind__in=NAME_KINDS).values_list("text", "kind").distinct()
    )
    assert set(from_records) == written
    nyu = [label for label in from_records.values() if label.source.startswith("nyu-")]
    assert 20 <= len(nyu) <= 30
    for label in from_records.values():  # each under a collection that has it
        assert AccessTerm.objects.filter(
            text=label.text, kind=label.kind, collection__identifier=COLLECTIONS[label.source]
        ).exists(), label
    sources = Counter(label.source for label in labels)
    assert sources["variant"] >= 40
    assert sources["negative"] >= 20
    roster = set(Agent.objects.values_list("identifier", flat=True))
    assert {label.expected for label in labels} - {None} <= roster


def test_the_bench_asks_what_reconcile_decides():
    load_roster()
    load_finding_aids()
    reconcile()
    labels = [label for label in read_labels() if label.source in COLLECTIONS]
    outcomes = {(o.label.text, o.label.kind): o for o in measure(labels).outcomes}
    decided: dict[tuple[str, str], dict[str, set[str]]] = {}
    for text, kind, agent, status in NameMatch.objects.exclude(kind="text").values_list(
        "text", "kind", "agent__identifier", "status"
    ):
        decided.setdefault((text, kind), {}).setdefault(status, set()).add(agent)
    for key, outcome in outcomes.items():
        statuses = decided.get(key, {})
        accepted = statuses.get(NameMatch.AUTO, set())
        assert accepted == ({outcome.accepted} if outcome.accepted else set()), key
        assert statuses.get(NameMatch.UNCERTAIN, set()) == {i for i, _, _ in outcome.uncertain}


def test_a_wife_is_not_her_husband():
    load_roster()
    labels = [label for label in read_labels() if "Avital" in label.text or "Авиталь" in label.text]
    assert len(labels) >= 4
    for outcome in measure(labels).outcomes:
        assert outcome.accepted == "avital-sharansky", describe(outcome)


def test_no_accepted_match_is_wrong():
    measurement = measured()
    assert measurement.false_matches == [], listing(measurement.false_matches)
    assert measurement.total.precision == 1.0


def test_nine_names_in_ten_are_accepted_or_offered_with_the_right_record():
    measurement = measured()
    total = measurement.total
    assert total.positives >= 90
    assert total.recall_with_review >= 0.9, listing(measurement.misses)
    for source, tally in measurement.by_source().items():
        if source.startswith("DEMO-"):  # the demo's own names are all found
            assert tally.recall_with_review == 1.0, source

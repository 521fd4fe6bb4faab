"""Reconciliation measured on a labelled list (tests/data/reconciliation-labels.yaml),
built from the names of the corpus's finding aids and EAC-CPF records, the demo's,
and variants and look-alikes written for it, against the demo roster and the bench's
own roster records (tests/data/reconciliation-roster.yaml): no wrong match may be
accepted, and nine names in ten that have a roster record must be accepted rightly or
offered to an archivist with the right record. The measurement is
bench/reconcile.py's, run here in-process."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.reconcile import ROSTERS, Measurement, describe, measure, read_labels
from fonds.authorities.models import Agent, NameMatch
from fonds.authorities.reconciliation import reconcile
from fonds.findingaids.models import AccessTerm
from fonds.formats.eaccpf import read_eac
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
EAC_RECORDS = {
    "eac-feynman": "aspace-eac-feynman.xml",
    "eac-nmah": "aspace-eac-sia-nmah.xml",
    "eac-boswell": "aspace-eac-boswell-family.xml",
    "eac-einstein": "saa-eac-einstein.xml",
}


def load_roster() -> None:
    for roster in ROSTERS:
        result = load_file(roster)
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


def test_the_labels_cover_every_name_of_the_eac_cpf_records():
    labels = read_labels()
    for source, name in EAC_RECORDS.items():
        record = read_eac(corpus_file(name))
        written = {n.text for n in record.names}
        written |= {r.target_name for r in record.relations if r.kind == "cpf"}
        labelled = {label.text for label in labels if label.source == source}
        assert labelled == written, source
        # the record's own names are labelled with the roster record for it
        own = {label.expected for label in labels if label.text in {n.text for n in record.names}}
        assert len(own) == 1 and None not in own, source
    sources = Counter(label.source for label in labels if label.expected is not None)
    assert sum(sources[s] for s in [*EAC_RECORDS, *FINDING_AIDS]) >= 60  # from the corpus


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

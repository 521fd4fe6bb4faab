"""The roster: loading YAML, CSV and EAC-CPF; exports valid and lossless; pages that
show relations both ways and everything a record is linked to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from fonds.authorities.eac import export_eac
from fonds.authorities.models import Agent, AgentRelation, Appearance, NameMatch
from fonds.authorities.reconciliation import reconcile
from fonds.authorities.records import agent_record
from fonds.formats.eaccpf import read_eac
from fonds.loader import load_file, load_paths
from fonds.search.service import sync
from tests.conftest import corpus_file
from tests.schemas import assert_valid

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"


def load(*paths: Path) -> None:
    for result in load_paths(paths).results:
        assert not result.error, result.error


def snapshot() -> list[object]:
    return [agent_record(a) for a in Agent.objects.order_by("identifier")]


def test_the_demo_roster_loads_with_names_in_three_scripts():
    load(DEMO / "roster.yaml")
    source = yaml.safe_load((DEMO / "roster.yaml").read_text())["agents"]
    assert Agent.objects.count() == len(source)
    assert Agent.objects.filter(kind="organization").count() >= 32
    sharansky = Agent.objects.get(identifier="natan-sharansky")
    scripts = set(sharansky.names.values_list("script", flat=True))
    assert {"Latn", "Cyrl", "Hebr"} <= scripts
    assert sharansky.begin_year == 1948 and sharansky.end_year is None
    # every relation of the file found its target
    assert not AgentRelation.objects.filter(target__isnull=True).exists()
    # loading again changes nothing
    before = snapshot()
    load(DEMO / "roster.yaml")
    assert snapshot() == before


def test_relations_show_from_both_ends(client):
    load(DEMO / "roster.yaml")
    ncsj = client.get("/roster/ncsj/").content.decode()
    ajcsj = client.get("/roster/ajcsj/").content.decode()
    assert re.search(r"Successor of\s*<a href=\"/roster/ajcsj/\"", ncsj)
    assert re.search(r"Predecessor of\s*<a href=\"/roster/ncsj/\"", ajcsj)
    assert "<svg" in ncsj and 'href="/roster/ajcsj/"' in ncsj.split("<svg", 1)[1]


def test_an_organization_page_lists_its_collections_events_and_works(client):
    load(
        DEMO / "findingaids",
        DEMO / "roster.yaml",
        DEMO / "timeline.yaml",
        DEMO / "bibliography.json",
    )
    reconcile()
    sync()
    page = client.get("/roster/cleveland-council/").content.decode()
    created = page.split("<h3>Created</h3>", 1)[1].split("</ul>", 1)[0]
    assert 'href="/collections/DEMO-001/"' in created
    assert "On the timeline" in page
    sharansky = client.get("/roster/natan-sharansky/").content.decode()
    assert "Named in" in sharansky and "Fear No Evil" in sharansky
    assert Appearance.objects.filter(agent__identifier="natan-sharansky").count() > 1


def test_names_in_the_finding_aids_meet_the_roster_in_any_script():
    load(DEMO / "findingaids", DEMO / "roster.yaml")
    reconcile()
    matched = dict(
        NameMatch.objects.filter(status=NameMatch.AUTO).values_list("text", "agent__identifier")
    )
    cyrillic = [t for t in matched if "Щаранский" in t]
    hebrew = [t for t in matched if "שרנסקי" in t]
    assert cyrillic and all(matched[t] == "natan-sharansky" for t in cyrillic)
    assert hebrew and all(matched[t] == "natan-sharansky" for t in hebrew)


def test_an_archivists_decision_survives_a_reload():
    load(DEMO / "findingaids" / "DEMO-001.xml", DEMO / "roster.yaml")
    reconcile()
    match = NameMatch.objects.filter(status=NameMatch.AUTO).first()
    match.status = NameMatch.REJECTED
    match.save()
    assert load_file(DEMO / "findingaids" / "DEMO-001.xml", force=True).status == "replaced"
    reconcile()
    match.refresh_from_db()
    assert match.status == NameMatch.REJECTED
    assert not Appearance.objects.filter(match=match).exists()


@pytest.mark.parametrize(
    "name",
    [
        "aspace-eac-feynman.xml",
        "aspace-eac-sia-nmah.xml",
        "aspace-eac-boswell-family.xml",
        "saa-eac-einstein.xml",
    ],
)
def test_real_eac_cpf_loads_and_round_trips_through_the_roster(name, tmp_path):
    path = corpus_file(name)
    result = load_file(path)
    assert result.status == "loaded", result.error
    record = read_eac(path.read_bytes(), str(path))
    agent = Agent.objects.get(identifier=result.identifier)
    assert agent.kind == record.entity_type
    assert agent.names.count() == len(record.names) - 1  # the authorized one is the name
    first = agent_record(agent)
    for version in ("2010", "2.0"):
        data = export_eac(agent, version)
        assert_valid(data, version)
        again = tmp_path / f"again-{version}.xml"
        again.write_bytes(data)
        assert load_file(again).status == "replaced"
        assert agent_record(Agent.objects.get(identifier=result.identifier)) == first


def test_a_broken_eac_file_is_refused_and_changes_nothing():
    load(DEMO / "roster.yaml")
    before = snapshot()
    result = load_file(corpus_file("aspace-eac-duplicate-attr.xml"))
    assert result.status == "skipped"
    assert re.search(r"aspace-eac-duplicate-attr\.xml:26:211: error:", result.error)
    assert snapshot() == before


def test_every_demo_record_exports_valid_eac_cpf():
    load(DEMO / "roster.yaml")
    for agent in Agent.objects.all():
        for version in ("2010", "2.0"):
            assert_valid(export_eac(agent, version), version)


def test_the_roster_csv_round_trips(client, tmp_path):
    load(DEMO / "roster.yaml")
    before = snapshot()
    data = client.get("/roster/roster.csv").content
    Agent.objects.all().delete()
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    assert load_file(path).status == "loaded"
    assert snapshot() == before


def test_roster_pages(client):
    load(DEMO / "roster.yaml")
    listing = client.get(
        "/roster/", {"kind": "organization", "type": "grassroots"}
    ).content.decode()
    assert "Union of Councils for Soviet Jews" in listing and "Natan Sharansky" not in listing
    found = client.get("/roster/", {"q": "Щаранский"}).content.decode()
    assert "Natan Sharansky" in found
    printable = client.get("/roster/print/").content.decode()
    assert printable.count('class="agent-entry"') == Agent.objects.count()
    assert client.get("/roster/graph/").status_code == 200


def test_an_archivist_confirms_and_rejects_matches_in_the_admin(
    client, django_user_model, tmp_path
):
    from tests.factories import ead2002, write

    folder = (
        '<c level="file" id="f1"><did><unittitle>Letters</unittitle></did>'
        "<controlaccess><persname>Rosenbloom, Louis</persname></controlaccess></c>"
    )
    load(write(tmp_path / "x.xml", ead2002("REV-1", folder)), DEMO / "roster.yaml")
    reconcile()
    uncertain = NameMatch.objects.get(text="Rosenbloom, Louis")  # a near spelling
    assert uncertain.status == NameMatch.UNCERTAIN
    assert uncertain.agent.identifier == "louis-rosenblum"
    admin = django_user_model.objects.create_superuser("archivist", "a@example.org", "pw-123456")
    client.force_login(admin)
    listing = client.get("/admin/authorities/namematch/", {"status__exact": "uncertain"})
    assert uncertain.text in listing.content.decode()
    response = client.post(
        "/admin/authorities/namematch/",
        {"action": "confirm", "_selected_action": [uncertain.pk]},
    )
    assert response.status_code == 302
    uncertain.refresh_from_db()
    assert uncertain.status == NameMatch.CONFIRMED and uncertain.decided_by == "archivist"
    assert Appearance.objects.filter(match=uncertain).exists()


def test_exports_never_name_an_unpublished_record(client):
    load(DEMO / "roster.yaml")
    hidden = Agent.objects.get(identifier="ajcsj")
    hidden.published = False
    hidden.save()
    ncsj = Agent.objects.get(identifier="ncsj")
    for version in ("2010", "2.0"):
        related = [r.target_name for r in read_eac(export_eac(ncsj, version)).relations]
        assert related and hidden.authorized_name not in related
        assert b"/roster/ajcsj/" not in export_eac(ncsj, version)
    csv_text = client.get("/roster/roster.csv").content.decode()
    assert "ajcsj" not in csv_text
    assert client.get("/roster/ajcsj/").status_code == 404

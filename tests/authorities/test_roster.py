"""The roster: loading YAML, CSV and EAC-CPF; exports valid and lossless; pages that
show relations both ways and everything a record is linked to."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from fonds.authorities.eac import export_eac
from fonds.authorities.models import Agent, AgentRelation, Appearance, NameMatch
from fonds.authorities.reconciliation import reconcile
from fonds.authorities.records import agent_record
from fonds.formats.eaccpf import read_eac
from fonds.formats.eaccpf_write import as_written
from fonds.formats.roster import AgentRecord
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
    types = set(Agent.objects.values_list("organization_type", flat=True))
    assert {"national", "grassroots", "student", "religious", "interfaith", "israeli"} <= types
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


EAC_FILES = [
    "aspace-eac-feynman.xml",
    "aspace-eac-sia-nmah.xml",
    "aspace-eac-boswell-family.xml",
    "saa-eac-einstein.xml",
]
VERSIONS = ("2010", "2.0")


def without(record: AgentRecord, *names: str) -> AgentRecord:
    return replace(record, **{name: type(getattr(record, name))() for name in names})


def unwrapped(record: AgentRecord) -> AgentRecord:
    """The record with its history's paragraphs each on one line (as EAC-CPF has them)."""
    paragraphs = record.history.split("\n\n")
    return replace(record, history="\n\n".join(" ".join(p.split()) for p in paragraphs))


@pytest.mark.parametrize("version", VERSIONS)
def test_every_demo_record_is_the_same_eac_cpf_out_in_and_out_again(version, tmp_path):
    load(DEMO / "roster.yaml")
    before = snapshot()
    first = {a.identifier: export_eac(a, version) for a in Agent.objects.all()}
    for identifier, data in first.items():
        assert_valid(data, version)
        (tmp_path / f"{identifier}.xml").write_bytes(data)
    Agent.objects.all().delete()
    load(*sorted(tmp_path.glob("*.xml")))
    again = {a.identifier: export_eac(a, version) for a in Agent.objects.all()}
    assert sorted(again) == sorted(first)
    changed = [identifier for identifier in first if again[identifier] != first[identifier]]
    assert changed == []
    # the roster holds what it held, and now the record ids and control data it read
    after = [without(r, "record_id", "maintenance") for r in snapshot()]
    assert after == [unwrapped(r) for r in before]
    assert not AgentRelation.objects.filter(target__isnull=True).exists()
    organizations = Agent.objects.filter(kind="organization")
    assert not organizations.filter(organization_type="").exists()
    written = {
        a["id"]: a.get("type") for a in yaml.safe_load((DEMO / "roster.yaml").read_text())["agents"]
    }
    assert dict(organizations.values_list("identifier", "organization_type")) == {
        identifier: kind for identifier, kind in written.items() if kind
    }
    types = set(AgentRelation.objects.values_list("relation_type", flat=True))
    assert {"member_of", "led_by", "founded_by", "successor_of"} <= types
    assert Agent.objects.get(identifier="ann-gillen").sort_name == "Gillen, Ann, Sister"
    ncsj = Agent.objects.get(identifier="ncsj")
    assert ncsj.record_id == "ncsj" and ncsj.maintenance["agency"] == settings.ARCHIVE_NAME


def test_fonds_relation_types_are_written_precisely_and_nearly():
    load(DEMO / "roster.yaml")
    cleveland = Agent.objects.get(identifier="cleveland-council")
    for version in VERSIONS:
        record = read_eac(export_eac(cleveland, version))
        member = next(r for r in record.relations if r.target_name.startswith("Union of"))
        assert member.arcrole == "urn:x-fonds:relation:member_of"
        assert member.relation_type == "hierarchical-parent"
        assert member.href == "/roster/ucsj/"
        assert ("urn:x-fonds:organization-type", "grassroots") in [
            (t.local_type, t.term) for t in record.local_descriptions
        ]


@pytest.mark.parametrize("name", EAC_FILES)
def test_real_eac_cpf_loads_exports_and_loads_again_keeping_everything(name, tmp_path):
    path = corpus_file(name)
    result = load_file(path)
    assert result.status == "loaded", result.error
    record = read_eac(path.read_bytes(), str(path))
    agent = Agent.objects.get(identifier=result.identifier)
    loaded = agent_record(agent)
    assert agent.kind == record.entity_type and agent.record_id == record.record_id
    assert agent.existence == (record.existence or "")
    # every name, relation and id of the file is in the roster
    authorized = record.authorized_name
    assert [n.name for n in loaded.names if n.name != authorized] == [
        n.text for n in record.names if n.text != authorized
    ]
    cpf = [r for r in record.relations if r.kind == "cpf"]
    assert [r.target for r in loaded.relations] == [r.target_name for r in cpf]
    assert [r.dates for r in loaded.relations] == [r.dates or "" for r in cpf]
    others = [r for r in record.relations if r.kind != "cpf"]
    assert [(r.get("title"), r.get("href"), r.get("role")) for r in loaded.resources] == [
        (r.target_name, r.href, r.role) for r in others
    ]
    assert [o["id"] for o in loaded.other_record_ids] == record.other_record_ids
    assert loaded.languages_used == record.languages_used
    assert loaded.maintenance["agency"] == record.maintenance_agency
    for version in VERSIONS:
        data = export_eac(agent, version)
        assert_valid(data, version)
        again = tmp_path / f"again-{version}.xml"
        again.write_bytes(data)
        assert load_file(again).status == "replaced"
        reloaded = agent_record(Agent.objects.get(identifier=result.identifier))
        # all but what the version cannot say of the control data (as_written says what)
        assert without(reloaded, "maintenance") == without(loaded, "maintenance")
        control = as_written(record, version)
        assert reloaded.maintenance["status"] == control.maintenance_status
        assert reloaded.maintenance["events"] == control.maintenance_events
        assert reloaded.maintenance.get("agency_code") == control.agency_code
        if version == "2.0":
            assert reloaded == loaded
        assert load_file(path, force=True).status == "replaced"  # the file's own, again


def test_feynman_keeps_his_resources_ids_and_languages():
    result = load_file(corpus_file("aspace-eac-feynman.xml"))
    agent = Agent.objects.get(identifier=result.identifier)
    assert agent.record_id == "OAC.caltech_feynmanr.c"
    assert len(agent.resources) == 108
    assert agent.resources[0]["arcrole"] == "creatorOf" and agent.resources[0]["title"]
    assert {"id": "VIAFId:44298691", "type": "VIAFId"} in agent.other_record_ids
    assert len(agent.other_record_ids) == 6
    assert agent.languages_used == ["eng"]
    assert agent.maintenance["agency"] == "SNAC"
    assert agent.sources == read_eac(corpus_file("aspace-eac-feynman.xml")).sources
    bethe = agent.relations_out.get(target_name__startswith="Bethe")
    assert bethe.relation_type == "associated_with" and bethe.eac["arcrole"] == "associatedWith"
    loaded = load_file(corpus_file("aspace-eac-sia-nmah.xml"))
    nmah = Agent.objects.get(identifier=loaded.identifier)
    kinds = Counter(nmah.relations_out.values_list("relation_type", flat=True))
    assert kinds == {"parent_of": 51, "associated_with": 11, "successor_of": 1}


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


def test_a_loaded_record_shows_its_related_resources_and_no_name_twice(client):
    boswell = Agent.objects.get(
        identifier=load_file(corpus_file("aspace-eac-boswell-family.xml")).identifier
    )
    page = client.get(boswell.get_absolute_url()).content.decode()
    resources = page.split('id="resources-heading"', 1)[1].split("</section>", 1)[0]
    assert '<a href="http://hdl.handle.net/10079/fa/beinecke.boswell">Boswell Collection</a>' in (
        resources
    )
    assert "(its creator)" in resources
    names = page.split('id="names-heading"', 1)[1].split("</table>", 1)[0]
    assert "Bosswell family" in names and ">Boswell family<" not in names


def test_names_in_the_text_are_matches_an_archivist_reviews(client, django_user_model, tmp_path):
    from fonds.authorities.reconciliation import text_appearances
    from tests.factories import ead2002, folders, write

    # 130 folders name Ida Nudel in their titles: more than one page of search hits
    many = folders(130, prefix="Letters to Ida Nudel, part")
    once = (
        '<c level="file" id="g1"><did><unittitle>Notes on Ида Нудель and on '
        "Morris B. Abram</unittitle></did></c>"
        '<c level="file" id="g2"><did><unittitle>Cables from the Joint</unittitle></did></c>'
    )
    load(write(tmp_path / "t.xml", ead2002("TXT-1", many + once)), DEMO / "roster.yaml")
    reconcile()
    sync()
    assert text_appearances() >= 131  # Ida Nudel's 130 folders, Morris B. Abram's one
    nudel = NameMatch.objects.get(kind="text", text="Ida Nudel")
    assert (nudel.method, nudel.score, nudel.status) == ("text", 0.9, NameMatch.AUTO)
    assert nudel.agent.identifier == "ida-nudel" and nudel.matched_name == "Ida Nudel"
    named = Appearance.objects.filter(match=nudel, role=Appearance.TEXT)
    assert named.count() == 130  # every folder, past the 100 hits of one search page
    abram = NameMatch.objects.get(kind="text", text="Morris B. Abram")
    assert abram.status == NameMatch.AUTO
    assert Appearance.objects.filter(match=abram, component_ref="g1").exists()
    # a name that is a common phrase as well waits for an archivist
    joint = NameMatch.objects.get(kind="text", text="the Joint")
    assert (joint.agent.identifier, joint.score, joint.status) == ("jdc", 0.8, "uncertain")
    assert not Appearance.objects.filter(match=joint).exists()
    # found by another of its names, in Cyrillic
    variant = NameMatch.objects.get(kind="text", text="Ида Нудель")
    assert (variant.score, variant.status) == (0.9, NameMatch.AUTO)
    assert Appearance.objects.filter(match=variant, component_ref="g1").exists()
    admin = django_user_model.objects.create_superuser("archivist", "a@example.org", "pw-123456")
    client.force_login(admin)
    listing = client.get("/admin/authorities/namematch/", {"kind": "text"}).content.decode()
    assert "Ида Нудель" in listing and "Ida Nudel" in listing
    for action, match in (("reject", variant), ("reject", nudel)):
        response = client.post(
            "/admin/authorities/namematch/", {"action": action, "_selected_action": [match.pk]}
        )
        assert response.status_code == 302
    assert not Appearance.objects.filter(agent__identifier="ida-nudel").exists()
    variant.refresh_from_db()
    assert variant.status == NameMatch.REJECTED and variant.decided_by == "archivist"
    client.post(
        "/admin/authorities/namematch/", {"action": "confirm", "_selected_action": [variant.pk]}
    )
    assert Appearance.objects.filter(match=variant, component_ref="g1").exists()
    # decisions survive the next run
    text_appearances()
    nudel.refresh_from_db()
    variant.refresh_from_db()
    assert (nudel.status, variant.status) == (NameMatch.REJECTED, NameMatch.CONFIRMED)
    assert not Appearance.objects.filter(match=nudel).exists()
    named = Appearance.objects.filter(agent__identifier="ida-nudel", role=Appearance.TEXT)
    assert list(named.values_list("component_ref", flat=True)) == ["g1"]

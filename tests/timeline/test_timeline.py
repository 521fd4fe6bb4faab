"""The timeline: the demo files loaded as `fonds load` loads them, then the pages and
the TimelineJS export read back; the real TimelineJS template; broken and repeated files."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
import yaml

from fonds.authorities.models import Agent
from fonds.findingaids.models import Component
from fonds.formats.edtf_dates import parse
from fonds.formats.timelinejs import read_timelinejs
from fonds.loader import FileResult, in_load_order, load_file
from fonds.search.service import sync
from fonds.timeline.models import Event, EventComponent
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
ROSTER = DEMO / "roster.yaml"
TIMELINE = DEMO / "timeline.yaml"
FINDING_AIDS = sorted((DEMO / "findingaids").glob("*.xml"))


def demo_events() -> list[dict]:
    return yaml.safe_load(TIMELINE.read_text(encoding="utf-8"))["events"]


def load(*paths: Path) -> list[FileResult]:
    """Load in the order `fonds load` uses; every file must load."""
    results = [load_file(path, detected=found) for path, found in in_load_order(paths)]
    for result in results:
        assert not result.error, result.error
    sync()
    return results


def load_demo(*extra: Path) -> list[FileResult]:
    return load(ROSTER, *FINDING_AIDS, TIMELINE, *extra)


def snapshot() -> dict[str, object]:
    """Every row the timeline owns, in a comparable form."""
    return {
        "events": sorted(
            Event.objects.values_list(
                "identifier", "title", "date", "sort_date", "end_date", "place", "language"
            )
        ),
        "agents": sorted(
            Event.agents.through.objects.values_list("event__identifier", "agent__identifier")
        ),
        "collections": sorted(
            Event.collections.through.objects.values_list(
                "event__identifier", "collection__identifier"
            )
        ),
        "components": sorted(
            EventComponent.objects.values_list(
                "event__identifier", "collection__identifier", "component_ref"
            )
        ),
    }


def decade_counts(html: str) -> dict[int, int]:
    pairs = re.findall(r'href="\?decade=(\d+)"[^>]*>\d+s <span class="count">(\d+)</span>', html)
    return {int(decade): int(count) for decade, count in pairs}


def listed_events(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/timeline/([a-z0-9-]+)/">', html)


def test_demo_timeline_loads_every_event_with_its_dates():
    results = load_demo()
    timeline = next(r for r in results if r.path == TIMELINE)
    events = demo_events()
    assert timeline.status == "loaded"
    assert timeline.records == len(events)
    assert timeline.warnings == []  # every agent, collection and component is there
    assert Event.objects.count() == len(events)
    for written in events:
        event = Event.objects.get(identifier=written["id"])
        expected = parse(written["date"])
        assert (event.date, event.sort_date, event.end_date) == (
            expected.edtf,
            expected.lower,
            expected.upper,
        ), written["id"]
        assert event.title == written["title"]
        assert event.language == written["language"]


def test_qualified_and_decade_dates_keep_their_edtf():
    load_demo()
    approximate = Event.objects.get(identifier="1980-emigration-falls")
    assert approximate.date == "1980~"
    assert (approximate.sort_date.isoformat(), approximate.end_date.isoformat()) == (
        "1980-01-01",
        "1980-12-31",
    )
    assert approximate.date_label == "about 1980"
    uncertain = Event.objects.get(identifier="1971-emigration-rises")
    assert uncertain.date == "1971?"
    assert uncertain.date_label == "1971 (uncertain)"
    month = Event.objects.get(identifier="1965-10-wiesel-simchat-torah")
    assert month.date == "1965-10?"
    assert (month.sort_date.isoformat(), month.end_date.isoformat()) == (
        "1965-10-01",
        "1965-10-31",
    )
    interval = Event.objects.get(identifier="1972-solidarity-rallies")
    assert interval.date == "1972?/1990?"
    assert (interval.sort_date.isoformat(), interval.end_date.isoformat()) == (
        "1972-01-01",
        "1990-12-31",
    )
    twenties = Event.objects.get(identifier="1920s-magen")
    assert twenties.date == "192X"
    assert (twenties.sort_date.isoformat(), twenties.end_date.isoformat()) == (
        "1920-01-01",
        "1929-12-31",
    )


def test_a_decade_spans_ten_years_however_it_is_written(tmp_path, client):
    load(ROSTER)
    path = tmp_path / "decades.yaml"
    path.write_text(
        "events:\n"
        "  - id: seventies-edtf\n"
        '    date: "197X"\n'
        "    title: Written as EDTF\n"
        "  - id: seventies-word\n"
        '    date: "1970s"\n'
        "    title: Written in words\n",
        encoding="utf-8",
    )
    result = load_file(path)
    assert result.status == "loaded", result.error
    for identifier in ("seventies-edtf", "seventies-word"):
        event = Event.objects.get(identifier=identifier)
        assert event.date == "197X"
        assert (event.sort_date.isoformat(), event.end_date.isoformat()) == (
            "1970-01-01",
            "1979-12-31",
        )
        assert event.date_label == "the 1970s"
    html = client.get("/timeline/?decade=1970").content.decode()
    assert sorted(listed_events(html)) == ["seventies-edtf", "seventies-word"]
    assert "the 1970s" in html


def test_agents_collections_and_components_are_linked_as_written():
    load_demo()
    for written in demo_events():
        event = Event.objects.get(identifier=written["id"])
        assert set(event.agents.values_list("identifier", flat=True)) == set(
            written.get("agents") or []
        ), written["id"]
        assert set(event.collections.values_list("identifier", flat=True)) == set(
            written.get("collections") or []
        ), written["id"]
        links = {
            f"{link.collection.identifier}/{link.component_ref}"
            for link in event.component_links.select_related("collection")
        }
        assert links == set(written.get("components") or []), written["id"]
    # every link points at a real, public component of that collection
    stored = EventComponent.objects.select_related("collection")
    assert stored.count() == sum(len(e.get("components") or []) for e in demo_events())
    for link in stored:
        assert Component.objects.filter(
            collection=link.collection, ref=link.component_ref
        ).exists(), f"{link.collection.identifier}/{link.component_ref}"


def test_timeline_page_lists_decades_with_their_counts(client):
    load_demo()
    expected = Counter(parse(e["date"]).lower.year // 10 * 10 for e in demo_events())
    response = client.get("/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert decade_counts(html) == dict(expected)
    assert f"{len(demo_events())} events" in html
    assert sorted(listed_events(html)) == sorted(e["id"] for e in demo_events())

    seventies = client.get("/timeline/?decade=1970").content.decode()
    wanted = [
        e["id"]
        for e in sorted(demo_events(), key=lambda e: (parse(e["date"]).lower, e["title"]))
        if 1970 <= parse(e["date"]).lower.year <= 1979
    ]
    assert len(wanted) == expected[1970]
    assert listed_events(seventies) == wanted  # only the 1970s, in date order
    assert 'aria-current="page">1970s' in seventies
    # the decade list still offers every decade
    assert decade_counts(seventies) == dict(expected)


def test_event_page_shows_its_agents_collections_and_components(client):
    load_demo()
    event = Event.objects.get(identifier="1970-12-24-leningrad-verdicts")
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Leningrad trial ends in death sentences" in html
    assert "24 December 1970" in html
    for identifier in ("mark-dymshits", "eduard-kuznetsov"):
        agent = Agent.objects.get(identifier=identifier)
        assert f'href="{agent.get_absolute_url()}"' in html
        assert agent.authorized_name in unescape(html)
    for collection in event.collections.all():
        assert f'href="{collection.get_absolute_url()}"' in html
    refs = ["demo001-s3-ss1-f6", "demo002-s3-f6", "demo004-s2-y1970-f88"]
    for ref in refs:
        component = Component.objects.get(ref=ref)
        assert f'href="{component.get_absolute_url()}"' in html
        assert component.display_title in unescape(html)
    assert "/bibliography/" in html  # works on the event: Beckerman, Altshuler...
    assert client.get("/timeline/no-such-event/").status_code == 404


def test_hebrew_event_reads_right_to_left(client):
    load_demo()
    html = client.get("/timeline/1920s-magen/").content.decode()
    assert '<article class="event-page" lang="he" dir="rtl">' in html
    assert "האגודה מגן מתחילה לפעול בארץ ישראל" in html
    english = client.get("/timeline/1970-12-24-leningrad-verdicts/").content.decode()
    assert '<article class="event-page" lang="en" dir="ltr">' in english
    listing = client.get("/timeline/?decade=1920").content.decode()
    assert '<li class="event" lang="he" dir="rtl">' in listing


def test_timelinejs_export_reads_back_as_the_database(client):
    load_demo()
    response = client.get("/timeline/timeline.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert len(document["events"]) == Event.objects.count()
    _meta, records = read_timelinejs(response.content, "timeline.json")
    exported = {r.identifier: (r.title, r.date) for r in records}
    stored = {e.identifier: (e.title, e.date) for e in Event.objects.all()}
    assert exported == stored
    # a decade goes out as its first and last year, qualified dates keep their label
    slides = {s["unique_id"]: s for s in document["events"]}
    assert slides["1920s-magen"]["start_date"] == {"year": 1920}
    assert slides["1920s-magen"]["end_date"] == {"year": 1929}
    assert slides["1980-emigration-falls"]["display_date"] == "about 1980"


def test_real_timelinejs_template_loads_and_shows_seventh_century_dates(client):
    path = corpus_file("timelinejs-eras.json")
    load_demo()
    before = Event.objects.count()
    result = load_file(path)
    assert (result.status, result.records, result.error) == ("loaded", 20, "")
    assert Event.objects.count() == before + 20
    slides = json.loads(path.read_text(encoding="utf-8"))["events"]
    for slide in slides:
        event = Event.objects.get(title=slide["text"]["headline"].strip())
        assert event.sort_date.year == int(slide["start_date"]["year"])
        end = slide.get("end_date") or slide["start_date"]
        assert event.end_date.year == int(end["year"])
    html = unescape(client.get("/timeline/").content.decode())
    assert "BCE" not in html
    counts = decade_counts(html)
    assert sum(v for d, v in counts.items() if 600 <= d < 700) == 20
    for label in ("602–629", "12 December 627", "9–23 August 622", "698"):
        assert f">{label}</time>" in html, label
    assert '<time datetime="0602-01-01">' in html
    seventh = client.get("/timeline/?decade=620").content.decode()
    assert {
        Event.objects.get(identifier=i).sort_date.year // 10 for i in listed_events(seventh)
    } == {62}
    # and out again: the export keeps the years, without BCE
    _meta, records = read_timelinejs(client.get("/timeline/timeline.json").content, "x.json")
    assert {r.identifier: r.date for r in records} == dict(
        Event.objects.values_list("identifier", "date")
    )


def test_broken_yaml_is_skipped_with_its_line_and_changes_nothing(tmp_path):
    load_demo()
    before = snapshot()
    text = TIMELINE.read_text(encoding="utf-8")
    # the same file, with a changed title (which must not land) and one impossible date
    text = text.replace(
        "title: Leningrad trial ends in death sentences", "title: CHANGED BY A BROKEN FILE"
    )
    lines = text.splitlines(keepends=True)
    line = next(i for i, t in enumerate(lines, 1) if t.strip() == 'date: "1980~"')
    lines[line - 1] = lines[line - 1].replace('"1980~"', '"1980-13-45"')
    broken = tmp_path / "timeline.yaml"
    broken.write_text("".join(lines), encoding="utf-8")
    result = load_file(broken)
    assert result.status == "skipped"
    assert result.error.startswith(f"{broken}:{line}:"), result.error
    assert "error" in result.error and "1980-13-45" in result.error
    assert snapshot() == before


def test_loading_the_same_timeline_again_changes_no_rows():
    load_demo()
    first = snapshot()
    again = load_file(TIMELINE)
    assert (again.status, again.records, again.error) == ("replaced", len(demo_events()), "")
    assert snapshot() == first
    template = corpus_file("timelinejs-eras.json")
    assert load_file(template).status == "loaded"
    with_template = snapshot()
    assert load_file(template).status == "replaced"  # made ids are stable
    assert snapshot() == with_template


def test_unknown_agent_loads_with_a_warning_naming_event_and_id(tmp_path):
    load(ROSTER)
    path = tmp_path / "unknown.yaml"
    path.write_text(
        "events:\n"
        "  - id: 1964-04-27-founding\n"
        '    date: "1964-04-27"\n'
        "    title: A founding\n"
        "    agents: [sssj, no-such-person]\n",
        encoding="utf-8",
    )
    result = load_file(path)
    assert result.status == "loaded", result.error
    assert len(result.warnings) == 1
    (warning,) = result.warnings
    assert warning.startswith(f"{path}:2: warning:")
    assert "1964-04-27-founding" in warning and "'no-such-person'" in warning
    event = Event.objects.get(identifier="1964-04-27-founding")
    assert list(event.agents.values_list("identifier", flat=True)) == ["sssj"]


def test_next_links_walk_every_event_in_timeline_order(client):
    load_demo()
    order = [e.get_absolute_url() for e in Event.objects.order_by("sort_date", "title")]
    walked: list[str] = []
    url: str | None = order[0]
    while url and len(walked) <= len(order):
        walked.append(url)
        found = re.search(r'<a rel="next" href="([^"]+)"', client.get(url).content.decode())
        url = found.group(1) if found else None
    assert walked == order

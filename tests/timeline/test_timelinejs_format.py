"""The TimelineJS export held to TimelineJS3's JSON format, as its documentation
describes it, independently of fonds' own reader.

The format (TimelineJS3, "JSON format"): an object with an ``events`` array of
slides, an optional ``title`` slide, optional ``eras`` and ``scale`` (human or
cosmological). A slide's ``start_date`` (required, except on the title slide) and
``end_date`` are date objects whose ``year`` is required and whose month, day, hour,
minute, second and millisecond are numbers in their ranges, with an optional
``display_date``; ``text`` holds ``headline`` and ``text``; ``media`` needs a
``url``; ``background`` has ``url`` or ``color``; ``unique_id`` must be unique (the
library renames duplicates); an era needs both dates. Numbers may be written as
strings of digits, as the library reads them with parseInt.

The library itself (npm @knight-lab/timelinejs) builds its configuration in the
browser, with the page's DOM: not run here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fonds.timeline.models import Event
from tests.conftest import corpus_file
from tests.timeline.test_timeline import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

SLIDE_KEYS = frozenset(
    "start_date end_date text media group display_date background autolink unique_id".split()
)
DATE_RANGES = {
    "month": (1, 12),
    "day": (1, 31),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
    "millisecond": (0, 999),
}
DATE_KEYS = frozenset({"year", "display_date", "format", *DATE_RANGES})
MEDIA_KEYS = frozenset("url caption credit thumbnail alt title link link_target".split())


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def date_problems(date: Any, where: str) -> list[str]:
    if not isinstance(date, dict):
        return [f"{where}: not a date object"]
    problems = [f"{where}: unknown key {k!r}" for k in date if k not in DATE_KEYS]
    if _number(date.get("year")) is None:
        problems.append(f"{where}: year {date.get('year')!r} is no whole number")
    for key, (low, high) in DATE_RANGES.items():
        if key in date and date[key] not in ("", None):
            value = _number(date[key])
            if value is None or not low <= value <= high:
                problems.append(f"{where}: {key} {date[key]!r} is out of {low}-{high}")
    if "display_date" in date and not isinstance(date["display_date"], str):
        problems.append(f"{where}: display_date is no string")
    return problems


def slide_problems(slide: Any, where: str, title: bool = False) -> list[str]:
    if not isinstance(slide, dict):
        return [f"{where}: not an object"]
    problems = [f"{where}: unknown key {k!r}" for k in slide if k not in SLIDE_KEYS]
    if "start_date" in slide or not title:
        problems += date_problems(slide.get("start_date"), f"{where}.start_date")
    if "end_date" in slide:
        problems += date_problems(slide["end_date"], f"{where}.end_date")
    text = slide.get("text", {})
    if not isinstance(text, dict) or not set(text) <= {"headline", "text"}:
        problems.append(f"{where}.text: not headline and text")
    elif not all(isinstance(v, str) for v in text.values()):
        problems.append(f"{where}.text: not strings")
    if "media" in slide:
        media = slide["media"]
        if not isinstance(media, dict) or not isinstance(media.get("url"), str):
            problems.append(f"{where}.media: no url")
        elif not set(media) <= MEDIA_KEYS:
            problems.append(f"{where}.media: unknown keys {sorted(set(media) - MEDIA_KEYS)}")
    if "background" in slide:
        background = slide["background"]
        if not isinstance(background, dict) or not {"url", "color"} & set(background):
            problems.append(f"{where}.background: neither url nor color")
    for key in ("group", "display_date", "unique_id"):
        if key in slide and not isinstance(slide[key], str):
            problems.append(f"{where}.{key}: no string")
    return problems


def timeline_problems(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return ["not an object"]
    problems = [
        f"unknown key {k!r}" for k in document if k not in {"events", "title", "eras", "scale"}
    ]
    events = document.get("events")
    if not isinstance(events, list):
        return [*problems, "events: no array"]
    for index, slide in enumerate(events):
        problems += slide_problems(slide, f"events[{index}]")
    if "title" in document:
        problems += slide_problems(document["title"], "title", title=True)
    for index, era in enumerate(document.get("eras", [])):
        where = f"eras[{index}]"
        problems += date_problems(era.get("start_date"), f"{where}.start_date")
        problems += date_problems(era.get("end_date"), f"{where}.end_date")
    if document.get("scale", "human") not in ("human", "cosmological"):
        problems.append("scale: neither human nor cosmological")
    ids = [s.get("unique_id") for s in events if isinstance(s, dict) and s.get("unique_id")]
    if len(ids) != len(set(ids)):
        problems.append("unique_id: not unique")
    return problems


def test_the_timelinejs_export_is_in_timelinejs3_format(client):
    load_demo(corpus_file("timelinejs-eras.json"))
    response = client.get("/timeline/timeline.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert timeline_problems(document) == []
    assert len(document["events"]) == Event.objects.count()
    # each slide says its event's years as the database has them
    slides = {s["unique_id"]: s for s in document["events"]}
    for event in Event.objects.all():
        slide = slides[event.identifier]
        assert int(slide["start_date"]["year"]) == event.sort_date.year, event.identifier
        end = slide.get("end_date", slide["start_date"])
        assert int(end["year"]) == event.end_date.year, event.identifier


def test_the_format_checks_catch_what_timelinejs_would_not_read():
    good = {"events": [{"start_date": {"year": 1970}, "text": {"headline": "H"}}]}
    assert timeline_problems(good) == []
    assert timeline_problems({"title": {}}) == ["events: no array"]
    for slide, found in [
        ({"text": {"headline": "H"}}, "start_date: not a date object"),
        ({"start_date": {"month": 5}}, "year None is no whole number"),
        ({"start_date": {"year": 1970, "month": 13}}, "month 13 is out of 1-12"),
        ({"start_date": {"year": "1970s"}}, "year '1970s'"),
        ({"start_date": {"year": 1970}, "media": {"caption": "c"}}, "media: no url"),
        ({"start_date": {"year": 1970}, "headline": "H"}, "unknown key 'headline'"),
    ]:
        (problem,) = timeline_problems({"events": [slide]})
        assert found in problem, problem
    twice = {"events": [{"start_date": {"year": 1}, "unique_id": "a"}] * 2}
    assert timeline_problems(twice) == ["unique_id: not unique"]

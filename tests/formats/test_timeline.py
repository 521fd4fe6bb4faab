"""Timeline events: the YAML and CSV readers and writers (fonds.formats.timeline) and
TimelineJS3 JSON (fonds.formats.timelinejs), on hand-made fixtures and the real
TimelineJS template in the corpus. Broken files fail with file, line and cause."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from fonds.formats.errors import FormatError
from fonds.formats.timeline import (
    EventRecord,
    read_events_csv,
    read_events_yaml,
    write_events_csv,
    write_events_yaml,
)
from fonds.formats.timelinejs import (
    Era,
    TimelineMeta,
    html_to_markdown,
    markdown_to_html,
    read_timelinejs,
    write_timelinejs,
)
from tests.conftest import corpus_file

FIXTURES = Path(__file__).parent / "fixtures_timeline"
# Fields TimelineJS has no place for: the round trip through it empties them.
NOT_IN_TIMELINEJS = ("place", "agents", "collections", "components", "sources")


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def read(name: str) -> list[EventRecord]:
    path = FIXTURES / name
    reader = read_events_yaml if path.suffix == ".yaml" else read_events_csv
    return reader(path.read_bytes(), str(path))


def without(event: EventRecord, *names: str) -> EventRecord:
    empty = {name: type(getattr(event, name))() for name in names}
    return dataclasses.replace(event, **empty)


# YAML --------------------------------------------------------------------------------


def test_yaml_reads_every_event_with_its_line():
    events = read("good.yaml")
    assert [e.identifier for e in events] == [
        "1964-ajcsj-founded",
        "1970-leningrad-trial",
        "1971-02-world-conference-of-jewish-communities-on-soviet-jewry",  # made: no id
        "refusenik-decade",
        "ulpan-circles",
        "about-1980",
        "freedom-sunday",
        "exodus-begins",
        "leningrad-trial-he",
        "1881-pogroms-in-the-russian-empire",  # made from the first year of the interval
    ]
    assert [e.sourceline for e in events] == [3, 18, 31, 35, 40, 45, 51, 57, 61, 68]
    assert [e.date for e in events] == [
        "1964-04-05/1964-04-06",
        "1970-12-24",  # unquoted in the file: YAML would make it a date object
        "1971-02",
        "197X",  # written "1970s"
        "1962?",
        "1980~",
        "1987-12-06",
        "1989/..",
        "1970-12",
        "1881/1884",
    ]


def test_yaml_fields():
    first, trial = read("good.yaml")[:2]
    assert first.title == "American Jewish Conference on Soviet Jewry founded"
    assert first.place == "Washington, D.C."
    assert first.description == (
        "Twenty-four national organizations meet in Washington and form a\n"
        "**conference** to coordinate their work.\n\n"
        "See [the conference's papers](https://example.org/ajcsj)."
    )
    assert first.language == "en"
    assert first.agents == ["ajcsj"]
    assert first.collections == ["DEMO-001"]
    assert first.components == ["DEMO-001/demo001-s1"]
    assert first.sources == ["Beckerman, When They Come for Us, We'll Be Gone (2010), ch. 4"]
    assert first.media == {} and first.group is None
    assert trial.agents == ["kuznetsov", "dymshits"]
    assert trial.media == {
        "url": "https://example.org/images/leningrad.jpg",
        "caption": "The courthouse, *1970*",
        "credit": "[Example Archive](https://example.org)",
    }
    assert trial.group == "trials"
    assert trial.when.label == "24 December 1970"


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("he", "rtl"),
        ("ar", "rtl"),
        ("yi", "rtl"),
        ("fa", "rtl"),
        ("he-IL", "rtl"),
        ("yi-Latn", "ltr"),
        ("az-Arab", "rtl"),
        ("en", "ltr"),
        ("ru", "ltr"),
        (None, "ltr"),
    ],
)
def test_direction(language, direction):
    event = EventRecord(identifier="x", title="x", date="1970", language=language)
    assert event.direction == direction


def test_right_to_left_events_in_the_fixtures():
    events = {e.identifier: e for e in read("good.yaml") + read("good.csv")}
    assert events["leningrad-trial-he"].direction == "rtl"
    assert events["leningrad-trial-yi"].direction == "rtl"
    assert events["1970-leningrad-trial"].direction == "ltr"


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("bad-date.yaml", 7, 11, "event 'wrong': date: '1970-02-30': February 1970 has no day 30"),
        ("missing-title.yaml", 5, 5, "event 'untitled': the event has no title"),
        ("duplicate-id.yaml", 8, None, "id 'trial' is used twice (first at line 2)"),
        ("bad-indent.yaml", 7, 4, "not valid YAML: "),
        ("bad-date.csv", 4, None, "event 'wrong': date: '197O' is not an EDTF date"),
        ("missing-title.csv", 3, None, "event 'untitled': the event has no title (column title)"),
        ("duplicate-id.csv", 4, None, "id 'trial' is used twice (first at line 2)"),
    ],
)
def test_broken_files_name_the_line(name, line, column, message):
    with pytest.raises(FormatError) as caught:
        read(name)
    error = caught.value
    assert error.path == fixture(name)
    assert error.line == line
    if column is not None or name.endswith(".csv"):
        assert error.column == column
    assert message in error.cause
    assert error.line_report().startswith(f"{fixture(name)}:{line}")


YAML_PROBLEMS = [
    ("", 1, "the file is empty"),
    ("- a\n- b\n", 1, "expected 'events:'"),
    ("title: x\n", 1, "unknown key 'title'"),
    ("events: 3\n", 1, "'events' must be a list"),
    ("events:\n  - just text\n", 2, "an event must be a mapping"),
    ("events:\n  - date: '1970'\n    titel: x\n", 3, "unknown field 'titel'"),
    ("events:\n  - date: '1970'\n    title: a\n    title: b\n", 4, "'title' is given twice"),
    ("events:\n  - date: '1970'\n    title: [a, b]\n", 3, "title must be text, not a list"),
    ("events:\n  - date: '1970'\n    title: x\n    agents: [[a]]\n", 4, "nested list"),
    ("events:\n  - date: '1970'\n    title: x\n    agents: [Not An Id]\n", 4, "not a roster id"),
    ("events:\n  - date: '1970'\n    title: x\n    components: [DEMO-001]\n", 4, "COLLECTION/REF"),
    ("events:\n  - date: '1970'\n    title: x\n    language: english!\n", 4, "not a BCP 47"),
    ("events:\n  - id: Bad Id\n    date: '1970'\n    title: x\n", 2, "(e.g. 'bad-id')"),
    ("events:\n  - title: x\n", 2, "the event has no date"),
    ("events:\n  - date: '1970'\n    title: x\n    media: {url: 'javascript:x'}\n", 4, "http"),
    ("events:\n  - date: '1970'\n    title: x\n    media: {url: '<iframe>'}\n", 4, "no embeds"),
    ("events:\n  - date: '1970'\n    title: x\n    media: {html: y}\n", 4, "unknown media key"),
    ("events:\n  - date: '1970'\n    title: x\n  - [\n", 5, "not valid YAML"),
    ("events:\n  - date: '1970'\n    title: " + "x" * 501 + "\n", 3, "longer than 500"),
]


@pytest.mark.parametrize(("text", "line", "message"), YAML_PROBLEMS)
def test_yaml_problems(text, line, message):
    with pytest.raises(FormatError) as caught:
        read_events_yaml(text, "t.yaml")
    assert caught.value.line == line
    assert message in caught.value.cause


def test_yaml_values_are_read_as_written():
    """YAML 1.1 would make 0700 octal 448, 1970-12-24 a date and "no" False."""
    text = "events:\n  - date: 0700\n    title: no\n    place: 1970-12-24\n"
    (event,) = read_events_yaml(text, "t.yaml")
    assert (event.date, event.title, event.place) == ("0700", "no", "1970-12-24")
    assert event.when.label == "700"


def test_yaml_aliases_are_not_expanded():
    """A billion-laughs file stays small: values must be text, so nested aliases fail."""
    text = "a: &a [x, x]\nevents:\n  - {date: '1970', title: t, agents: [*a, *a]}\n"
    with pytest.raises(FormatError):
        read_events_yaml(text, "t.yaml")


def test_yaml_nested_too_deeply_is_an_error():
    with pytest.raises(FormatError):
        read_events_yaml("events: " + "[" * 100_000, "t.yaml")


def test_made_ids_never_collide():
    text = (
        "events:\n"
        "  - {date: '1970', title: Trial}\n"
        "  - {date: '1970', title: Trial}\n"
        "  - {id: 1970-trial-3, date: '1970', title: Trial}\n"
        "  - {date: '1970', title: Trial}\n"
        "  - {date: '1970', title: משפט}\n"
    )
    events = read_events_yaml(text, "t.yaml")
    assert [e.identifier for e in events] == [
        "1970-trial",
        "1970-trial-2",
        "1970-trial-3",
        "1970-trial-4",
        "1970",  # a Hebrew title has no ASCII letters: the date alone
    ]


def test_yaml_round_trip():
    events = read("good.yaml")
    text = write_events_yaml(events)
    assert 'date: "1970-12-24"' in text  # dates in quotes, as the documentation writes them
    assert "agents: [kuznetsov, dymshits]" in text
    assert "description: |" in text
    assert read_events_yaml(text, "written.yaml") == events


# CSV ---------------------------------------------------------------------------------


def test_csv_reads_every_event_with_its_line():
    events = read("good.csv")
    assert [e.sourceline for e in events] == [2, 5, 6, 7, 8]  # the first row spans 3 lines
    first = events[0]
    assert first.place == "Washington, D.C."
    assert first.description == (
        "Twenty-four national organizations meet in Washington.\n\n"
        "See [the papers](https://example.org/ajcsj)."
    )
    assert first.sources == ["Beckerman (2010), ch. 4", "Orbach (1979); a note"]  # "\;"
    assert events[1].agents == ["kuznetsov", "dymshits"]
    assert events[2].identifier == "1971-02-world-conference-of-jewish-communities-on-soviet-jewry"
    assert events[3].date == "197X"


def test_csv_agrees_with_yaml():
    by_id = {e.identifier: e for e in read("good.yaml")}
    for event in read("good.csv")[1:4]:
        yaml_event = by_id[event.identifier]
        assert (event.date, event.title) == (yaml_event.date, yaml_event.title)


CSV_PROBLEMS = [
    ("", 1, "a header row is required"),
    ("1970,Leningrad trial\n", 1, "unknown column '1970'"),
    ("date,title,colour\n", 1, "unknown column 'colour'"),
    ("date,title,date\n", 1, "appears twice"),
    ("id,title\n", 1, "no date column"),
    ("date,title\n1970,a,b\n", 2, "the row has 3 cells"),
    ('date,title\n1970,"a\n\n', 2, "not valid CSV"),
    ("date,title,agents\n1970,a,ok\n1971,b,Not Ok\n", 3, "not a roster id"),
    ("date,title,media_url\n1970,a,javascript:alert(1)\n", 2, "http"),
    ("date,title\n1970,a\n" + "1970," + "x" * 200_000 + "\n", 3, "not valid CSV"),
]


@pytest.mark.parametrize(("text", "line", "message"), CSV_PROBLEMS)
def test_csv_problems(text, line, message):
    with pytest.raises(FormatError) as caught:
        read_events_csv(text, "t.csv")
    assert caught.value.line == line
    assert message in caught.value.cause


def test_csv_blank_rows_short_rows_and_bom():
    text = "\ufeffDate, Title ,place\n\n1970,a\n,,\n1971,b,Moscow\n"
    events = read_events_csv(text.encode(), "t.csv")
    assert [(e.date, e.title, e.place, e.sourceline) for e in events] == [
        ("1970", "a", "", 3),
        ("1971", "b", "Moscow", 5),
    ]


def test_csv_not_utf8_names_the_line():
    with pytest.raises(FormatError) as caught:
        read_events_csv(b"date,title\n1970,caf\xe9\n", "t.csv")
    assert caught.value.line == 2
    assert "not UTF-8" in caught.value.cause


def test_csv_round_trip_and_yaml_to_csv():
    events = read("good.csv")
    assert read_events_csv(write_events_csv(events), "written.csv") == events
    from_yaml = read("good.yaml")
    text = write_events_csv(from_yaml)
    assert text.splitlines()[0] == (
        "id,date,title,place,description,language,agents,collections,components,sources,"
        "group,media_url,media_caption,media_credit"
    )
    assert read_events_csv(text, "written.csv") == from_yaml


# TimelineJS --------------------------------------------------------------------------


def read_eras() -> tuple[TimelineMeta, list[EventRecord]]:
    path = corpus_file("timelinejs-eras.json")
    return read_timelinejs(path.read_bytes(), str(path))


def test_timelinejs_real_file():
    meta, events = read_eras()
    raw = json.loads(corpus_file("timelinejs-eras.json").read_text(encoding="utf-8"))
    assert len(events) == len(raw["events"]) == 20
    assert meta.title == "Eras Test"
    assert meta.description == (
        "Events in the 7th century from https://en.wikipedia.org/wiki/Timeline_of_the_Middle_Ages"
    )
    assert meta.eras == [
        Era("0650/0700", "Era Test 650-700"),
        Era("0600/0650", "Era Test 600-650"),
        Era("0700/0720", "Era Test 700-720"),
    ]
    for event, slide in zip(events, raw["events"], strict=True):
        assert event.title == slide["text"]["headline"]
        assert event.description == slide["text"]["text"]  # plain text in this file
        assert event.media == slide.get("media", {})
        start = slide["start_date"]
        assert event.when.lower_year == int(start["year"])
        assert event.when.is_interval == ("end_date" in slide)
    hijra = events[2]
    assert hijra.date == "0622-08-09/0622-08-23"
    assert hijra.when.label == "9–23 August 622"
    assert hijra.when.precision == "day"
    assert events[0].date == "0602/0629"
    assert events[4].date == "0627-12-12"
    assert events[3].date == "0626"
    # Two events on 8 June 632 and two in 698: ids made from date and headline differ.
    assert len({e.identifier for e in events}) == 20
    assert events[5].identifier == "0632-06-08-death-of-muhammed"


def test_timelinejs_real_file_round_trip():
    meta, events = read_eras()
    text = write_timelinejs(meta, events)
    document = json.loads(text)
    assert len(document["events"]) == 20 and len(document["eras"]) == 3
    assert read_timelinejs(text, "written.json") == (meta, events)
    slide = document["events"][2]
    assert slide["start_date"] == {"year": 622, "month": 8, "day": 9}
    assert slide["end_date"] == {"year": 622, "month": 8, "day": 23}
    assert slide["display_date"] == "9–23 August 622"
    assert slide["unique_id"] == events[2].identifier
    assert slide["text"]["headline"] == "Muhammad Migrates from Mecca to Medina"
    assert slide["text"]["text"] == (
        "<p>Event will have designated first year of the Islamic Calendar, as Anno Hegirae.</p>"
    )
    assert "end_date" not in document["events"][3]  # a single year


def test_yaml_through_timelinejs_keeps_dates_text_and_language():
    events = read("good.yaml")
    meta = TimelineMeta(title="Soviet Jewry", eras=[Era("1964/1991", "The movement")])
    text = write_timelinejs(meta, events)
    back_meta, back = read_timelinejs(text, "written.json")
    assert back_meta == meta
    for before, after in zip(events, back, strict=True):
        # Qualifiers, decades and open ends come back through display_date.
        assert after.date == before.date
        assert after.when.precision == before.when.precision
        # Soft line breaks inside a paragraph become spaces; nothing else changes.
        paragraphs = before.description.split("\n\n")
        description = "\n\n".join(" ".join(p.split("\n")) for p in paragraphs)
        expected = dataclasses.replace(before, description=description)
        assert after == without(expected, *NOT_IN_TIMELINEJS)
    by_id = {e.identifier: e for e in back}
    assert by_id["leningrad-trial-he"].language == "he"
    assert by_id["leningrad-trial-he"].direction == "rtl"


def test_timelinejs_slides_as_written():
    events = read("good.yaml")
    slides = {s["unique_id"]: s for s in json.loads(write_timelinejs(None, events))["events"]}
    decade = slides["refusenik-decade"]
    assert (decade["start_date"], decade["end_date"]) == ({"year": 1970}, {"year": 1979})
    assert decade["display_date"] == "the 1970s"
    assert decade["group"] == "movement"
    assert slides["about-1980"]["display_date"] == "about 1980"
    assert "end_date" not in slides["about-1980"]
    assert slides["exodus-begins"]["display_date"] == "from 1989"
    assert "end_date" not in slides["exodus-begins"]
    hebrew = slides["leningrad-trial-he"]
    assert hebrew["start_date"] == {"year": 1970, "month": 12}
    assert (
        hebrew["text"]["text"] == '<div lang="he" dir="rtl"><p>פסקי הדין במשפט לנינגרד.</p></div>'
    )
    trial = slides["1970-leningrad-trial"]
    assert trial["media"]["caption"] == "The courthouse, <em>1970</em>"
    assert trial["media"]["credit"].startswith('<a href="https://example.org"')


def test_timelinejs_without_display_date_keeps_what_it_can_express():
    """Another program may drop display_date: day, month and year precision survive;
    qualifiers, decades and open ends do not (TimelineJS has no field for them)."""
    events = read("good.yaml")
    document = json.loads(write_timelinejs(None, events))
    for slide in document["events"]:
        del slide["display_date"]
    _, back = read_timelinejs(json.dumps(document), "stripped.json")
    dates = {e.identifier: e.date for e in back}
    assert dates["1964-ajcsj-founded"] == "1964-04-05/1964-04-06"
    assert dates["1970-leningrad-trial"] == "1970-12-24"
    assert dates["leningrad-trial-he"] == "1970-12"
    assert dates["1881-pogroms-in-the-russian-empire"] == "1881/1884"
    assert dates["refusenik-decade"] == "1970/1979"
    assert dates["ulpan-circles"] == "1962"
    assert dates["about-1980"] == "1980"
    assert dates["exodus-begins"] == "1989"


def test_timelinejs_negative_years_and_foreign_display_dates():
    document = {
        "events": [
            {
                "start_date": {"year": "-44", "month": "3", "day": "15"},
                "text": {"headline": "Ides"},
            },
            {"start_date": {"year": -500}, "end_date": {"year": -400}, "text": {"headline": "x"}},
            {"start_date": {"year": 1970}, "display_date": "Summer", "text": {"headline": "y"}},
        ]
    }
    _, events = read_timelinejs(json.dumps(document), "t.json")
    assert [e.date for e in events] == ["-0044-03-15", "-0500/-0400", "1970"]
    assert events[0].when.label == "15 March 45 BCE"
    slide = json.loads(write_timelinejs(None, events))["events"][1]
    assert (slide["start_date"], slide["end_date"]) == ({"year": -500}, {"year": -400})


def test_timelinejs_writer_escapes():
    event = EventRecord(
        identifier="x",
        title="<script>alert(1)</script> & co",
        date="1970",
        description="<img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold**",
    )
    text = write_timelinejs(None, [event])
    assert "</script>" not in text and "<script>" not in text
    slide = json.loads(text)["events"][0]
    assert slide["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert "<img" not in slide["text"]["text"] and "href" not in slide["text"]["text"]
    assert "<strong>bold</strong>" in slide["text"]["text"]
    (back,) = read_timelinejs(text, "t.json")[1]
    assert back.title == event.title


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\\\nlines"),
        ("<b> bold </b>and <i>it</i>", "**bold** and *it*"),
        ('<a href="https://a.org/x_(y)">y</a>', "[y](https://a.org/x_(y))"),
        ('<a href="javascript:alert(1)">x</a>', "x"),
        ("<script>alert(1)</script>ok<style>p{}</style>", "ok"),
        ("<ul><li>a</li><li><p>b</p></li></ul><ol start=3><li>c</li></ol>", "- a\n- b\n\n3. c"),
        ("5 * 3 [x] snake_case _y_ &amp;amp;", "5 \\* 3 \\[x\\] snake_case \\_y\\_ \\&amp;"),
        ("<p>1970. A year</p><p>- not a list</p>", "1970\\. A year\n\n\\- not a list"),
        ("a\x00b\x01", "ab"),
        ("<code>a*b &amp; `c`</code>", "`a*b & 'c'`"),
        ("<p>3.5 million</p>", "3.5 million"),
    ],
)
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


@pytest.mark.parametrize(
    "markdown",
    [
        "Plain text.",
        "Two\n\nparagraphs with **bold**, *emphasis* and [a link](https://example.org/a_(b)).",
        "A hard\\\nbreak",
        "- one\n- two",
        "1. one\n2. two",
        "5 \\* 3 \\[x\\] snake_case `code`",
        "`a*b_c & d`",
    ],
)
def test_markdown_survives_html(markdown):
    assert html_to_markdown(markdown_to_html(markdown)) == markdown


HOSTILE = [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"events": ' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "}", "nested too deeply"),
    ('{"events": [{"start_date": {"year": ' + "9" * 5000 + "}}]}", "not valid JSON"),
    ('{"events": [', "not valid JSON"),
    ("[1, 2]", "an object with 'events'"),
    ('{"events": "x"}', "must be a list"),
    ('{"events": [1]}', "a slide must be an object"),
    ('{"events": [{"text": {"headline": "x"}}]}', "start_date must be an object"),
    ('{"events": [{"start_date": {"year": true}, "text": {"headline": "x"}}]}', "a number"),
    ('{"events": [{"start_date": {"year": "1970"}}]}', "no title"),
    ('{"events": [{"start_date": {"year": "-13800000000"}, "text": {"headline": "x"}}]}', "9999"),
    ('{"events": [{"start_date": {"year": 1970, "month": 13}, "text": {"headline": "x"}}]}',
     "no month 13"),
    ('{"events": [{"start_date": {"year": 1970, "day": 3}, "text": {"headline": "x"}}]}',
     "no month"),
    ('{"events": [{"start_date": {"year": 1970}, "end_date": {"year": 1960}, '
     '"text": {"headline": "x"}}]}', "before it begins"),
    ('{"events": [{"start_date": {"year": 1970}, "text": {"headline": "x"}, '
     '"media": {"url": "<iframe src=https://a.org></iframe>"}}]}', "no embeds"),
    ('{"events": [{"start_date": {"year": 1970}, "text": {"headline": ["x"]}}]}', "text"),
    ('{"events": [{"start_date": {"year": 1970}, "text": {"headline": "x"}, "unique_id": "a"},'
     ' {"start_date": {"year": 1971}, "text": {"headline": "y"}, "unique_id": "a"}]}',
     "used twice"),
    ('{"eras": [{"start_date": {"year": 1970}, "end_date": {"year": "x"}}], "events": []}',
     "era 1"),
    ('{"scale": "geological", "events": []}', "scale"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_json_is_a_format_error(text, message):
    with pytest.raises(FormatError) as caught:
        read_timelinejs(text, "hostile.json")
    assert message in caught.value.cause
    assert caught.value.path == "hostile.json"


def test_huge_strings_are_a_format_error():
    headline = json.dumps(
        {"events": [{"start_date": {"year": 1970}, "text": {"headline": "x" * 5_000_000}}]}
    )
    with pytest.raises(FormatError, match="longer than"):
        read_timelinejs(headline, "huge.json")
    with pytest.raises(FormatError, match="larger than"):
        read_timelinejs(b" " * 25_000_000, "huge.json")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_timelinejs(b'{"events": ["\xff"]}', "latin1.json")


def test_deeply_nested_html_is_read_as_a_stream():
    text = "<div>" * 15_000 + "deep" + "</div>" * 15_000
    document = {"events": [{"start_date": {"year": 1970}, "text": {"headline": "x", "text": text}}]}
    (event,) = read_timelinejs(json.dumps(document), "deep.json")[1]
    assert event.description == "deep"

"""Cursor pagination: every page walked gives every record once, in a stable order;
cursors are opaque, signed and bound to their listing."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.guides.models import Guide
from fonds.search.service import SearchRequest, search
from fonds.timeline.models import Event
from tests.api.helpers import get, walk

pytestmark = pytest.mark.django_db


def cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def assert_complete(records, key, expected):
    keys = [r[key] for r in records]
    assert len(keys) == len(set(keys)), "a record came twice"
    assert set(keys) == set(expected), "a record is missing or extra"


@pytest.mark.parametrize(
    ("url", "schema", "key", "limit", "expected"),
    [
        (
            "/api/v1/collections",
            "CollectionPage",
            "identifier",
            1,
            lambda: Collection.objects.values_list("identifier", flat=True),
        ),
        (
            "/api/v1/agents",
            "AgentPage",
            "identifier",
            7,
            lambda: Agent.objects.values_list("identifier", flat=True),
        ),
        (
            "/api/v1/events",
            "EventPage",
            "identifier",
            5,
            lambda: Event.objects.values_list("identifier", flat=True),
        ),
        (
            "/api/v1/works",
            "WorkPage",
            "identifier",
            3,
            lambda: Work.objects.values_list("identifier", flat=True),
        ),
        (
            "/api/v1/guides",
            "GuidePage",
            "slug",
            3,
            lambda: Guide.objects.filter(published=True).values_list("slug", flat=True),
        ),
        (
            "/api/v1/collections/DEMO-004/components/demo004-s2-y1970/children",
            "ComponentPage",
            "ref",
            10,
            lambda: Component.objects.filter(parent__ref="demo004-s2-y1970").values_list(
                "ref", flat=True
            ),
        ),
    ],
)
def test_walking_every_page_gives_every_record_once(client, url, schema, key, limit, expected):
    records = walk(client, url, schema, limit=limit)
    assert_complete(records, key, expected())
    assert len(records) > limit  # it took several pages
    # a walk with other page sizes gives the same order
    assert [r[key] for r in walk(client, url, schema, limit=100)] == [r[key] for r in records]


def test_page_sizes_and_the_last_page(client):
    count = Event.objects.count()  # 52 in the demo
    body = get(client, "/api/v1/events", "EventPage", limit=count)
    assert len(body["data"]) == count and body["next"] is None
    body = get(client, "/api/v1/events", "EventPage", limit=count - 1)
    assert len(body["data"]) == count - 1 and body["next"]
    last = get(client, body["next"], "EventPage")
    assert len(last["data"]) == 1 and last["next"] is None
    # the default page holds 20
    assert len(get(client, "/api/v1/agents", "AgentPage")["data"]) == 20
    # limit may change from one page to the next
    body = get(client, "/api/v1/agents", "AgentPage", limit=3)
    bigger = client.get(body["next"].replace("limit=3", "limit=50")).json()
    assert len(bigger["data"]) == 50
    assert bigger["data"][0]["identifier"] not in {a["identifier"] for a in body["data"]}


def test_filters_carry_over_to_the_next_pages(client):
    people = walk(client, "/api/v1/agents", "AgentPage", kind="person", limit=4)
    assert_complete(
        people,
        "identifier",
        Agent.objects.filter(kind="person").values_list("identifier", flat=True),
    )
    body = get(client, "/api/v1/agents", "AgentPage", kind="person", limit=4)
    assert "kind=person" in body["next"]


def test_nulls_sort_last_and_are_walked_too(client):
    """Undated events and works without a year: the keyset handles null columns."""
    for number in range(3):
        Event.objects.create(identifier=f"undated-{number}", title=f"Undated {number}", date="")
        Work.objects.create(
            identifier=f"no-year-{number}", csl={"type": "book"}, title=f"No year {number}"
        )
    Event.objects.create(
        identifier="aaa-early", title="Early", date="1000", sort_date=datetime.date(1000, 1, 1)
    )
    events = walk(client, "/api/v1/events", "EventPage", limit=2)
    assert_complete(events, "identifier", Event.objects.values_list("identifier", flat=True))
    assert events[0]["identifier"] == "aaa-early"
    assert [e["identifier"] for e in events[-3:]] == ["undated-0", "undated-1", "undated-2"]
    works = walk(client, "/api/v1/works", "WorkPage", limit=2)
    assert_complete(works, "identifier", Work.objects.values_list("identifier", flat=True))


def test_search_pages_walk_every_hit(client):
    total = search(SearchRequest(text="Soviet", facets=[])).total
    assert total > 100
    hits = walk(client, "/api/v1/search", "SearchResults", q="Soviet", limit=100)
    assert_complete(hits, "key", [h["key"] for h in hits])
    assert len(hits) == total
    # in the order of one big page
    first = get(client, "/api/v1/search", "SearchResults", q="Soviet", limit=100)["data"]
    assert [h["key"] for h in hits[:100]] == [h["key"] for h in first]


def test_a_cursor_is_bound_to_its_listing(client):
    body = get(client, "/api/v1/agents", "AgentPage", kind="organization", limit=2)
    cursor = cursor_of(body["next"])
    # the same cursor with the same parameters works
    get(client, "/api/v1/agents", "AgentPage", kind="organization", limit=2, cursor=cursor)
    # with other filters, on another listing, or altered: a 400 in the error shape
    cases = [
        ("/api/v1/agents", {"kind": "person", "cursor": cursor}),
        ("/api/v1/agents", {"cursor": cursor}),
        ("/api/v1/events", {"cursor": cursor}),
        ("/api/v1/agents", {"kind": "organization", "cursor": cursor[:-2] + "xx"}),
        ("/api/v1/agents", {"kind": "organization", "cursor": "x" + cursor}),
        ("/api/v1/agents", {"cursor": "not a cursor"}),
        ("/api/v1/search", {"cursor": "1:2:3"}),
        ("/api/v1/collections/DEMO-001/components", {"cursor": "🙂"}),
    ]
    for url, params in cases:
        error = get(client, url, status=400, **params)["error"]
        assert error["code"] == "invalid_cursor", (url, params)


def test_a_cursor_cannot_be_forged(client):
    import base64
    import json

    from django.core import signing

    body = get(client, "/api/v1/works", "WorkPage", limit=2)
    payload = signing.loads(cursor_of(body["next"]), salt="fonds.api.cursor")
    # the position as a client might write it, unsigned or signed for something else
    plain = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    other = signing.dumps(payload, salt="another purpose")
    for cursor in (plain, other):
        error = get(client, "/api/v1/works", status=400, limit=2, cursor=cursor)["error"]
        assert error["code"] == "invalid_cursor"

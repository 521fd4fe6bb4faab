"""An embargo ends by itself: a date in the past shows the record, one in the future
hides it; the index holds the record with its day and searches compare at query time."""

from __future__ import annotations

import datetime
import re

import pytest

from fonds.findingaids.models import Component
from fonds.publishing.models import day_number
from fonds.publishing.service import set_publication
from fonds.search.backends import get_backend
from fonds.search.backends.base import Criteria
from fonds.search.query import parse
from tests.publishing.conftest import FUTURE, PAST, plant

pytestmark = pytest.mark.django_db(transaction=True)


def found(client, query: str) -> int:
    return client.get("/api/v1/search", {"q": query}).json()["total"]


def test_an_embargo_in_the_past_shows_in_the_future_hides(client, tmp_path, settings):
    plant(tmp_path)
    f31 = Component.all_objects.get(collection__identifier="LEAK-1", ref="f31")
    assert client.get("/collections/LEAK-1/f31/").status_code == 404
    assert client.get("/collections/LEAK-1/i311/").status_code == 404
    assert found(client, "EMBARGO-CHILD-MARKER") == 0
    # the index holds it, with the day its embargo ends: on that day searches find it
    criteria = Criteria(parse("EMBARGO-CHILD-MARKER"), available_on=day_number(FUTURE))
    later = get_backend().search(
        criteria, sort="relevance", offset=0, limit=5, facets={}, facet_limit=5
    )
    assert [h.key for h in later.hits] == ["component:LEAK-1/i311"]
    day_before = datetime.date.fromordinal(FUTURE.toordinal() - 1)
    criteria.available_on = day_number(day_before)
    assert (
        get_backend()
        .search(criteria, sort="relevance", offset=0, limit=5, facets={}, facet_limit=5)
        .hits
        == []
    )
    # an embargo date in the past: public, the whole subtree, at once
    set_publication(f31, True, PAST)
    assert client.get("/collections/LEAK-1/i311/").status_code == 200
    assert found(client, "EMBARGO-CHILD-MARKER") == 1
    s3 = client.get("/collections/LEAK-1/s3/").content
    assert b"EMBARGO-MARKER" in s3
    set_publication(f31, True, FUTURE)
    assert client.get("/collections/LEAK-1/f31/").status_code == 404
    assert b"EMBARGO-MARKER" not in client.get("/collections/LEAK-1/s3/").content


def test_a_reloaded_finding_aid_keeps_its_drafts(client, tmp_path):
    from fonds.loader import after_loading, load_paths

    plant(tmp_path)
    report = load_paths([tmp_path / "leak1.xml"], force=True)
    assert report.ok
    after_loading(report)
    s2 = Component.all_objects.get(collection__identifier="LEAK-1", ref="s2")
    f21 = Component.all_objects.get(collection__identifier="LEAK-1", ref="f21")
    assert not s2.published and f21.published and f21.withdrawn
    assert client.get("/collections/LEAK-1/f21/").status_code == 404
    assert found(client, "DRAFT-CHILD-MARKER") == 0
    # the counts a list gives are of what the public sees
    listing = client.get("/collections/").content.decode()
    meta = re.search(r"<span>LEAK-1</span>.*?</p>", listing, re.S)
    assert meta and "<span>4 components</span>" in meta.group(0), meta  # of 8

"""The demo archive in part (roster, DEMO-001 with its internal markers, DEMO-003 in
EAD3, timeline, bibliography), a client that holds every response to the official
OAI-PMH.xsd and to the structural checks of tests/oai/oaixml.py (the metadata inside
records, which the schema leaves unchecked, and the protocol's rules no schema says),
and records that must never be harvested: unpublished ones and an internal collection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest
from lxml import etree

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection
from fonds.loader import load_paths
from fonds.timeline.models import Event
from tests.factories import ead2002, write
from tests.oai.oaixml import check_response
from tests.schemas import assert_valid_oai_pmh

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
DEMO_FILES = [
    DEMO / "roster.yaml",
    DEMO / "findingaids" / "DEMO-001.xml",
    DEMO / "findingaids" / "DEMO-003.xml",
    DEMO / "timeline.yaml",
    DEMO / "bibliography.json",
]
SECRET = "UNPUBLISHED-MARKER"


@pytest.fixture
def demo(tmp_path, settings) -> None:
    """The demo subset, one unpublished agent, event and work, one internal collection."""
    settings.BASE_URL = "https://archive.example.org"
    hidden = write(
        tmp_path / "hidden.xml", ead2002("HIDDEN-1", title=f"{SECRET} internal collection")
    )
    for result in load_paths([*DEMO_FILES, hidden]).results:
        assert not result.error, result.error
    Collection.all_objects.filter(identifier="HIDDEN-1").update(internal=True)
    Agent.objects.create(
        identifier="secret-agent", kind="person", authorized_name=f"{SECRET} agent", published=False
    )
    Event.objects.create(
        identifier="secret-event", title=f"{SECRET} event", date="1970", published=False
    )
    Work.objects.create(
        identifier="secret-work",
        csl={"id": "secret-work", "type": "book", "title": f"{SECRET} work"},
        title=f"{SECRET} work",
        published=False,
    )


Ask = Callable[..., etree._Element]


@pytest.fixture
def oai(client) -> Ask:
    """GET (or POST) /oai with the given arguments; the checked, parsed response."""

    def ask(*pairs: tuple[str, str], method: str = "get", **arguments: str) -> etree._Element:
        items = list(pairs) + list(arguments.items())
        if method == "post":
            response = client.post(
                "/oai", urlencode(items), content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.get("/oai?" + urlencode(items))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert_valid_oai_pmh(response.content)
        return check_response(response.content)

    return ask

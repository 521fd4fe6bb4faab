"""A page of ListRecords reads its records in a fixed number of queries, however many
records it holds: names, relations, created collections, linked events and works
come for the whole page at once (fonds.oai.records.with_details)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from fonds.authorities.models import Agent, AgentName, AgentRelation, Appearance
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection
from fonds.loader import load_paths
from fonds.timeline.models import Event
from tests.factories import ead2002, write
from tests.oai.oaixml import NS

pytestmark = pytest.mark.django_db(transaction=True)


def add_records(tmp_path, start: int, count: int) -> None:
    """``count`` of each kind, every one linked to the others."""
    files = [
        write(
            tmp_path / f"c{n}.xml",
            ead2002(
                f"Q-{n:03d}",
                archdesc_extra=(
                    "<controlaccess><subject>Refuseniks</subject>"
                    f"<corpname>Organization {n}</corpname></controlaccess>"
                ),
            ),
        )
        for n in range(start, start + count)
    ]
    for result in load_paths(files).results:
        assert not result.error, result.error
    previous = None
    for n in range(start, start + count):
        collection = Collection.objects.get(identifier=f"Q-{n:03d}")
        agent = Agent.objects.create(
            identifier=f"agent-{n}",
            kind="organization",
            authorized_name=f"Organization {n}",
            history=f"Founded in *{1960 + n % 30}*.",
        )
        AgentName.objects.create(agent=agent, name=f"Организация {n}", language="ru")
        if previous is not None:
            AgentRelation.objects.create(
                source=agent, target=previous, relation_type="successor_of"
            )
        Appearance.objects.create(agent=agent, collection=collection, role=Appearance.CREATOR)
        event = Event.objects.create(identifier=f"event-{n}", title=f"Event {n}", date="1970")
        event.agents.add(agent)
        event.collections.add(collection)
        work = Work.objects.create(
            identifier=f"work-{n}",
            csl={"id": f"work-{n}", "type": "book", "title": f"Work {n}"},
            title=f"Work {n}",
        )
        work.agents.add(agent)
        work.events.add(event)
        previous = agent


def list_records(client, prefix: str) -> tuple[int, int]:
    """(records on the page, queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/oai?verb=ListRecords&metadataPrefix={prefix}")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    return len(root.findall(".//o:record", namespaces=NS)), len(queries.captured_queries)


@pytest.mark.parametrize("prefix", ["oai_dc", "eac-cpf"])
def test_list_records_queries_do_not_grow_with_the_records(client, settings, tmp_path, prefix):
    settings.FONDS_OAI_PAGE_SIZE = 1000
    add_records(tmp_path, 0, 3)
    few, queries_for_few = list_records(client, prefix)
    add_records(tmp_path, 3, 12)
    many, queries_for_many = list_records(client, prefix)
    assert many == few * 5 > few
    assert queries_for_many == queries_for_few

"""An archive with something hidden of every kind, each hidden thing carrying a
marker of its own in its title and text.

The demo in part (roster, DEMO-001 with its internal folder and note, DEMO-003 in
EAD3, timeline, bibliography, pages) and three small finding aids written here:
LEAK-1 (public) holds a draft series with a folder in it, and a folder under embargo
with an item in it; LEAK-2 is a draft collection; LEAK-3 a collection under embargo.
Then a draft and an embargoed roster record, a draft event, work and page, and
staff-only notes. Everything is hidden through ``set_publication``, as the admin
does, so the search index follows as it would in use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fonds.authorities.models import Agent, AgentName, AgentRelation
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component, InternalNote
from fonds.loader import after_loading, load_paths
from fonds.pages.models import Page
from fonds.publishing.service import set_publication
from fonds.timeline.models import Event, EventComponent
from tests.factories import ead2002, write

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
DEMO_FILES = [
    DEMO / "roster.yaml",
    DEMO / "findingaids" / "DEMO-001.xml",
    DEMO / "findingaids" / "DEMO-003.xml",
    DEMO / "timeline.yaml",
    DEMO / "bibliography.json",
    DEMO / "pages",
]
TODAY = datetime.date.today()
FUTURE = TODAY + datetime.timedelta(days=30)
PAST = TODAY - datetime.timedelta(days=30)


def folder(ref: str, title: str, inner: str = "", level: str = "file") -> str:
    return (
        f'<c level="{level}" id="{ref}"><did><unittitle>{title}</unittitle>'
        f'<unitdate normal="1975">1975</unitdate>'
        f'<container type="box">1</container></did>'
        f"<scopecontent><p>{title}: its scope and content.</p></scopecontent>{inner}</c>"
    )


LEAK_1 = "".join(
    [
        folder(
            "s1",
            "Public series",
            # internal parts of public elements: a phrase of a title, a paragraph
            folder(
                "f11",
                'Public folder eleven <emph audience="internal">INTERNAL-PART-MARKER</emph>',
                '<odd><p>Public remark.</p><p audience="internal">INTERNAL-PART-MARKER'
                " paragraph</p></odd>",
            ),
            "series",
        ),
        folder(
            "s2",
            "DRAFT-SERIES-MARKER series",
            "<controlaccess><subject>DRAFT-SUBJECT-MARKER</subject>"
            "<persname>Sharansky, Natan</persname></controlaccess>"
            + folder(
                "f21",
                "DRAFT-CHILD-MARKER folder",
                '<dao xlink:href="https://example.org/d.jpg" xlink:title="DRAFT-DAO-MARKER"/>',
            ),
            "series",
        ),
        folder(
            "s3",
            "Public series three",
            folder(
                "f31",
                "EMBARGO-MARKER folder",
                folder("i311", "EMBARGO-CHILD-MARKER item", level="item"),
            )
            + folder("f32", "Public folder thirty-two"),
            "series",
        ),
    ]
)
LEAK_2 = folder("g1", "DRAFT-COLLECTION-FOLDER-MARKER folder")
CREATOR = (
    "<controlaccess><persname role='creator'>DRAFT-CREATOR-MARKER</persname></controlaccess>"
    "<scopecontent><p>DRAFT-COLLECTION-MARKER scope</p></scopecontent>"
)


@dataclass
class Planted:
    """What the archive hides, by marker; and the addresses that must be 404."""

    markers: dict[str, str] = field(default_factory=dict)  # marker -> what it is in
    addresses: list[str] = field(default_factory=list)
    publishable: list[Any] = field(default_factory=list)  # records to publish later


# markers that stay hidden whatever is published: internal content and staff notes
FOREVER = (
    "INTERNAL-MARKER-001",
    "INTERNAL-MARKER-002",
    "INTERNAL-PART-MARKER",
    "STAFF-NOTE-MARKER",
)


def plant(tmp_path: Path) -> Planted:
    planted = Planted()
    files = [
        write(tmp_path / "leak1.xml", ead2002("LEAK-1", LEAK_1, title="Leak test papers")),
        write(
            tmp_path / "leak2.xml",
            ead2002("LEAK-2", LEAK_2, CREATOR, title="DRAFT-COLLECTION-MARKER papers"),
        ),
        write(
            tmp_path / "leak3.xml",
            ead2002(
                "LEAK-3",
                folder("h1", "EMBARGO-COLLECTION-FOLDER-MARKER folder"),
                title="EMBARGO-COLLECTION-MARKER papers",
            ),
        ),
    ]
    report = load_paths([*DEMO_FILES, *files])
    assert report.ok, [r.error for r in report.results if r.error]
    after_loading(report)

    sssj = Agent.objects.get(identifier="sssj")
    draft_agent = Agent.objects.create(
        identifier="draft-agent",
        kind="person",
        authorized_name="DRAFT-AGENT-MARKER person",
        summary="DRAFT-AGENT-MARKER summary",
    )
    AgentName.objects.create(agent=draft_agent, name="DRAFT-AGENT-VARIANT-MARKER")
    AgentRelation.objects.create(source=sssj, target=draft_agent, relation_type="associated_with")
    embargoed_agent = Agent.objects.create(
        identifier="embargoed-agent",
        kind="organization",
        authorized_name="EMBARGO-AGENT-MARKER committee",
        history="EMBARGO-AGENT-MARKER history",
    )
    AgentRelation.objects.create(
        source=embargoed_agent, target=sssj, relation_type="associated_with"
    )
    event = Event.objects.create(
        identifier="draft-event",
        title="DRAFT-EVENT-MARKER rally",
        date="1971-03",
        description="DRAFT-EVENT-MARKER description",
    )
    event.agents.add(sssj)
    public_event = Event.objects.filter(published=True).order_by("identifier").first()
    leak1 = Collection.objects.get(identifier="LEAK-1")
    EventComponent.objects.create(event=public_event, collection=leak1, component_ref="f21")
    EventComponent.objects.create(event=public_event, collection=leak1, component_ref="i311")
    work = Work.objects.create(
        identifier="draft-work",
        csl={"id": "draft-work", "type": "book", "title": "DRAFT-WORK-MARKER book"},
        title="DRAFT-WORK-MARKER book",
        creators_text="Author, A.",
        issued_year=1980,
    )
    work.agents.add(sssj)
    page = Page.objects.create(
        slug="draft-page", title="DRAFT-PAGE-MARKER page", body="DRAFT-PAGE-MARKER body"
    )
    f11 = Component.objects.get(collection=leak1, ref="f11")
    InternalNote.objects.create(
        collection=leak1, component=f11, element="processinfo", text="STAFF-NOTE-MARKER note"
    )
    try:  # the staff's own notes, where fonds.staff has them
        from fonds.staff.models import ArchivistNote
    except ImportError:
        pass
    else:
        note_fields = {f.name for f in ArchivistNote._meta.get_fields()}
        if {"collection", "text"} <= note_fields:
            ArchivistNote.objects.create(collection=leak1, text="STAFF-NOTE-MARKER archivist")

    # everything hidden the way the admin hides it
    def component(ref: str) -> Component:
        return Component.all_objects.get(collection__identifier="LEAK-1", ref=ref)

    hide: list[tuple[Any, bool, datetime.date | None]] = [
        (component("s2"), False, None),
        (component("f31"), True, FUTURE),
        (Collection.all_objects.get(identifier="LEAK-2"), False, None),
        (Collection.all_objects.get(identifier="LEAK-3"), True, FUTURE),
        (draft_agent, False, None),
        (embargoed_agent, True, FUTURE),
        (event, False, None),
        (work, False, None),
        (page, False, None),
    ]
    for record, published, embargo in hide:
        assert set_publication(record, published, embargo)
        planted.publishable.append(record)

    planted.markers = {
        "INTERNAL-MARKER-001": "DEMO-001's folder marked audience=internal",
        "INTERNAL-MARKER-002": "DEMO-001's internal processing note",
        "INTERNAL-PART-MARKER": "a phrase and a paragraph marked internal in public ones",
        "STAFF-NOTE-MARKER": "staff-only notes on LEAK-1",
        "DRAFT-SERIES-MARKER": "a draft series of LEAK-1",
        "DRAFT-SUBJECT-MARKER": "a subject of the draft series",
        "DRAFT-CHILD-MARKER": "a folder inside the draft series",
        "DRAFT-DAO-MARKER": "a digital object of that folder",
        "EMBARGO-MARKER": "a folder of LEAK-1 under embargo",
        "EMBARGO-CHILD-MARKER": "an item inside the embargoed folder",
        "DRAFT-COLLECTION-MARKER": "the draft collection LEAK-2",
        "DRAFT-COLLECTION-FOLDER-MARKER": "a folder of the draft collection",
        "DRAFT-CREATOR-MARKER": "the draft collection's creator",
        "EMBARGO-COLLECTION-MARKER": "the collection LEAK-3 under embargo",
        "EMBARGO-COLLECTION-FOLDER-MARKER": "a folder of the embargoed collection",
        "DRAFT-AGENT-MARKER": "a draft roster record",
        "DRAFT-AGENT-VARIANT-MARKER": "a name of the draft roster record",
        "EMBARGO-AGENT-MARKER": "a roster record under embargo",
        "DRAFT-EVENT-MARKER": "a draft event",
        "DRAFT-WORK-MARKER": "a draft work",
        "DRAFT-PAGE-MARKER": "a draft page",
    }
    planted.addresses = [
        "/collections/DEMO-001/demo001-s1-ss3-f5/",
        "/collections/LEAK-1/s2/",
        "/collections/LEAK-1/s2/children/",
        "/collections/LEAK-1/f21/",
        "/collections/LEAK-1/f31/",
        "/collections/LEAK-1/f31/children/",
        "/collections/LEAK-1/i311/",
        *(
            f"/collections/{c}/{tail}"
            for c in ("LEAK-2", "LEAK-3")
            for tail in ("", "ead.xml", "print/", "finding-aid.pdf", "g1/", "h1/")
        ),
        "/roster/draft-agent/",
        "/roster/draft-agent/eac-cpf.xml",
        "/roster/embargoed-agent/",
        "/roster/embargoed-agent/eac-cpf.xml",
        "/timeline/draft-event/",
        "/bibliography/draft-work/",
        "/pages/draft-page/",
        "/api/v1/collections/LEAK-2",
        "/api/v1/collections/LEAK-2/components",
        "/api/v1/collections/LEAK-3",
        "/api/v1/collections/LEAK-1/components/s2",
        "/api/v1/collections/LEAK-1/components/s2/children",
        "/api/v1/collections/LEAK-1/components/f21",
        "/api/v1/collections/LEAK-1/components/f31",
        "/api/v1/collections/LEAK-1/components/i311",
        "/api/v1/agents/draft-agent",
        "/api/v1/agents/embargoed-agent",
        "/api/v1/events/draft-event",
        "/api/v1/works/draft-work",
        "/api/v1/exports/ead2002?id=LEAK-2",
        "/api/v1/exports/ead3?id=LEAK-3",
        "/api/v1/exports/ead-source?id=LEAK-2",
        "/api/v1/exports/eac-cpf-2010?id=draft-agent",
    ]
    return planted


@pytest.fixture
def planted(tmp_path, settings) -> Planted:
    settings.BASE_URL = "https://archive.example.org"
    return plant(tmp_path)

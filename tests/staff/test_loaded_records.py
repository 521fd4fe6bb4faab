"""Collections and components in the admin: what their pages show (read-only) beside
their own fields; and the search index following what is saved or deleted there."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from fonds.authorities.models import Agent, Appearance
from fonds.findingaids.models import Collection, Component
from fonds.loader import after_loading, load_paths
from fonds.search.service import SearchRequest, search
from fonds.timeline.models import Event, EventComponent
from tests.factories import ead2002, write
from tests.staff.admin_forms import form_data, set_value
from tests.staff.permissions import client_for

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo"
COMPONENTS = (
    '<c level="file" id="f1"><did><unittitle>Letters to Congress</unittitle>'
    '<container type="box">1</container>'
    '<dao xlink:href="https://example.org/scan-1.jpg" xlink:title="First page"/></did>'
    "<controlaccess><subject>Emigration</subject></controlaccess>"
    '<processinfo audience="internal"><p>Folder to re-house.</p></processinfo></c>'
)
ARCHDESC = (
    "<controlaccess><corpname>Union of Councils for Soviet Jews</corpname></controlaccess>"
    '<processinfo audience="internal"><p>Accession to be checked.</p></processinfo>'
)


@pytest.fixture
def loaded(tmp_path) -> Collection:
    path = write(
        tmp_path / "l.xml",
        ead2002("LOAD-1", COMPONENTS, ARCHDESC).replace(
            "</did>\n",
            '<dao xlink:href="https://example.org/cover.jpg" xlink:title="Cover"/></did>\n',
            1,
        ),
    )
    report = load_paths([path])
    assert report.ok, [r.error for r in report.results]
    collection = Collection.all_objects.get(identifier="LOAD-1")
    agent = Agent.objects.create(identifier="ucsj", kind="organization", authorized_name="UCSJ")
    Appearance.objects.create(agent=agent, collection=collection, role=Appearance.SUBJECT)
    Appearance.objects.create(
        agent=agent, collection=collection, component_ref="f1", role=Appearance.TEXT
    )
    event = Event.objects.create(identifier="lobbying", title="Lobbying Congress", date="1973")
    event.collections.add(collection)
    EventComponent.objects.create(event=event, collection=collection, component_ref="f1")
    return collection


def sections(html: bytes) -> dict[str, str]:
    """The inline groups of a change page: heading -> text."""
    document = lxml.html.fromstring(html)
    return {
        " ".join(group.xpath("string(.//h2)").split()): " ".join(group.text_content().split())
        for group in document.xpath('//div[contains(@class, "inline-group")]')
    }


def test_a_collection_page_shows_what_the_finding_aid_holds_and_what_links_to_it(loaded):
    client = client_for("archivist")
    page = client.get(f"/admin/findingaids/collection/{loaded.pk}/change/")
    assert page.status_code == 200
    found = sections(page.content)
    heads = " | ".join(found)
    for head in (
        "digital objects of the collection",
        "names and subjects of the collection",
        "internal notes of the collection",
        "roster records that appear in the collection",
        "events the collection documents",
        "events its components document",
    ):
        assert any(h.lower().startswith(head) for h in found), (head, heads)
    text = " ".join(found.values())
    assert "Cover" in text and "First page" not in text  # the collection's own, not f1's
    assert "Union of Councils for Soviet Jews" in text and "Emigration" not in text
    assert "Accession to be checked." in text and "Folder to re-house." not in text
    assert "UCSJ" in text and "Lobbying Congress" in text
    # read-only: the only fields of the inlines one can fill are the archivists' notes
    document = lxml.html.fromstring(page.content)
    editable = document.xpath(
        '//div[contains(@class, "inline-group")]'
        '//*[(self::input and not(@type="hidden")) or self::textarea or self::select]/@name'
    )
    assert editable and {name.split("-")[0] for name in editable} == {"archivist_notes"}


def test_a_component_page_shows_its_objects_terms_and_links(loaded):
    folder = Component.all_objects.get(collection=loaded, ref="f1")
    client = client_for("archivist")
    page = client.get(f"/admin/findingaids/component/{folder.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("First page", "Emigration", "Folder to re-house.", "UCSJ", "Lobbying Congress"):
        assert text in html, text
    event = Event.objects.get(identifier="lobbying")
    assert f'href="/admin/timeline/event/{event.pk}/change/"' in html
    assert "_save" in html  # an archivist may change its publication


def test_a_contributor_looks_without_the_internal_notes_and_without_a_save_button(loaded):
    folder = Component.all_objects.get(collection=loaded, ref="f1")
    client = client_for("contributor")
    for address in (
        f"/admin/findingaids/collection/{loaded.pk}/change/",
        f"/admin/findingaids/component/{folder.pk}/change/",
    ):
        page = client.get(address)
        assert page.status_code == 200, address
        html = page.content.decode()
        assert "First page" in html or "Cover" in html
        assert "re-house" not in html and "Accession to be checked" not in html
        assert 'name="_save"' not in html and '<textarea name="archivist_notes' not in html


def test_access_terms_and_digital_objects_are_read_only_for_everyone(loaded):
    client = client_for("administrator")
    for model in ("accessterm", "digitalobject", "internalnote"):
        listing = client.get(f"/admin/findingaids/{model}/")
        assert listing.status_code == 200
        assert f"/admin/findingaids/{model}/add/" not in listing.content.decode()
        assert client.get(f"/admin/findingaids/{model}/add/").status_code == 403


def found(text: str) -> list[str]:
    return [hit.url for hit in search(SearchRequest(text=text, facets=[])).hits]


def test_the_search_index_follows_what_is_saved_and_deleted_in_the_admin(
    tmp_path, django_capture_on_commit_callbacks
):
    report = load_paths([DEMO / "roster.yaml", DEMO / "timeline.yaml"])
    assert report.ok
    after_loading(report)
    client = client_for("archivist")
    agent = Agent.objects.get(identifier="sssj")
    assert "/roster/sssj/" in found("Student Struggle")

    url = f"/admin/authorities/agent/{agent.pk}/change/"
    data = form_data(client.get(url).content, "agent_form")
    set_value(data, "summary", "Its members kept a vigil called Zephyrwatch.")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert "/roster/sssj/" in found("Zephyrwatch")

    event = Event.objects.filter(published=True).first()
    assert f"/timeline/{event.identifier}/" in found(event.title)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/timeline/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert f"/timeline/{event.identifier}/" not in found(event.title)


def test_a_deleted_collection_leaves_the_index_with_its_folders(
    tmp_path, django_capture_on_commit_callbacks
):
    path = write(tmp_path / "d.xml", ead2002("GONE-1", COMPONENTS, title="Quixotic papers"))
    report = load_paths([path])
    after_loading(report)
    assert "/collections/GONE-1/f1/" in found("Letters to Congress")
    collection = Collection.all_objects.get(identifier="GONE-1")
    client = client_for("archivist")
    confirm = client.get(f"/admin/findingaids/collection/{collection.pk}/delete/")
    assert confirm.status_code == 200
    assert "Components: 1" in " ".join(confirm.content.decode().split())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/findingaids/collection/{collection.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Collection.all_objects.filter(identifier="GONE-1").exists()
    assert found("Letters to Congress") == [] and found("Quixotic") == []
    assert Component.all_objects.count() == 0

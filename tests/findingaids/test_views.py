"""Public pages of collections and components, through Django's test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.findingaids.models import Collection, Component
from fonds.loader import load_file
from tests.conftest import corpus_file
from tests.factories import ead2002, write

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "findingaids"


def test_collection_and_component_pages(client):
    load_file(corpus_file("pulfa-c1752-naiman-cyrillic.xml"))
    assert client.get("/").status_code == 200
    listing = client.get("/collections/")
    assert "Anatoly Naiman Papers" in listing.content.decode()
    page = client.get("/collections/C1752/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anatoly Naiman Papers" in html
    assert "Biographical" in html or "bioghist" in html
    deep = Component.objects.filter(collection__identifier="C1752", depth=3).first()
    response = client.get(deep.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    for ancestor in deep.ancestors():
        assert ancestor.get_absolute_url() in body  # breadcrumb
    assert client.get("/collections/C1752/no-such-ref/").status_code == 404
    assert client.get("/collections/NOPE/").status_code == 404


def test_internal_content_never_reaches_pages(client):
    load_file(DEMO / "DEMO-001.xml")
    collection = Collection.objects.get(identifier="DEMO-001")
    pages = [client.get("/collections/"), client.get(collection.get_absolute_url())]
    pages += [client.get(c.get_absolute_url()) for c in collection.components.all()]
    for response in pages:
        assert response.status_code == 200
        assert "INTERNAL-MARKER" not in response.content.decode()
    hidden = Component.all_objects.get(collection=collection, internal=True, title__contains="001")
    assert client.get(f"/collections/DEMO-001/{hidden.ref}/").status_code == 404


def test_ead_markup_is_sanitized(client, tmp_path):
    payload = (
        '<scopecontent><p>Safe <emph render="bold">bold</emph> '
        '<extref xlink:href="javascript:alert(1)">bad link</extref> '
        '<extref xlink:href="https://example.org/ok">good link</extref> '
        "&lt;script&gt;alert(2)&lt;/script&gt;</p></scopecontent>"
    )
    path = write(tmp_path / "x.xml", ead2002("XSS-1", archdesc_extra=payload))
    assert load_file(path).status == "loaded"
    html = client.get("/collections/XSS-1/").content.decode()
    assert "<strong>bold</strong>" in html
    assert "javascript:" not in html
    assert "<script>" not in html
    assert 'href="https://example.org/ok"' in html
    assert "bad link" in html  # the text stays, the link goes


def test_the_digital_objects_section_of_collection_and_component_pages(client):
    from lxml import html as lxml_html

    load_file(corpus_file("saa-c1571-ead3.xml"))  # one dao on the collection itself
    page = lxml_html.fromstring(client.get("/collections/C1571/").content)
    section = page.get_element_by_id("digital")
    assert section.tag == "section" and section.get("aria-labelledby") == "digital-heading"
    assert section.xpath("string(h2)") == "Digital objects"
    links = section.xpath(".//li/a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Princeton University Manuscripts Division", "bioghist-images/shieldlogo.jpg")
    ]
    assert page.xpath("//a[@href='#digital']")  # in the page's table of contents
    # a folder's page lists its own digital objects, and a collection without any
    # at its top has no such section
    load_file(corpus_file("saa-umn-yusa0008-ead3.xml"))
    folder = Component.objects.filter(
        collection__identifier="yusa0008", digital_objects__isnull=False
    ).first()
    expected = folder.digital_objects.all()
    assert expected
    page = lxml_html.fromstring(client.get(folder.get_absolute_url()).content)
    items = page.get_element_by_id("digital").xpath(".//li")
    assert len(items) == expected.count()
    assert expected[0].title in items[0].text_content() or expected[0].href in (
        items[0].text_content() + "".join(items[0].xpath(".//a/@href"))
    )
    assert (
        not Collection.objects.get(identifier="yusa0008")
        .digital_objects.filter(component__isnull=True)
        .exists()
    )
    assert 'id="digital"' not in client.get("/collections/yusa0008/").content.decode()

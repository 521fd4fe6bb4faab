"""The reading pages of a finding aid: sections, contents tree, citation, downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from fonds.findingaids.models import Collection, Component
from fonds.loader import load_file
from fonds.search.service import sync
from tests.conftest import corpus_file

pytestmark = pytest.mark.django_db(transaction=True)
DEMO = Path(__file__).resolve().parents[2] / "fonds" / "demo" / "findingaids"


@pytest.fixture
def demo(settings, tmp_path):
    settings.FONDS_HOME = tmp_path
    for name in ("DEMO-001.xml", "DEMO-004.xml"):
        assert not load_file(DEMO / name).error
    sync()


def test_collection_page_has_every_section_and_a_lazy_tree(client, demo):
    html = client.get("/collections/DEMO-001/").content.decode()
    for anchor in ("summary", "background", "scope", "arrangement", "access", "terms", "contents"):
        assert f'id="{anchor}"' in html, anchor
    # access terms link to searches
    assert re.search(r'href="/search\?person=[^"]+"', html)
    # series are closed branches whose children come from their own URL
    branches = re.findall(r'<li class="node branch" data-children="([^"]+)"', html)
    top = Component.objects.filter(collection__identifier="DEMO-001", depth=1)
    assert len(branches) == sum(1 for c in top if not c.is_leaf)
    fragment = client.get(branches[0])
    assert fragment.status_code == 200
    first = top.order_by("sequence").first()
    for child in first.children.all():
        assert child.get_absolute_url() in fragment.content.decode()


def test_a_6000_component_finding_aid_shows_only_its_first_level(client, demo):
    collection = Collection.objects.get(identifier="DEMO-004")
    assert collection.component_count >= 6000
    html = client.get(collection.get_absolute_url()).content.decode()
    assert html.count('class="node branch"') + html.count('class="node leaf"') == (
        collection.components.filter(depth=1).count()
    )
    assert len(html) < 60_000


def test_component_page_citation_and_contact_link(client, demo):
    folder = next(
        c
        for c in Component.objects.filter(collection__identifier="DEMO-001", level="file")
        if c.containers and c.date_text
    )
    html = client.get(folder.get_absolute_url()).content.decode()
    text = re.search(r'<p class="citation-text" id="citation-text">(.*?)</p>', html, re.S).group(1)
    assert folder.title.replace("&", "&amp;")[:30] in text
    assert "Box " in text and "folder " in text
    assert "Cleveland Council on Soviet Anti-Semitism records, DEMO-001." in text
    assert "Archive of the American Soviet Jewry Movement" in text
    assert f"http://testserver/collections/DEMO-001/{folder.ref}/" in text
    assert f"?collection=DEMO-001&amp;ref={folder.ref}" in html


def test_collections_list_sorts_and_filters(client, demo):
    assert not load_file(corpus_file("nyu-tam183-new-jewish-agenda.xml")).error
    by_title = client.get("/collections/").content.decode()
    titles = re.findall(r'<h2><a href="/collections/[^/]+/">([^<]+)</a></h2>', by_title)
    assert titles == sorted(titles)
    by_date = client.get("/collections/", {"sort": "-date"}).content.decode()
    newest = re.findall(r'<h2><a href="/collections/([^/]+)/">', by_date)
    assert newest[0] == "tam_183"  # 1980-1992 is the newest begin year
    only_80s = client.get("/collections/", {"from": "1990", "to": "1995"}).content.decode()
    assert "New Jewish Agenda" in only_80s
    creator = client.get(
        "/collections/", {"creator": "New Jewish Agenda (Organization)"}
    ).content.decode()
    assert re.findall(r'<h2><a href="/collections/([^/]+)/">', creator) == ["tam_183"]


def test_ead_download_leaves_out_internal_content(client, demo):
    response = client.get("/collections/DEMO-001/ead.xml")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert b"INTERNAL-MARKER" not in data
    tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    assert tree.findtext(".//{*}eadid") == "DEMO-001"


def test_ead_download_keeps_a_minimal_header_when_the_header_is_internal(
    client, settings, tmp_path
):
    settings.FONDS_HOME = tmp_path
    assert not load_file(corpus_file("aspace-voorhis-doctype.xml")).error
    data = b"".join(client.get("/collections/voorhis/ead.xml").streaming_content)
    assert b"<!DOCTYPE ead" in data
    root = etree.fromstring(
        data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    )
    header = root.find("eadheader")
    assert header is not None and header.get("audience") is None
    assert [c.tag for c in header] == ["eadid", "filedesc"]
    assert b'audience="internal"' not in data


def test_printable_page_and_pdf(client, demo):
    printable = client.get("/collections/DEMO-001/print/").content.decode()
    assert (
        printable.count('class="item depth-')
        == Component.objects.filter(collection__identifier="DEMO-001").count()
    )
    response = client.get("/collections/DEMO-001/finding-aid.pdf")
    if response.status_code == 503:
        pytest.skip("WeasyPrint cannot find Pango on this machine")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_security_headers_and_theme(client, demo, settings):
    response = client.get("/collections/DEMO-001/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    settings.ARCHIVE_ACCENT_COLOUR = "#123456"
    assert "--accent: #123456" in client.get("/theme.css").content.decode()
    settings.ARCHIVE_ACCENT_COLOUR = "red;} body{display:none"
    assert "display:none" not in client.get("/theme.css").content.decode()

"""sitemap.xml and robots.txt: a well-formed index, pages of at most PAGE_SIZE
addresses that answer, every public record listed and nothing internal."""

from __future__ import annotations

import math
from urllib.robotparser import RobotFileParser

import pytest
from lxml import etree

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.linked import sitemaps
from fonds.pages.models import Page
from fonds.timeline.models import Event
from tests.linked.conftest import BASE_URL

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITEMAPS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def fetch_xml(client, address: str) -> etree._Element:
    assert address.startswith(BASE_URL + "/"), address
    response = client.get(address.removeprefix(BASE_URL))
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/xml")
    data = response.getvalue()
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def index(client) -> list[str]:
    root = fetch_xml(client, f"{BASE_URL}/sitemap.xml")
    assert root.tag == SITEMAPS + "sitemapindex"
    return root.xpath("s:sitemap/s:loc/text()", namespaces=NS)


def listed(client, page: str) -> list[str]:
    root = fetch_xml(client, page)
    assert root.tag == SITEMAPS + "urlset"
    locations = root.xpath("s:url/s:loc/text()", namespaces=NS)
    assert len(locations) <= sitemaps.PAGE_SIZE
    return locations


def test_index_and_pages_list_every_public_record(client, demo):
    pages = index(client)
    assert f"{BASE_URL}/sitemaps/pages.xml" in pages
    assert f"{BASE_URL}/sitemaps/collections.xml" in pages
    found: dict[str, list[str]] = {}
    for page in pages:
        name = page.rsplit("/", 1)[1].removesuffix(".xml")
        section = "components" if name.startswith("components-") else name
        found.setdefault(section, []).extend(listed(client, page))
    assert len(found["components"]) == Component.objects.count()
    assert len(set(found["components"])) == len(found["components"])
    assert set(found["collections"]) == {
        BASE_URL + c.get_absolute_url() for c in Collection.objects.all()
    }
    assert len(found["roster"]) == Agent.objects.filter(published=True).count()
    assert len(found["timeline"]) == Event.objects.filter(published=True).count()
    assert len(found["bibliography"]) == Work.objects.filter(published=True).count()
    assert f"{BASE_URL}/" in found["pages"]
    for page in Page.objects.filter(published=True):
        assert BASE_URL + page.get_absolute_url() in found["pages"]
    internal = Component.all_objects.filter(internal=True)
    assert internal.exists()
    assert not {BASE_URL + c.get_absolute_url() for c in internal} & set(found["components"])
    # every address answers; components by sample (first, last, every 97th)
    sample = found["components"][::97] + found["components"][-1:]
    others = [
        a for section, addresses in found.items() if section != "components" for a in addresses
    ]
    for address in others + sample:
        response = client.get(address.removeprefix(BASE_URL))
        assert response.status_code == 200, address


def test_lastmod_is_when_the_record_changed(client, demo):
    root = fetch_xml(client, f"{BASE_URL}/sitemaps/collections.xml")
    collection = Collection.objects.get(identifier="DEMO-001")
    entry = root.xpath(
        "s:url[s:loc=$loc]/s:lastmod/text()",
        namespaces=NS,
        loc=f"{BASE_URL}/collections/DEMO-001/",
    )
    assert entry == [collection.updated_at.isoformat(timespec="seconds")]


def test_large_collections_are_split_into_pages(client, demo, monkeypatch):
    monkeypatch.setattr(sitemaps, "PAGE_SIZE", 1000)
    collection = Collection.objects.get(identifier="DEMO-004")
    count = collection.components.count()
    assert count > 5000
    pages = [p for p in index(client) if "/components-DEMO-004-" in p]
    assert pages == [
        f"{BASE_URL}/sitemaps/components-DEMO-004-{n}.xml"
        for n in range(1, math.ceil(count / 1000) + 1)
    ]
    addresses = [a for page in pages for a in listed(client, page)]
    assert addresses == [
        BASE_URL + c.get_absolute_url()
        for c in Component.objects.filter(collection=collection)
        .select_related("collection")
        .order_by("sequence")
    ]
    beyond = f"/sitemaps/components-DEMO-004-{len(pages) + 1}.xml"
    assert client.get(beyond).status_code == 404


@pytest.mark.parametrize(
    "name", ["components-NOPE-1", "components-DEMO-001-0", "bogus", "roster-2", "pages-x"]
)
def test_unknown_sitemap_pages_are_not_found(client, demo, name):
    assert client.get(f"/sitemaps/{name}.xml").status_code == 404


def test_robots_txt(client, demo):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in text.splitlines()
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    for path in ("/", "/collections/DEMO-001/", "/roster/sssj/", "/timeline/", "/contact/"):
        assert robots.can_fetch("*", BASE_URL + path), path
    for path in (
        "/admin/",
        "/admin/login/",
        "/search?q=Sharansky",
        "/api/collections",
        "/contact/?collection=DEMO-001&ref=demo001-s1",
    ):
        assert not robots.can_fetch("*", BASE_URL + path), path
    assert "Disallow: /collections/*/finding-aid.pdf" in text

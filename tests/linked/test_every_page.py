"""Every page carries one JSON-LD description that parses."""

from __future__ import annotations

import json
import re

import pytest

PAGES = [
    "/",
    "/collections/",
    "/collections/DEMO-001/",
    "/collections/DEMO-001/demo001-s3-ss2/",
    "/collections/DEMO-001/print/",
    "/roster/",
    "/roster/graph/",
    "/roster/print/",
    "/roster/ncsj/",
    "/timeline/",
    "/timeline/1977-03-15-shcharansky-arrested/",
    "/bibliography/",
    "/bibliography/beckerman-2010/",
    "/search?q=Sharansky",
    "/pages/about/",
    "/contact/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_one_json_ld_description(client, demo, path):
    html = client.get(path).content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1, path
    data = json.loads(scripts[0])
    assert data["@context"] and data["@graph"]
    assert all(thing["@type"] for thing in data["@graph"])


def test_the_printable_finding_aid_is_about_its_collection(client, demo):
    html = client.get("/collections/DEMO-001/print/").content.decode()
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    page, collection = json.loads(script)["@graph"]
    assert page["@type"] == "WebPage" and page["url"].endswith("/collections/DEMO-001/print/")
    assert page["mainEntity"]["@id"] == collection["@id"]
    assert collection["@type"] == "ArchiveComponent"
    assert collection["@id"].endswith("/collections/DEMO-001/")

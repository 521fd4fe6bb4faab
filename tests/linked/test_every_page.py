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
    "/roster/",
    "/roster/graph/",
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

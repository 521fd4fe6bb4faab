"""The privacy proof: nothing hidden reaches the public, by any way out.

With a hidden thing of every kind planted (see conftest.py), every output is
walked: every page reachable from the home page and the hidden records' own
addresses, search (the web page, ``fonds search`` and the API) for every marker,
every API endpoint, OAI-PMH ListRecords in every format and set, every exporter,
the sitemaps, and the static site ``fonds export-site`` writes, file by file. Each
output is searched for every marker; the test counts what it checked and asserts
that no marker leaked. Then everything is published and every marker is found:
the markers were real, and publishing takes effect at once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import etree

from fonds import cli
from fonds.authorities.models import Agent
from fonds.exports.registry import all_exporters
from fonds.findingaids.models import Collection
from fonds.oai.records import oai_identifier
from fonds.publishing.service import set_publication
from fonds.staticsite import Options, export_site
from tests.publishing.conftest import FOREVER, Planted

pytestmark = pytest.mark.django_db(transaction=True)

OAI = "{http://www.openarchives.org/OAI/2.0/}"
LINK = re.compile(rb'(?:href|data-children|action|src)="([^"#]*)')
SKIPPED_PREFIXES = ("/static/", "/admin/", "/theme.css", "/pagefind/")
MAX_SEARCH_PAGES = 150  # facet links lead to ever more combinations: a sample


class Walk:
    """Counts what it checks, and every marker found where it must not be."""

    def __init__(self, client: Any, markers: Iterable[str]) -> None:
        self.client = client
        self.markers = [m.encode() for m in markers]
        self.checked: Counter[str] = Counter()
        self.leaks: list[tuple[str, str]] = []

    def check(self, kind: str, where: str, body: bytes | str) -> bytes:
        data = body.encode() if isinstance(body, str) else body
        self.checked[kind] += 1
        for marker in self.markers:
            if marker in data:
                self.leaks.append((marker.decode(), f"{kind}: {where}"))
        return data

    def get(self, kind: str, url: str, status: int | None = 200, **params: Any) -> Any:
        response = self.client.get(url, params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.check(kind, f"{url} {params or ''}".strip(), body)
        if status is not None:
            assert response.status_code == status, (url, params, response.status_code)
        response.body = body
        return response

    @property
    def total(self) -> int:
        return sum(self.checked.values())


# -- the ways out ----------------------------------------------------------------------------


def crawl_pages(walk: Walk) -> None:
    """Every page linked from the home page, following links (search pages sampled)."""
    seen: set[str] = set()
    pending = ["/"]
    searches = 0
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        if url.startswith("/search"):
            searches += 1
            if searches > MAX_SEARCH_PAGES:
                continue
        response = walk.get("page", url, status=None)
        assert response.status_code in (200, 301, 302), (url, response.status_code)
        if response.status_code != 200:
            location = response.get("Location", "")
            if location.startswith("/"):
                pending.append(location)
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for raw in LINK.findall(response.body):
            link = urljoin(url, raw.decode().replace("&amp;", "&"))
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(".pdf"):
                continue  # PDFs: their text is compressed; the print pages they come from are read
            pending.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert walk.checked["page"] > 50


def hidden_addresses(walk: Walk, planted: Planted) -> None:
    for url in planted.addresses:
        path, _, query = url.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
        walk.get("hidden address (404)", path, status=404, **params)


def search_everywhere(walk: Walk, planted: Planted, capsys: Any) -> None:
    """Each marker asked for: a search page shows the query it was asked, so a marker
    may appear there as often as a query that finds nothing appears on its page."""

    def echoed(url: str, query: str, **params: Any) -> int:
        response = walk.client.get(url, {"q": query, **params})
        assert response.status_code == 200, (url, query)
        return response.content.count(query.encode())

    # As a phrase: PostgreSQL's search also looks for names that merely look like the
    # words of a query finding little (STAFF ~ States, MARKER ~ Mark), and so finds
    # public records with no hidden text, on a page echoing the query more often than
    # a page of no results; a phrase is searched as typed.
    for url in ("/search", "/api/v1/search"):
        baseline = echoed(url, '"NOTHING-AT-ALL-QQQ"')
        for marker in planted.markers:
            walk.checked["search"] += 1
            if echoed(url, f'"{marker}"') != baseline:
                walk.leaks.append((marker, f'search: {url}?q="{marker}"'))
    for marker in planted.markers:
        phrase = f'"{marker}"'
        assert cli.main(["search", phrase, "--json"]) == 0
        found = json.loads(walk.check("search", f"fonds search {phrase}", capsys.readouterr().out))
        assert found["total"] == 0, (marker, found["hits"][:3])
        # as words: whatever the API and the command line find shows no marker (the
        # API's hits and facets alone: the rest of its answer echoes the query)
        body = walk.client.get("/api/v1/search", {"q": marker}).json()
        found_part = {k: v for k, v in body.items() if k in ("hits", "facets", "total")}
        walk.check("search", f"/api/v1/search?q={marker} (hits)", json.dumps(found_part))
        assert cli.main(["search", marker, "--json"]) == 0
        walk.check("search", f"fonds search {marker}", capsys.readouterr().out)
    # everything, with every facet's values and counts
    for collection in ("", "LEAK-1"):
        params = {"collection": collection} if collection else {}
        walk.get("search", "/search", **params)
        body = walk.get("search", "/api/v1/search", limit=100, **params).json()
        while body.get("next"):
            body = walk.get("search", body["next"].removeprefix("http://testserver")).json()
    assert cli.main(["search", "--json", "--limit", "100"]) == 0
    everything = json.loads(walk.check("search", "fonds search (all)", capsys.readouterr().out))
    leak1 = sum(n for value, n in everything["facets"]["collection"] if value == "LEAK-1")
    assert leak1 == 5, everything["facets"]["collection"]  # itself, s1, f11, s3, f32


def walk_api(walk: Walk) -> None:
    def listing(url: str, **params: Any) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        body = walk.get("api", url, **params).json()
        records += body["data"]
        while body["next"]:
            body = walk.get("api", body["next"].removeprefix("http://testserver")).json()
            records += body["data"]
        return records

    def path(url: str) -> str:
        return url.removeprefix("http://testserver")

    walk.get("api", "/api/v1/")
    walk.get("api", "/api/v1/openapi.json")
    for url in ("/api/v1/collections", "/api/v1/agents", "/api/v1/events", "/api/v1/works"):
        for record in listing(url, limit=100):
            walk.get("api", path(record["links"]["self"]))
    for identifier in Collection.objects.values_list("identifier", flat=True):
        pending = [
            r["links"]["self"] for r in listing(f"/api/v1/collections/{identifier}/components")
        ]
        while pending:
            data = walk.get("api", path(pending.pop())).json()["data"]
            pending += [c["links"]["self"] for c in listing(path(data["links"]["children"]))]
    listing("/api/v1/exports")
    for exporter in all_exporters().values():
        if exporter.scope == "archive":
            walk.get("api", f"/api/v1/exports/{exporter.name}")


def harvest_oai(walk: Walk, planted: Planted) -> None:
    def ask(**arguments: str) -> etree._Element:
        response = walk.get("oai", "/oai", **arguments)
        return etree.fromstring(response.body)

    def harvest(**arguments: str) -> list[etree._Element]:
        found: list[etree._Element] = []
        root = ask(verb="ListRecords", **arguments)
        while True:
            if root.find(f"{OAI}error") is not None:
                assert root.find(f"{OAI}error").get("code") == "noRecordsMatch"
                return found
            body = root.find(f"{OAI}ListRecords")
            found += body.findall(f"{OAI}record")
            token = body.find(f"{OAI}resumptionToken")
            if token is None or not token.text:
                return found
            root = ask(verb="ListRecords", resumptionToken=token.text)

    ask(verb="Identify")
    formats = [
        f.findtext(f"{OAI}metadataPrefix")
        for f in ask(verb="ListMetadataFormats").iter(f"{OAI}metadataFormat")
    ]
    sets = [s.findtext(f"{OAI}setSpec") for s in ask(verb="ListSets").iter(f"{OAI}set")]
    assert "collection:LEAK-2" not in sets and "collection:LEAK-3" not in sets
    deleted: set[str] = set()
    for prefix in formats:
        for spec in [None, *sets, "collection:LEAK-2", "collection:LEAK-3"]:
            records = harvest(metadataPrefix=prefix, **({"set": spec} if spec else {}))
            for record in records:
                header = record.find(f"{OAI}header")
                if header.get("status") == "deleted":
                    assert record.find(f"{OAI}metadata") is None
                    deleted.add(header.findtext(f"{OAI}identifier"))
    hidden = {
        oai_identifier(kind, identifier)
        for kind, identifier in (
            ("collection", "LEAK-2"),
            ("collection", "LEAK-3"),
            ("agent", "draft-agent"),
            ("agent", "embargoed-agent"),
            ("event", "draft-event"),
            ("work", "draft-work"),
        )
    }
    assert deleted == hidden
    for identifier in deleted:
        root = ask(verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
        assert root.find(f".//{OAI}header").get("status") == "deleted"


def run_exporters(walk: Walk) -> None:
    from fonds.exports.registry import export

    for exporter in all_exporters().values():
        if exporter.scope == "archive":
            walk.check("export", exporter.name, export(exporter.name))
        elif exporter.scope == "collection":
            for collection in Collection.objects.all():
                walk.check(
                    "export",
                    f"{exporter.name} {collection.identifier}",
                    export(exporter.name, collection),
                )
            for identifier in Collection.objects.values_list("identifier", flat=True):
                walk.get("export", f"/collections/{identifier}/ead.xml")
                walk.get("export", f"/collections/{identifier}/print/")
        elif exporter.scope == "agent":
            for agent in Agent.objects.public():
                walk.check(
                    "export", f"{exporter.name} {agent.identifier}", export(exporter.name, agent)
                )
    for url in (
        "/roster/roster.csv",
        "/timeline/timeline.json",
        "/timeline/timeline.yaml",
        "/timeline/timeline.csv",
        "/bibliography/bibliography.json",
        "/bibliography/bibliography.bib",
        "/bibliography/bibliography.ris",
        "/roster/print/",
        "/roster/graph/",
    ):
        walk.get("export", url)


def read_sitemaps(walk: Walk) -> None:
    index = walk.get("sitemap", "/sitemap.xml")
    for loc in re.findall(rb"<loc>([^<]+)</loc>", index.body):
        walk.get("sitemap", urlsplit(loc.decode()).path)
    walk.get("sitemap", "/robots.txt")


def export_static_site(walk: Walk, folder: Path) -> None:
    report = export_site(folder, Options(pdf=False))
    assert report.ok, (report.problems, report.missing_links)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            walk.check("static file", str(path.relative_to(folder)), path.read_bytes())
    for hidden in ("LEAK-2", "LEAK-3", "LEAK-1/s2", "LEAK-1/f21", "LEAK-1/f31", "LEAK-1/i311"):
        assert not (folder / "collections" / hidden).exists(), hidden
    for hidden in ("roster/draft-agent", "timeline/draft-event", "bibliography/draft-work"):
        assert not (folder / hidden).exists(), hidden


# -- the proof ---------------------------------------------------------------------------------


def test_nothing_hidden_reaches_the_public(planted, client, capsys, tmp_path):
    walk = Walk(client, planted.markers)
    crawl_pages(walk)
    hidden_addresses(walk, planted)
    search_everywhere(walk, planted, capsys)
    walk_api(walk)
    harvest_oai(walk, planted)
    run_exporters(walk)
    read_sitemaps(walk)
    export_static_site(walk, tmp_path / "site")
    with capsys.disabled():
        print(
            f"\nprivacy walk: {walk.total} outputs checked for {len(planted.markers)} markers "
            f"({', '.join(f'{k}: {n}' for k, n in sorted(walk.checked.items()))}); "
            f"leaks: {len(walk.leaks)}"
        )
    assert walk.leaks == [], "\n".join(f"{m} in {where}" for m, where in walk.leaks[:40])

    # Published, every marker shows (but internal content and staff notes): the
    # markers were real, and publishing takes effect at once, index included.
    for record in planted.publishable:
        assert set_publication(record, True, None)
    revealed = (
        "/collections/LEAK-1/s2/",
        "/collections/LEAK-1/f21/",
        "/collections/LEAK-1/f31/",
        "/collections/LEAK-1/i311/",
        "/collections/LEAK-2/",
        "/collections/LEAK-2/g1/",
        "/collections/LEAK-3/",
        "/collections/LEAK-3/h1/",
        "/roster/draft-agent/",
        "/roster/embargoed-agent/",
        "/timeline/draft-event/",
        "/bibliography/draft-work/",
        "/pages/draft-page/",
    )
    shown = Walk(client, [])
    pages = b"".join(shown.get("page", url).body for url in revealed)
    for marker in planted.markers:
        if marker in FOREVER:
            assert marker.encode() not in pages, marker
        else:
            assert marker.encode() in pages, marker
    for marker in planted.markers:
        # pages are not searched; a digital object's title and a variant name are
        # shown, not indexed as words of their own record
        unsearched = ("DRAFT-PAGE-MARKER", "DRAFT-DAO-MARKER", "DRAFT-AGENT-VARIANT-MARKER")
        if marker in FOREVER or marker in unsearched:
            continue
        found = client.get("/api/v1/search", {"q": marker}).json()["total"]
        assert found > 0, f"{marker}: not found once published"
    oai = client.get(
        "/oai",
        {
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": oai_identifier("collection", "LEAK-2"),
        },
    )
    assert b'status="deleted"' not in oai.content
    assert b"DRAFT-COLLECTION-MARKER" in oai.content

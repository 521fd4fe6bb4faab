"""Where live addresses go in the static site, and how links to them are rewritten."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from fonds.staticsite.links import Links, file_of, static_path


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/collections/", "page=2", "/collections/page/2/"),
        ("/collections/", "&page=3", "/collections/page/3/"),
        ("/collections/", "page=1", "/collections/"),
        ("/collections/C1/R1/children/", "page=2", "/collections/C1/R1/children/page/2/"),
        ("/timeline/", "decade=1970", "/timeline/decade/1970/"),
        ("/bibliography/", "style=chicago-author-date", "/bibliography/style/chicago-author-date/"),
        ("/bibliography/", "style=chicago-notes-bibliography", "/bibliography/"),
        ("/roster/ncsj/eac-cpf.xml", "version=2.0", "/roster/ncsj/eac-cpf-2.0.xml"),
        # no page of their own: served without the query
        ("/collections/", "sort=date", None),
        ("/collections/", "sort=date&page=2", None),
        ("/timeline/", "decade=../x", None),
        ("/roster/ncsj/eac-cpf.xml", "version=3", None),
    ],
)
def test_static_path(path, query, expected):
    assert static_path(path, query) == expected


def test_file_of():
    assert file_of("/") == PurePosixPath("index.html")
    assert file_of("/collections/C1/") == PurePosixPath("collections/C1/index.html")
    assert file_of("/collections/C%201/ead.xml") == PurePosixPath("collections/C 1/ead.xml")
    with pytest.raises(ValueError):
        file_of("/collections/../../etc/")


def test_links_are_rewritten_and_found():
    found = []
    links = Links(found=lambda live, static: found.append((live, static)))
    page = (
        '<a href="/search">s</a> <form action="/search" method="get"></form>'
        '<a href="/search?collection=C1&amp;q=x">w</a>'
        '<a href="/contact/?collection=C1&amp;ref=r">ask</a>'
        '<a class="more-children" href="?page=2">more</a>'
        '<a href="/timeline/?decade=1970#top">1970s</a>'
        '<li data-children="/collections/C1/R1/children/"></li>'
        '<a href="https://example.org/x?page=2">out</a> <a href="#main">skip</a>'
        '<a href="mailto:a@example.org">mail</a>'
    )
    out = links.rewrite_page(page, "/collections/C1/R1/")
    assert '<a href="/search/">s</a>' in out
    assert 'action="/search/"' in out
    assert 'href="/search/?collection=C1&amp;q=x"' in out
    assert 'href="/contact/"' in out
    assert 'href="/collections/C1/R1/page/2/"' in out
    assert 'href="/timeline/decade/1970/#top"' in out
    assert 'data-children="/collections/C1/R1/children/"' in out
    assert 'href="https://example.org/x?page=2"' in out
    assert 'href="#main"' in out and 'href="mailto:a@example.org"' in out
    assert found == [
        ("/collections/C1/R1/?page=2", "/collections/C1/R1/page/2/"),
        ("/timeline/?decade=1970", "/timeline/decade/1970/"),
        ("/collections/C1/R1/children/", "/collections/C1/R1/children/"),
    ]
    assert "/collections/C1/R1/page/2/" in links.targets
    assert not any(t.startswith("http") for t in links.targets)


def test_base_path_prefixes_every_site_address():
    links = Links(base_path="/archive")
    out = links.rewrite_page(
        '<link href="/static/fonds/site.css"><a href="/collections/C1/">c</a>'
        '<a href="?page=2">n</a><li data-children="/collections/C1/R1/children/">',
        "/collections/",
    )
    assert 'href="/archive/static/fonds/site.css"' in out
    assert 'href="/archive/collections/C1/"' in out
    assert 'href="/archive/collections/page/2/"' in out
    assert 'data-children="/archive/collections/C1/R1/children/"' in out
    # what the link check looks for stays a path of the site itself
    assert "/collections/C1/" in links.targets

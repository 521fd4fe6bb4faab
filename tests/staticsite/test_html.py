"""Edits to rendered pages: exact, and nothing else of the page changes."""

from __future__ import annotations

from fonds.staticsite.html import Page

PAGE = """<!doctype html>
<html lang="en"><head><title>t</title><link rel="stylesheet" href="/x.css"></head>
<body>
<header><form class="quick-search" action="/search/"><input name="q"></form></header>
<main id="main">
<h1>Letters for &#1065;aransky &amp; others</h1>
<p>One<br>two <img src="/i.png" alt=""/></p>
<script>var ignored = "words";</script>
<section class="ask"><h2>Ask</h2><form method="post"><input name="a"><p>unclosed
</form></section>
<ul><li>a<li>b</ul>
</main>
</body></html>
"""


def test_elements_are_found_with_their_extent():
    page = Page.read(PAGE)
    main = page.first("main")
    assert main is not None
    assert PAGE[main.start : main.start_end] == '<main id="main">'
    assert PAGE[main.end_start : main.end] == "</main>"
    ask = page.first("section", classes={"ask"})
    assert ask is not None
    assert PAGE[ask.start : ask.end].startswith('<section class="ask">')
    assert PAGE[ask.start : ask.end].endswith("</form></section>")
    forms = list(page.find("form"))
    assert [f.attrs.get("method", "") for f in forms] == ["", "post"]
    assert page.first("img") is not None


def test_text_of_an_element_leaves_scripts_tags_and_parts_out():
    page = Page.read(PAGE)
    main = page.first("main")
    ask = page.first("section", classes={"ask"})
    assert main and ask
    text = page.text_inside(main, [ask])
    assert "Щaransky & others" in text
    assert "ignored" not in text and "Ask" not in text and "unclosed" not in text
    assert "<" not in text
    assert "Ask" in page.text_inside(main, [])


def test_edits_are_spliced_into_the_original_text():
    page = Page.read(PAGE)
    main = page.first("main")
    ask = page.first("section", classes={"ask"})
    img = page.first("img")
    assert main and ask and img
    page.add_attribute(main, "data-pagefind-body")
    page.append_inside(main, "<div hidden>extra</div>")
    page.replace(ask, "<p>write to us</p>")
    page.add_attribute(img, 'loading="lazy"')
    out = page.result()
    assert '<main id="main" data-pagefind-body>' in out
    assert "<div hidden>extra</div></main>" in out
    assert "<p>write to us</p>" in out and 'method="post"' not in out
    assert '<img src="/i.png" alt="" loading="lazy"/>' in out
    # everything else is untouched
    assert (
        out.replace(" data-pagefind-body", "")
        .replace("<div hidden>extra</div>", "")
        .replace("<p>write to us</p>", PAGE[ask.start : ask.end])
        .replace(' loading="lazy"', "")
        == PAGE
    )

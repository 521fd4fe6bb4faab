"""Mixed content to safe HTML (fonds.formats.markup), on snippets and on every note of
every corpus file; Unicode normalization of everything the reader yields."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from lxml import etree
from lxml import html as lhtml

from fonds.formats.ead import EADReader
from fonds.formats.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    SAFE_SCHEMES,
    nfc,
    plain,
    safe_href,
    text_of,
    to_html,
)
from tests.conftest import corpus_file
from tests.formats.helpers import (
    EAD_NAMES,
    collapse,
    components,
    elements,
    local,
    own_text,
    read,
    squash,
)

NS = 'xmlns="urn:isbn:1-931666-22-9" xmlns:xlink="http://www.w3.org/1999/xlink"'
UNSAFE = {
    "javascript": "javascript:alert(1)",
    "mixed-case": "JaVaScRiPt:alert(1)",
    "leading-space": " \n javascript:alert(1)",
    "tab-inside": "java&#9;script:alert(1)",
    "char-ref": "&#x6A;avascript:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
}
# Elements of archdesc/c that the reader does not turn into notes, and the same in <did>.
NOT_NOTES = {"did", "dsc", "head", "controlaccess", "dao", "daogrp", "daoset", "descgrp"}
NOT_NOTES |= {"relations", "thead", "runner", "c", *(f"c{n:02d}" for n in range(1, 13))}
DID_VALUES = {"unittitle", "unitid", "unitdate", "unitdatestructured", "physdesc", "head"}
DID_VALUES |= {"physdescstructured", "physdescset", "container", "dao", "daogrp", "daoset"}
DID_VALUES |= {"langmaterial", "origination", "repository"}


def snippet(xml: str, tag: str = "scopecontent") -> etree._Element:
    return etree.fromstring(f"<{tag} {NS}>{xml}</{tag}>")


def html(xml: str) -> str:
    return to_html(snippet(xml))


def check_html(fragment: str) -> list[lhtml.HtmlElement]:
    """Every tag and attribute is allowed, every link is safe; returns the elements."""
    if not fragment:
        return []
    root = lhtml.fragment_fromstring(fragment, create_parent="div")
    found = list(root.iterdescendants())
    for el in found:
        assert isinstance(el.tag, str), el  # no comments or processing instructions
        assert el.tag in ALLOWED_TAGS, (el.tag, fragment[:200])
        for attribute in el.attrib:
            assert attribute in ALLOWED_ATTRIBUTES.get(el.tag, set()), (el.tag, attribute)
        if el.get("href") is not None:
            assert safe_href(el.get("href")) == el.get("href").strip()
    return found


def note_elements(name: str) -> list[etree._Element]:
    """The source elements the reader reads as notes, in every archdesc, c and did."""
    found = []
    for parent in elements(name, "archdesc", "did", *{"c", *(f"c{n:02d}" for n in range(1, 13))}):
        skip = DID_VALUES if local(parent) == "did" else NOT_NOTES
        found.extend(child for child in parent if local(child) and local(child) not in skip)
    return found


# -- every corpus file -----------------------------------------------------------------


@pytest.mark.parametrize("name", EAD_NAMES)
def test_every_fragment_uses_only_allowed_markup(name):
    fragments = 0
    for record in read(name).everything:
        for fragment in (
            record.title_html,
            *(n.html for n in (*record.notes, *record.internal_notes)),
            *(d.description for d in record.digital_objects),
        ):
            check_html(fragment)
            fragments += bool(fragment)
    assert fragments


@pytest.mark.parametrize("name", EAD_NAMES)
def test_no_text_is_lost(name):
    for el in note_elements(name):
        expected = squash(own_text(el))
        assert squash(text_of(el, frozenset({"head"}))) == expected, el.sourceline
        rendered = to_html(el)
        got = lhtml.fragment_fromstring(rendered, create_parent="div").text_content()
        assert squash(got) == expected, (local(el), el.sourceline)
    # and what the reader stores: the plain text says what the HTML shows
    for record in read(name).everything:
        for note in (*record.notes, *record.internal_notes):
            shown = lhtml.fragment_fromstring(note.html or "<p></p>", create_parent="div")
            assert squash(shown.text_content()) == squash(note.text)


# -- links -----------------------------------------------------------------------------


@pytest.mark.parametrize("href", UNSAFE.values(), ids=list(UNSAFE))
@pytest.mark.parametrize("element", ["extref", "ref", "archref", "bibref", "extptr"])
def test_unsafe_link_targets_are_dropped(href, element):
    rendered = html(f'<p>see <{element} xlink:href="{href}" onclick="evil()">label</{element}></p>')
    check_html(rendered)
    assert "href" not in rendered and "onclick" not in rendered
    assert "script:" not in rendered.lower() and "data:" not in rendered
    assert "label" in rendered  # the text stays


@pytest.mark.parametrize(
    "href",
    ["http://example.org/a?b=1&c=2", "https://example.org/", "mailto:a@example.org", "pdf/c4.pdf"],
)
def test_safe_link_targets_are_kept(href):
    rendered = html(f'<p><extref xlink:href="{href.replace("&", "&amp;")}">x</extref></p>')
    (link,) = [el for el in check_html(rendered) if el.tag == "a"]
    assert link.get("href") == href


def test_safe_href():
    assert {"http", "https", "mailto", ""} == set(SAFE_SCHEMES)
    assert safe_href(None) is None and safe_href("") is None
    assert safe_href("  https://example.org/x ") == "https://example.org/x"
    assert safe_href("java\tscript:alert(1)") is None
    assert safe_href("http://[::1") is None  # unparseable: dropped, not raised
    assert safe_href("#ref12") == "#ref12"


@pytest.mark.parametrize("href", UNSAFE.values(), ids=list(UNSAFE))
@pytest.mark.parametrize("form", ["dao", "daogrp"])
def test_unsafe_dao_hrefs_are_dropped(href, form):
    link = f'xlink:href="{href}" xlink:title="Scan"'
    dao = f"<dao {link}/>" if form == "dao" else f"<daogrp><daoloc {link}/></daogrp>"
    data = (
        f"<ead {NS}><eadheader><eadid>x</eadid></eadheader><archdesc level='collection'>"
        f"<did><unitid>U1</unitid><unittitle>T</unittitle>{dao}</did></archdesc></ead>"
    ).encode()
    reader = EADReader(io.BytesIO(data), "snippet.xml", "2002")
    list(reader)
    (obj,) = reader.collection.digital_objects
    assert (obj.href, obj.title) == ("", "Scan")


# -- hostile content -------------------------------------------------------------------


def test_script_elements_and_event_attributes_become_text():
    rendered = html(
        '<p onclick="evil()" style="x">a</p><script>alert("x")</script>'
        '<emph render="bold" onmouseover="evil()">b</emph>&lt;img src=x onerror=alert(1)&gt;'
        "<abbr expan='\"&gt;&lt;script&gt;'>X</abbr>"
    )
    found = check_html(rendered)
    assert "script" not in {el.tag for el in found}
    assert "onclick" not in rendered and "onmouseover" not in rendered and "style" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
    text = lhtml.fragment_fromstring(rendered, create_parent="div").text_content()
    assert 'alert("x")' in text  # kept as text, never as markup


@pytest.mark.parametrize(
    ("render", "tags"),
    [
        ("italic", ["em"]),
        ("bold", ["strong"]),
        ("bolditalic", ["strong", "em"]),
        ("underline", ["u"]),
        ("boldunderline", ["strong", "u"]),
        ("super", ["sup"]),
        ("sub", ["sub"]),
        ("nonproportional", ["code"]),
        ("smcaps", ["span"]),
        ("quoted", ["q"]),
        ("doublequote", ["q"]),
        ("altrender-unknown", ["em"]),
        (None, ["em"]),
    ],
)
def test_emph_render(render, tags):
    attribute = f' render="{render}"' if render else ""
    rendered = html(f"<p>a <emph{attribute}>word</emph> b</p>")
    found = check_html(rendered)
    assert [el.tag for el in found] == ["p", *tags]
    assert found[-1].text == "word"
    if render == "smcaps":
        assert found[-1].get("class") == "smcaps"


def test_lists():
    rendered = html(
        '<list type="ordered"><head>Series</head><item>one</item><item>two</item></list>'
        '<list type="simple"><item>plain</item></list><list listtype="ordered"><item>3</item>'
        '</list><list type="deflist"><defitem><label>Box 1</label><item>Letters</item></defitem>'
        "</list>"
    )
    check_html(rendered)
    assert rendered == (
        "<p><strong>Series</strong></p><ol><li>one</li><li>two</li></ol>"
        '<ul class="plain"><li>plain</li></ul><ol><li>3</li></ol>'
        "<dl><dt>Box 1</dt><dd>Letters</dd></dl>"
    )


def test_chronlist():
    rendered = html(
        "<chronlist><head>Chronology</head><chronitem><date>1950</date><event>Born</event>"
        "</chronitem><chronitem><date>1960</date><eventgrp><event>A</event><event>B</event>"
        "</eventgrp></chronitem><chronitem><datesingle>1970</datesingle><event>EAD3</event>"
        "</chronitem></chronlist>"
    )
    check_html(rendered)
    assert rendered == (
        '<h4>Chronology</h4><dl class="chronlist"><dt>1950</dt><dd>Born</dd><dt>1960</dt>'
        "<dd>A</dd><dd>B</dd><dt>1970</dt><dd>EAD3</dd></dl>"
    )


def test_table():
    rendered = html(
        '<table><head>Boxes</head><tgroup cols="2"><colspec colname="a"/><thead><row>'
        "<entry>Box</entry><entry>Contents</entry></row></thead><tbody><row><entry>1</entry>"
        "<entry><emph>Letters</emph></entry></row></tbody></tgroup></table>"
    )
    check_html(rendered)
    assert rendered == (
        "<table><caption>Boxes</caption><thead><tr><th>Box</th><th>Contents</th></tr></thead>"
        "<tbody><tr><td>1</td><td><em>Letters</em></td></tr></tbody></table>"
    )


def test_nested_notes_blocks_and_line_breaks():
    rendered = html(
        "<head>Scope</head><p>a<lb/>b</p><blockquote><p>q</p></blockquote><p><quote>in</quote>"
        "</p><address><addressline>1 Road</addressline><addressline>Town</addressline>"
        "</address><note><head>N</head><p>n</p></note>"
    )
    check_html(rendered)
    assert rendered == (
        "<p>a<br>b</p><blockquote><p>q</p></blockquote><p><q>in</q></p><p>1 Road<br>Town</p>"
        '<section class="ead-note"><h4>N</h4><p>n</p></section>'
    )
    assert text_of(snippet("<head>Scope</head><p>a</p><p>b</p>"), frozenset({"head"})) == "a b"


def test_links_without_label_show_title_or_target():
    rendered = html(
        '<p><extptr xlink:href="http://x.org/" xlink:title="T"/><ref target="a1">see'
        "</ref><title>Book</title></p>"
    )
    assert (
        rendered
        == '<p><a href="http://x.org/" title="T">T</a><a href="#a1">see</a><cite>Book</cite></p>'
    )


# -- Unicode ---------------------------------------------------------------------------


def test_nfc_and_plain():
    decomposed = "Dēmopoulos".replace("ē", "e\u0304")
    assert not unicodedata.is_normalized("NFC", decomposed)
    assert nfc(decomposed) == "Dēmopoulos"
    assert plain(f"  {decomposed}\n\t x ") == "Dēmopoulos x"
    assert html(f"<p>{decomposed}</p>") == "<p>Dēmopoulos</p>"


@pytest.mark.parametrize("name", EAD_NAMES)
def test_yielded_text_is_nfc(name):
    for record in read(name).everything:
        texts = [record.title, record.title_html, *(t.text for t in record.terms)]
        texts += [d.title for d in record.digital_objects]
        for note in (*record.notes, *record.internal_notes):
            texts += [note.text, note.html]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_pulfa_c0140_combining_marks_are_composed():
    name = "pulfa-c0140-single-items.xml"
    assert not unicodedata.is_normalized("NFC", corpus_file(name).read_text("utf-8"))
    decomposed = 0
    for el, record in zip(components(name), read(name).records, strict=True):
        for title in (t for d in el if local(d) == "did" for t in d if local(t) == "unittitle"):
            if unicodedata.is_normalized("NFC", "".join(title.itertext())):
                continue
            decomposed += 1
            raw = collapse(own_text(title, frozenset({"unitdate"}))).rstrip(" ,;:")
            assert unicodedata.normalize("NFC", raw) in record.title
    assert decomposed  # the source really has decomposed titles


def test_cyrillic_survives():
    name = "pulfa-c1752-naiman-cyrillic.xml"
    cyrillic = re.compile("[\u0400-\u04ff]")
    titles = [r.title for r in read(name).records if cyrillic.search(r.title)]
    source = [el for el in elements(name, "unittitle") if cyrillic.search("".join(el.itertext()))]
    assert len(titles) == len(source) > 100
    assert "Анна Андреевна Ахматова (Anna Akhmatova) (Photocopies)" in titles


def test_croatian_and_character_references():
    assert "Židova" in read("ehri-zbirka-jews-croatia.xml").collection.title
    name = "pulfa-c0033-badcharacters.xml"
    texts = [n.text for r in read(name).everything for n in r.notes if n.type == "accessrestrict"]
    assert texts and all("&#" not in t and "&apos;" not in t for t in texts)
    source = [squash(own_text(el)) for el in elements(name, "accessrestrict")]
    assert sorted(squash(t) for t in texts) == sorted(source)


def test_plain_text_breaks_words_between_block_elements():
    note = etree.fromstring(
        "<bioghist><head>Head</head><note><p>Name (1918-1993)</p></note><p>Nikos was"
        " <emph>here</emph>.</p><list><item>one</item><item>two</item></list></bioghist>"
    )
    assert text_of(note, skip=frozenset({"head"})) == "Name (1918-1993) Nikos was here. one two"

"""Records whose every text and link carries cross-site scripting payloads.

Each payload, when it runs, sets ``window.__xss`` and the page title, or opens a
dialog; each carries a marker (``XSS07``) so a test can tell which payloads reached
a page as text. The writers put the payloads in as an archivist's file would: as
escaped text, as attribute values and, for EAD, as elements of the XHTML namespace.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import yaml

RUN = "window.__xss=1;document.title=/pwned/.source;alert(1)"
_DATA_HTML = base64.b64encode(f"<script>{RUN}</script>".encode()).decode()

# What a hostile file writes in a text field (before XML/YAML/JSON escaping).
PAYLOADS: list[str] = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"</style><script>{RUN}</script>",
    f"javascript:{RUN}",
    f"JaVaScRiPt:{RUN}",
    f"&#106;avascript:{RUN}",
    f"&#x6A;&#x61;vascript&colon;{RUN}",
    f"java\tscript:{RUN}",
    f"data:text/html;base64,{_DATA_HTML}",
    f'<a href="javascript:{RUN}">click</a>',
    f'<a href="JaVaScRiPt&colon;{RUN}">click</a>',
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<object data="data:text/html;base64,{_DATA_HTML}"></object>',
    f'<div style="background:url(javascript:{RUN});width:expression({RUN})">styled</div>',
    f"<math><mtext></p><script>{RUN}</script></mtext></math>",
    f"<details open ontoggle={RUN}>",
    f"<body onload={RUN}>",
    f'<base href="javascript:{RUN}//">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f"<!--><script>{RUN}</script>-->",
    "{{ 7|add:7 }}{% debug %}{{ settings.SECRET_KEY }}{% load static %}",
    "${alert(1)}#{alert(1)}{{constructor.constructor('alert(1)')()}}",
]
MARKERS = [f"XSS{number:02d}" for number in range(len(PAYLOADS))]
TEXT = " ".join(f"{marker} {payload}" for marker, payload in zip(MARKERS, PAYLOADS, strict=True))


def some(start: int, count: int = 4) -> str:
    """A few payloads with their markers: for fields with a length limit."""
    picked = [(start + n) % len(PAYLOADS) for n in range(count)]
    return " ".join(f"{MARKERS[n]} {PAYLOADS[n]}" for n in picked)


# What a hostile file writes where a link goes (after XML decoding).
HREFS: list[str] = [
    f"javascript:{RUN}",
    f"JaVaScRiPt:{RUN}",
    f" \t\njavascript:{RUN}",
    f"java\tscript:{RUN}",
    f"\u200bjavascript:{RUN}",
    f"javascript&colon;{RUN}",
    f"&#106;avascript:{RUN}",
    f"data:text/html;base64,{_DATA_HTML}",
    f"DATA:text/html,<script>{RUN}</script>",
    "vbscript:msgbox(1)",
    f'https://example.org/"><script>{RUN}</script>',
]
# Attribute values that are not links (labels, ids, render hints).
ATTRIBUTE = f'"><script>{RUN}</script><img src=x onerror={RUN}> XSSATTR'


def _t(label: str) -> str:
    """A text node: the field's name, then every payload, XML-escaped."""
    return escape(f"{label}: {TEXT}")


def _short(number: int) -> str:
    """One payload with its marker, XML-escaped: for the many links and objects."""
    number %= len(PAYLOADS)
    return escape(f"{MARKERS[number]} {PAYLOADS[number]}")


def _a(value: str = ATTRIBUTE) -> str:
    return quoteattr(value)


XHTML = (
    f"<html:script>{escape(RUN)}</html:script>"
    f"<html:img src='x' onerror={_a(RUN)}/>"
    f"<html:a href={_a('javascript:' + RUN)}>xhtml link</html:a>"
    f"<svg:svg onload={_a(RUN)}><svg:script>{escape(RUN)}</svg:script></svg:svg>"
)


def ead2002(identifier: str = "XSS-EAD2002") -> str:
    links = "".join(
        f"<extref xlink:href={_a(h)} linktitle={_a()} altrender={_a()}>{_short(n)}</extref> "
        f"<extptr xlink:href={_a(h)} xlink:title={_a()}/> "
        f"<archref xlink:href={_a(h)}>{_short(n + 1)}</archref> "
        f"<bibref xlink:href={_a(h)}><title>{_short(n + 2)}</title></bibref> "
        for n, h in enumerate(HREFS)
    )
    daos = "".join(
        f"<dao xlink:href={_a(h)} xlink:title={_a(TEXT if n == 0 else PAYLOADS[n])} "
        f"linktitle={_a()}><daodesc><p>{_short(n)}</p></daodesc></dao>"
        for n, h in enumerate(HREFS)
    )
    daogrp = (
        f"<daogrp><daodesc><p>{_t('daogrp')}</p></daodesc>"
        + "".join(
            f"<daoloc xlink:href={_a(h)} xlink:title={_a(PAYLOADS[n])} label={_a()}/>"
            for n, h in enumerate(HREFS)
        )
        + "</daogrp>"
    )
    terms = "".join(
        f"<{k} source={_a()} authfilenumber={_a()} altrender={_a()}>{_t(k)}</{k}>"
        for k in (
            "persname",
            "corpname",
            "famname",
            "geogname",
            "subject",
            "genreform",
            "occupation",
            "function",
            "title",
        )
    )
    notes = "".join(
        f"<{n} id={_a(n + '-x')} altrender={_a()}><head>{_t(n + ' head')}</head>"
        f"<p>{_t(n)} {links if n == 'bioghist' else ''}"
        f"<emph render={_a()}>{_t('emph')}</emph> <lb/>{_t('after lb')}</p></{n}>"
        for n in (
            "bioghist",
            "scopecontent",
            "arrangement",
            "accessrestrict",
            "userestrict",
            "prefercite",
            "acqinfo",
            "custodhist",
            "processinfo",
            "appraisal",
            "accruals",
            "relatedmaterial",
            "separatedmaterial",
            "otherfindaid",
            "originalsloc",
            "altformavail",
            "phystech",
            "fileplan",
        )
    )
    structures = (
        f"<odd><head>{_t('odd')}</head>"
        f"<list type='ordered'><head>{_t('list head')}</head><item>{_t('list item')}</item>"
        f"<item>{_t('list item 2')} {XHTML}</item></list>"
        f"<list type='deflist'><defitem><label>{_t('label')}</label><item>{_t('defitem')}</item>"
        f"</defitem></list>"
        f"<chronlist><head>{_t('chronlist head')}</head><chronitem><date>{_t('chron date')}</date>"
        f"<event>{_t('chron event')}</event></chronitem><chronitem><date>1970</date>"
        f"<eventgrp><event>{_t('eventgrp event')}</event></eventgrp></chronitem></chronlist>"
        f"<table><head>{_t('table head')}</head><tgroup cols='2'><thead><row>"
        f"<entry>{_t('thead entry')}</entry><entry>b</entry></row></thead><tbody><row>"
        f"<entry>{_t('tbody entry')}</entry><entry>{XHTML}</entry></row></tbody></tgroup></table>"
        f"<p><ref target={_a()}>{_t('ref')}</ref> <ptr target={_a()}/> {XHTML}"
        f"<abbr expan={_a()}>{_t('abbr')}</abbr> <quote>{_t('quote')}</quote>"
        f"<footnote><p>{_t('footnote')}</p></footnote>"
        f"<address><addressline>{_t('addressline')}</addressline></address></p></odd>"
    )
    did = (
        f"<unittitle>{_t('unittitle')} <unitdate normal='1970/1980'>{_t('unitdate in title')}"
        f"</unitdate></unittitle>"
        f"<unitid>{_t('unitid')}</unitid>"
        f"<unitdate normal='1970/1980' type='inclusive'>{_t('unitdate')}</unitdate>"
        f"<origination label={_a()}><corpname>{_t('origination corpname')}</corpname>"
        f"<persname>{_t('origination persname')}</persname></origination>"
        f"<physdesc><extent>{_t('extent')}</extent><physfacet>{_t('physfacet')}</physfacet>"
        f"</physdesc><repository><corpname>{_t('repository')}</corpname></repository>"
        f"<langmaterial>{_t('langmaterial')} <language langcode='eng'>{_t('language')}</language>"
        f"</langmaterial><abstract>{_t('abstract')}</abstract><physloc>{_t('physloc')}</physloc>"
        f"<materialspec>{_t('materialspec')}</materialspec><note><p>{_t('did note')}</p></note>"
    )

    def component(tag: str, ref: str, level: str, inner: str = "") -> str:
        return (
            f"<{tag} level='{level}' id={_a(ref)} altrender={_a()}><did>"
            f"<container type='box' label={_a()}>{_t('box')}</container>"
            f"<container type='folder' label={_a()}>{_t('folder')}</container>"
            f"<unittitle>{_t(level + ' unittitle')}</unittitle><unitid>{_t('c unitid')}</unitid>"
            f"<unitdate normal='1971/1972'>{_t('c unitdate')}</unitdate>"
            f"<origination><persname>{_t('c origination')}</persname></origination>"
            f"<abstract>{_t('c abstract')}</abstract>"
            f"<physdesc><extent>{_t('c extent')}</extent></physdesc>{daos}{daogrp}</did>"
            f"<scopecontent><p>{_t('c scopecontent')} {links}</p></scopecontent>"
            f"<accessrestrict><p>{_t('c accessrestrict')}</p></accessrestrict>"
            f"<userestrict><p>{_t('c userestrict')}</p></userestrict>"
            f"<controlaccess>{terms}</controlaccess>{structures}{inner}</{tag}>"
        )

    items = component("c03", "item-1", "item")
    folders = component("c02", "file-1", "file", items) + component(
        "c02", f'file-2"><svg onload={RUN}>', "file"
    )
    series = component("c01", "series-1", "series", folders)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ead xmlns="urn:isbn:1-931666-22-9" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:html="http://www.w3.org/1999/xhtml" xmlns:svg="http://www.w3.org/2000/svg">'
        f"<eadheader><eadid>{identifier}</eadid><filedesc><titlestmt>"
        f"<titleproper>{_t('titleproper')}</titleproper><subtitle>{_t('subtitle')}</subtitle>"
        f"<author>{_t('author')}</author></titlestmt><publicationstmt>"
        f"<publisher>{_t('publisher')}</publisher><date>{_t('publication date')}</date>"
        f"</publicationstmt></filedesc><profiledesc><langusage>{_t('langusage')}</langusage>"
        f"<descrules>{_t('descrules')}</descrules></profiledesc></eadheader>"
        f"<archdesc level='collection' id={_a()} altrender={_a()}><did>{did}{daos}{daogrp}</did>"
        f"{notes}{structures}<controlaccess><head>{_t('controlaccess head')}</head>{terms}"
        f"</controlaccess><dsc>{series}</dsc></archdesc></ead>\n"
    )


def ead3(identifier: str = "XSS-EAD3") -> str:
    terms = "".join(
        f"<{k} identifier={_a()} altrender={_a()}><part>{_t(k)}</part></{k}>"
        for k in ("persname", "corpname", "famname", "geogname", "subject", "genreform")
    )
    links = "".join(
        f"<ref href={_a(h)} linktitle={_a()}>{_short(n)}</ref> <ptr href={_a(h)}/> "
        for n, h in enumerate(HREFS)
    )
    daos = "".join(
        f"<dao href={_a(h)} linktitle={_a(PAYLOADS[n])} daotype='unknown'>"
        f"<descriptivenote><p>{_short(n)}</p></descriptivenote></dao>"
        for n, h in enumerate(HREFS)
    )
    notes = "".join(
        f"<{n} id={_a(n + '-x')} altrender={_a()}><head>{_t(n + ' head')}</head>"
        f"<p>{_t(n)} {links} <emph render='bold'>{_t('emph')}</emph></p>"
        f"<list listtype='unordered'><item>{_t('item')}</item></list>"
        f"<chronlist><chronitem><datesingle>{_t('datesingle')}</datesingle>"
        f"<event>{_t('event')}</event></chronitem></chronlist></{n}>"
        for n in ("bioghist", "scopecontent", "arrangement", "accessrestrict", "userestrict")
    )

    def did(level: str) -> str:
        return (
            f"<did><unittitle>{_t(level + ' unittitle')}</unittitle><unitid>{_t('unitid')}"
            f"</unitid><unitdatestructured><daterange><fromdate standarddate='1970'>"
            f"{_t('fromdate')}</fromdate><todate standarddate='1980'>{_t('todate')}</todate>"
            f"</daterange></unitdatestructured><unitdate>{_t('unitdate')}</unitdate>"
            f"<origination><corpname><part>{_t('origination')}</part></corpname></origination>"
            f"<container localtype='box' label={_a()}>{_t('box')}</container>"
            f"<abstract>{_t('abstract')}</abstract><physdescstructured physdescstructuredtype="
            f"'spaceoccupied' coverage='whole'><quantity>1</quantity><unittype>{_t('unittype')}"
            f"</unittype></physdescstructured>{daos}</did>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ead xmlns="http://ead3.archivists.org/schema/" '
        'xmlns:html="http://www.w3.org/1999/xhtml">'
        f"<control><recordid>{identifier}</recordid><filedesc><titlestmt>"
        f"<titleproper>{_t('titleproper')}</titleproper></titlestmt></filedesc>"
        "<maintenancestatus value='new'/><maintenanceagency><agencyname>"
        f"{_t('agencyname')}</agencyname></maintenanceagency><maintenancehistory>"
        "<maintenanceevent><eventtype value='created'/><eventdatetime>2024</eventdatetime>"
        f"<agenttype value='human'/><agent>{_t('agent')}</agent></maintenanceevent>"
        "</maintenancehistory></control>"
        f"<archdesc level='collection' altrender={_a()}>{did('collection')}{notes}"
        f"<controlaccess>{terms}</controlaccess><dsc>"
        f"<c level='series' id='s1'>{did('series')}{notes}"
        f"<c level='file' id='f1'>{did('file')}<controlaccess>{terms}</controlaccess></c>"
        "</c></dsc></archdesc></ead>\n"
    )


def eac_cpf(identifier: str = "xss-eac") -> str:
    hrefs = "".join(
        f"<cpfRelation cpfRelationType='associative' xlink:href={_a(h)} xlink:type='simple'>"
        f"<relationEntry>{_t('relationEntry')}</relationEntry>"
        f"<descriptiveNote><p>{_t('relation note')}</p></descriptiveNote></cpfRelation>"
        f"<resourceRelation resourceRelationType='creatorOf' xlink:href={_a(h)}>"
        f"<relationEntry>{_t('resourceRelation')}</relationEntry></resourceRelation>"
        for h in HREFS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<eac-cpf xmlns="urn:isbn:1-931666-33-4" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"<control><recordId>{identifier}</recordId><maintenanceStatus>new</maintenanceStatus>"
        f"<maintenanceAgency><agencyName>{_t('agencyName')}</agencyName></maintenanceAgency>"
        "<maintenanceHistory><maintenanceEvent><eventType>created</eventType>"
        "<eventDateTime>2024</eventDateTime><agentType>human</agentType>"
        f"<agent>{_t('agent')}</agent></maintenanceEvent></maintenanceHistory>"
        f"<sources><source xlink:href={_a(HREFS[0])}><sourceEntry>{_t('sourceEntry')}"
        "</sourceEntry></source></sources></control>"
        "<cpfDescription><identity><entityType>person</entityType>"
        f"<nameEntry><part>XSS person {escape(some(0, 2))}</part></nameEntry>"
        f"<nameEntry xml:lang='ru'><part>{escape(some(2, 2))}</part></nameEntry></identity>"
        "<description><existDates><dateRange><fromDate standardDate='1920'>"
        f"{_t('fromDate')}</fromDate><toDate standardDate='1990'>{_t('toDate')}</toDate>"
        f"</dateRange></existDates><places><place><placeRole>{_t('placeRole')}</placeRole>"
        f"<placeEntry>{_t('placeEntry')}</placeEntry></place></places>"
        f"<occupations><occupation><term>{_t('occupation')}</term></occupation></occupations>"
        f"<biogHist><abstract>{_t('abstract')}</abstract><p>{_t('biogHist p')}</p>"
        f"<chronList><chronItem><date>{_t('chron date')}</date><event>{_t('chron event')}"
        f"</event></chronItem></chronList><list><item>{_t('list item')}</item></list>"
        "</biogHist></description>"
        f"<relations>{hrefs}</relations></cpfDescription></eac-cpf>\n"
    )


def roster() -> str:
    agents = [
        {
            "id": "xss-organization",
            "kind": "organization",
            # names and types have a length limit (a longer one is refused): see
            # tests/hostile for that; the other fields carry every payload
            "name": f"XSS organization {some(0, 2)}",
            "type": "other",
            "existence": "1964",
            "places": [{"name": TEXT, "role": TEXT}],
            "names": [{"name": some(6, 2), "type": "variant", "language": "ru", "script": "Cyrl"}],
            "summary": TEXT,
            "history": f"{TEXT}\n\n[markdown link](javascript:{RUN}) "
            f"[data](data:text/html;base64,{_DATA_HTML}) ![img](x){{onerror=alert(1)}}\n\n"
            f"<script>{RUN}</script>\n\n" + "".join(f"<{p}>\n\n" for p in PAYLOADS),
            "sources": [TEXT, f"javascript:{RUN}"],
            "relations": [
                {"type": "member_of", "target": "xss-person", "dates": "1970", "note": TEXT},
                {
                    "type": "associated_with",
                    "target": "xss-person",
                    "role": some(10, 2),
                    "note": TEXT,
                },
            ],
        },
        {
            "id": "xss-person",
            "kind": "person",
            "name": f"XSS person two {some(4, 2)}",
            "summary": TEXT,
            "history": TEXT,
        },
    ]
    return yaml.safe_dump({"agents": agents}, allow_unicode=True, sort_keys=False)


def timeline() -> str:
    events = [
        {
            "id": "xss-event",
            "date": "1970",
            "title": f"XSS event {some(0)}",
            "place": some(4, 2),
            "description": f"{TEXT}\n\n[link](javascript:{RUN})",
            "agents": ["xss-organization"],
            "collections": ["XSS-EAD2002"],
            "sources": [TEXT, f"javascript:{RUN}"],
            "media": {
                "url": f'https://example.org/x"><script>{RUN}</script>',
                "caption": TEXT,
                "credit": TEXT,
            },
            "group": some(6, 2),
        },
        {"date": "1971", "title": f"XSS second event {some(8)}", "description": TEXT},
    ]
    return yaml.safe_dump({"events": events}, allow_unicode=True, sort_keys=False)


def bibliography() -> str:
    works = [
        {
            "id": "xss-work",
            "type": "article-journal",
            "title": f"XSS work {TEXT}",
            "container-title": TEXT,
            "author": [{"family": TEXT, "given": TEXT}, {"literal": TEXT}],
            "issued": {"date-parts": [[1975]]},
            "publisher": TEXT,
            "publisher-place": TEXT,
            "volume": TEXT,
            "page": TEXT,
            "URL": f"javascript:{RUN}",
            "DOI": f'10.1000/x"><script>{RUN}</script>',
            "note": TEXT,
            "abstract": TEXT,
            "fonds": {"agents": ["xss-organization"], "events": ["xss-event"]},
        },
        {
            "id": "xss-book",
            "type": "book",
            "title": f"XSS book {TEXT}",
            "author": [{"family": "Hostile", "given": TEXT}],
            "issued": {"date-parts": [[1980]]},
            "URL": f"data:text/html;base64,{_DATA_HTML}",
        },
    ]
    return json.dumps(works, ensure_ascii=False, indent=1)


def guides() -> str:
    """A research guide (not a file ``fonds load`` reads: the demo's YAML format, loaded
    by :func:`fonds.guides.loading.load_guides`) whose title, summary, introduction and
    every entry's note carry payloads; its entries point at the hostile records."""
    note = f"{TEXT}\n\n[why](javascript:{RUN}) <script>{RUN}</script>"
    entries = [
        {"collection": "XSS-EAD2002", "note": note},
        {"collection": "XSS-EAD2002", "component": "series-1", "note": some(2, 6)},
        {"agent": "xss-organization", "note": note},
        {"event": "xss-event", "note": some(8, 6)},
        {"work": "xss-work", "note": some(14, 6)},
    ]
    guide = {
        "slug": "xss-guide",
        "title": f"XSS guide {some(1, 2)}"[:300],
        "summary": f"{TEXT}\n\n[summary link](javascript:{RUN})",
        "introduction": f"{TEXT}\n\n[markdown link](javascript:{RUN}) "
        f"[data](data:text/html;base64,{_DATA_HTML}) ![img](x){{onerror=alert(1)}}\n\n"
        + "".join(f"<{p}>\n\n" for p in PAYLOADS),
        "entries": entries,
    }
    return yaml.safe_dump({"guides": [guide]}, allow_unicode=True, sort_keys=False)


def revised_ead2002() -> str:
    """The hostile EAD 2002 finding aid as a revision would change it: every title and
    scope note retitled (payloads on both sides of each change), one folder gone."""
    text = ead2002()
    text = text.replace("unittitle: ", "unittitle, revised: ").replace(
        "scopecontent: ", "scopecontent, revised: "
    )
    start = text.index("<c02 level='file' id='file-2")
    return text[:start] + text[text.index("</c02>", start) + len("</c02>") :]


def write_all(folder: Path) -> list[Path]:
    """Write every hostile record into ``folder``; return the files in load order."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "roster.yaml": roster(),
        "xss-eac.xml": eac_cpf(),
        "xss-ead2002.xml": ead2002(),
        "xss-ead3.xml": ead3(),
        "timeline.yaml": timeline(),
        "bibliography.json": bibliography(),
    }
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

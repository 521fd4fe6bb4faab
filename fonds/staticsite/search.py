"""Search for the static site: Pagefind's index of the exported pages.

The live portal's search index is replaced by Pagefind (https://pagefind.app), run
over the exported folder: it writes a compressed index and its own search interface
into ``DIR/pagefind/``, and the browser downloads only the parts a query needs.

What each indexed page carries comes from the same search documents the live index
is built from (:mod:`fonds.search.indexing`):

* the facets (record type, collection, decade, person, organization, place,
  subject, genre, level, digital object) as Pagefind filters, so the term links of
  finding aids (``/search?subject=...``) and "search within this collection" work;
* where a component sits (its collection and series) as Pagefind metadata;
* a hidden paragraph of other spellings: the roster's names for the names the record
  carries (Natan Sharansky, נתן שרנסקי) and the romanization keys of its words.

Romanization keys: the live search folds every name to a key, so that Щаранский,
Shcharansky, Sharansky and Scharansky meet. Pagefind has no such rule, so the export
computes the keys of the words of the roster's names and of the index terms, keeps
those spelled more than one way, and writes them as ``/search/spellings.json`` (word
-> key). A page holding one of those words gets its key in the hidden paragraph; the
search page's script replaces each word of a query found in the table by its key.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.http import HttpRequest
from django.template import engines

from fonds.search.analysis import key
from fonds.search.backends.base import FACETS, SearchDocument
from fonds.search.views import DIGITAL_LABELS, FACET_LABELS, TYPE_LABELS

TEMPLATE = Path(__file__).resolve().parent / "templates" / "staticsite" / "search.html"
SPELLINGS = "search/spellings.json"
PAGE_TYPE = "Page"
CONTEXT_META = "Part of"  # shown by Pagefind's interface under a folder's result
# Parts of a record page that repeat other records' titles (neighbours, breadcrumb,
# contents) or the page's own (citation): left out of its text in the index.
NOT_INDEXED = [("nav", None), ("section", "citation"), ("section", "contents"), ("ul", "actions")]
_WORD = re.compile(r"[^\W_]+")


class SearchIndexError(RuntimeError):
    pass


def fold(text: str) -> str:
    """Lower case without combining marks: what search.js computes from a query
    (``toLowerCase().normalize("NFKD")``, marks removed, ``normalize("NFC")``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", kept)


def folded_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class Spellings:
    """Words spelled more than one way in the archive's names, each with its key."""

    def __init__(self, names: Iterable[str]) -> None:
        groups: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for word in folded_words(name):
                if len(word) >= 3 and not word.isdigit() and (k := key(word)):
                    groups[k].add(word)
        self.key_of: dict[str, str] = {
            word: k for k, words in groups.items() if len(words) > 1 for word in words
        }

    @classmethod
    def of_archive(cls) -> Spellings:
        from fonds.authorities.models import Agent, AgentName
        from fonds.findingaids.models import AccessTerm

        names = list(
            AgentName.objects.filter(agent__in=Agent.objects.public()).values_list(
                "name", flat=True
            )
        )
        names += Agent.objects.public().values_list("authorized_name", flat=True)
        terms = AccessTerm.objects.filter(collection__internal=False).exclude(
            component__internal=True
        )
        names += terms.order_by().values_list("text", flat=True).distinct().iterator()
        return cls(names)

    def keys(self, text: str) -> list[str]:
        """The keys of the words of ``text`` that the words themselves do not spell."""
        words = set(folded_words(text))
        keys = {self.key_of[w] for w in words if w in self.key_of}
        return sorted(keys - words)

    def json(self) -> bytes:
        return json.dumps(self.key_of, ensure_ascii=False, sort_keys=True).encode()


@dataclass
class Entry:
    """What an indexed page tells Pagefind besides its text."""

    filters: list[tuple[str, str]] = field(default_factory=list)
    context: str = ""  # "Collection › Series", for a component
    other_names: list[str] = field(default_factory=list)


def entry_of(document: SearchDocument) -> Entry:
    entry = Entry()
    collection = document.data.get("collection") or {}
    for facet in FACETS:
        for value in document.facets.get(facet, []):
            if facet == "type":
                value = TYPE_LABELS.get(value, value)
            elif facet == "collection":
                value = collection.get("title") or document.title
            elif facet == "digital":
                if value != "yes":
                    continue
                value = DIGITAL_LABELS[value]
            entry.filters.append((FACET_LABELS[facet], value))
    if document.type == "component":
        trail = [collection.get("title", ""), *(p["title"] for p in document.data["path"])]
        entry.context = " › ".join(t for t in trail if t)
    entry.other_names = list(dict.fromkeys(document.variants))
    return entry


def written_page_entry() -> Entry:
    return Entry(filters=[(FACET_LABELS["type"], PAGE_TYPE)])


def hidden_block(entry: Entry, page_text: str, spellings: Spellings) -> str:
    """The filters, metadata and other spellings of a page, invisible to readers."""
    spans = [
        f'<span data-pagefind-filter="{html.escape(name)}[data-value]" '
        f'data-value="{html.escape(value)}"></span>'
        for name, value in dict.fromkeys(entry.filters)
    ]
    if entry.context:
        spans.append(
            f'<span data-pagefind-meta="{CONTEXT_META}[data-value]" '
            f'data-value="{html.escape(entry.context)}"></span>'
        )
    names = " · ".join(entry.other_names)
    keys = spellings.keys(f"{page_text} {names}")
    words = " ".join(p for p in (names, " ".join(keys)) if p)
    if words:
        spans.append(f'<p class="search-spellings">{html.escape(words)}</p>')
    return f'\n<div class="static-search-data" hidden>{"".join(spans)}</div>\n'


def search_page(request: HttpRequest, collections: dict[str, str]) -> str:
    """The static search page: Pagefind's interface, driven by ``search.js``."""
    values: dict[str, dict[str, str]] = {
        "type": dict(TYPE_LABELS),
        "digital": {"yes": DIGITAL_LABELS["yes"]},
        "collection": collections,
    }
    config = {"facets": FACET_LABELS, "values": values, "spellings": "/" + SPELLINGS}
    template = engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render({"config": json.dumps(config, ensure_ascii=False)}, request)


def run_pagefind(folder: Path) -> dict[str, int]:
    """Index the exported pages; Pagefind writes ``folder/pagefind/``."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise SearchIndexError(
            "Pagefind is not installed: pip install 'pagefind[bin]' (the search index "
            "of the static site is built with it)"
        )
    result = subprocess.run(
        [str(binary), "--site", str(folder), "--output-subdir", "pagefind"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}):\n{result.stderr}")
    counts: dict[str, int] = {}
    for number, what in re.findall(r"Indexed ([\d,]+) (page|word|filter)s?\b", result.stdout):
        counts[what] = int(number.replace(",", ""))
    return counts


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"

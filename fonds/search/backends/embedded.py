"""The embedded backend: a tantivy index in ``FONDS_HOME/index``.

Chosen over SQLite FTS5 by measurement (see bench/search.py and docs/search.md).
Text arrives already analyzed (:mod:`fonds.search.analysis`), so tantivy only splits
on white space; facets are raw multi-valued fast fields counted with tantivy's terms
aggregation. A full rebuild writes a new index beside the old one and swaps the two
folders, so searches go on during a rebuild.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy

from ..analysis import analyzed, key_text
from .base import FACETS, Criteria, RawHit, RawResults, SearchDocument

SCHEMA_VERSION = "3"
TEXT_FIELDS = {"title": 4.0, "names": 2.0, "variants": 1.5, "body": 1.0, "context": 0.3}
KEY_BOOST = 1.2
CONTEXT_BOOST = TEXT_FIELDS["context"]
WRITER_HEAP = 128_000_000
LOCK_WAIT_SECONDS = 120
SEGMENT_SIZE = 100_000  # terms counted per segment: above any facet's distinct values
# Multi-valued facets cost several times a single-valued one: each gets its own job.
HEAVY = frozenset({"decade", "person", "subject"})
_POOL = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="search")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("owner", tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace")
    builder.add_text_field("keys", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("context_keys", tokenizer_name="whitespace", index_option="freq")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("begin", indexed=True, fast=True)
    builder.add_integer_field("end", indexed=True, fast=True)
    builder.add_float_field("boost", fast=True)
    builder.add_integer_field("available", indexed=True, fast=True)
    builder.add_text_field("sort_title", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_bytes_field("data", stored=True)
    builder.add_bytes_field("text", stored=True)
    return builder.build()


SCHEMA = _schema()


def _document(doc: SearchDocument) -> tantivy.Document:
    out = tantivy.Document()
    out.add_text("key", doc.key)
    out.add_text("owner", doc.owner)
    names = " ".join(doc.names)
    variants = " ".join(doc.variants)
    for name, value in (
        ("title", doc.title),
        ("names", names),
        ("variants", variants),
        ("body", doc.body),
        ("context", doc.context),
    ):
        if value:
            out.add_text(name, analyzed(value))
    out.add_text("keys", key_text(doc.title, names, variants, doc.body))
    if doc.context:
        out.add_text("context_keys", key_text(doc.context))
    for facet in FACETS:
        for value in doc.facets.get(facet, ()):
            if value:
                out.add_text(facet, value)
    if doc.begin is not None:
        out.add_integer("begin", doc.begin)
        out.add_integer("end", doc.end if doc.end is not None else doc.begin)
    out.add_float("boost", doc.boost)
    out.add_integer("available", doc.available)
    out.add_text("sort_title", doc.sort_title[:200] or "~")
    out.add_bytes("data", json.dumps(doc.data, ensure_ascii=False).encode())
    out.add_bytes("text", doc.body[:20_000].encode())
    return out


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._stamp: tuple[int, int] | None = None

    # -- opening ----------------------------------------------------------------

    def _version_file(self, path: Path) -> Path:
        return path / "fonds-schema-version"

    def _create(self, path: Path) -> tantivy.Index:
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(SCHEMA, path=str(path))
        self._version_file(path).write_text(SCHEMA_VERSION)
        return index

    def _stamp_now(self) -> tuple[int, int] | None:
        try:
            meta = os.stat(self.path / "meta.json")
            folder = os.stat(self.path)
        except FileNotFoundError:
            return None
        return folder.st_ino, meta.st_mtime_ns

    def _leftovers(self, kind: str = "") -> list[Path]:
        """Folders a killed rebuild left beside the index: ``index.new-PID`` (being
        written) and ``index.old-PID`` (the index before the swap), of dead processes."""
        found = []
        for sibling in sorted(self.path.parent.glob(f"{self.path.name}.*-*")):
            left, _, pid = sibling.name[len(self.path.name) + 1 :].partition("-")
            wanted = (kind,) if kind else ("new", "old")
            if left in wanted and pid.isdigit() and not _alive(int(pid)):
                found.append(sibling)
        return found

    def _restore(self) -> bool:
        """A rebuild killed between its two renames leaves no index, and the previous
        one as ``index.old-PID``: put that back (its pending tasks are still queued)."""
        if self.path.exists():
            return False
        for old in self._leftovers("old"):
            if (old / "meta.json").exists():
                os.replace(old, self.path)
                return True
        return False

    def index(self) -> tantivy.Index:
        """The index, re-opened when another process committed or swapped it."""
        with self._lock:
            stamp = self._stamp_now()
            if stamp is None and self._restore():
                stamp = self._stamp_now()
            if self._index is None or stamp is None or stamp[0] != (self._stamp or (0,))[0]:
                if stamp is None or not self._compatible():
                    if self.path.exists():
                        shutil.rmtree(self.path)
                    self._index = self._create(self.path)
                else:
                    self._index = tantivy.Index.open(str(self.path))
                self._stamp = self._stamp_now()
            elif stamp != self._stamp:
                self._index.reload()
                self._stamp = stamp
            return self._index

    def _compatible(self) -> bool:
        try:
            return self._version_file(self.path).read_text().strip() == SCHEMA_VERSION
        except FileNotFoundError:
            return False

    def _writer(self, index: tantivy.Index) -> Any:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    # -- writing ----------------------------------------------------------------

    def _write(
        self, index: tantivy.Index, owners: Iterable[str], documents: Iterable[SearchDocument]
    ) -> int:
        """Delete the owners' documents, add the new ones, commit: all or nothing."""
        writer = self._writer(index)
        try:
            for owner in owners:
                writer.delete_documents_by_term("owner", owner)
            count = 0
            for doc in documents:
                writer.add_document(_document(doc))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        return count

    def replace(self, owners: Iterable[str], documents: Iterable[SearchDocument]) -> int:
        count = self._write(self.index(), owners, documents)
        self.index()  # pick up the commit
        return count

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        self.index()  # restores an index a killed rebuild left aside
        for left in self._leftovers():
            shutil.rmtree(left, ignore_errors=True)
        fresh = self.path.with_name(self.path.name + f".new-{os.getpid()}")
        if fresh.exists():
            shutil.rmtree(fresh)
        count = self._write(self._create(fresh), (), documents)
        old = self.path.with_name(self.path.name + f".old-{os.getpid()}")
        with self._lock:
            if self.path.exists():
                os.replace(self.path, old)
            os.replace(fresh, self.path)
            self._index = None
        shutil.rmtree(old, ignore_errors=True)
        self.index()
        return count

    # -- reading ----------------------------------------------------------------

    def _term(self, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(SCHEMA, field, value)

    def _query(self, criteria: Criteria) -> tantivy.Query:
        Q, Occur = tantivy.Query, tantivy.Occur
        clauses: list[tuple[Any, tantivy.Query]] = []
        for term in criteria.query.terms:
            options = [
                (Occur.Should, Q.boost_query(self._term(field, term.fold), boost))
                for field, boost in TEXT_FIELDS.items()
            ]
            if term.key:
                by_key = Q.boost_query(self._term("keys", term.key), KEY_BOOST)
                in_context = Q.boost_query(self._term("context_keys", term.key), CONTEXT_BOOST)
                options += [(Occur.Should, by_key), (Occur.Should, in_context)]
            clauses.append((Occur.Must, Q.boolean_query(options)))
        for phrase in criteria.query.phrases:
            options = [
                (Occur.Should, Q.boost_query(Q.phrase_query(SCHEMA, field, list(phrase)), boost))
                for field, boost in TEXT_FIELDS.items()
            ]
            clauses.append((Occur.Must, Q.boolean_query(options)))
        for term in criteria.query.excluded:
            for field in TEXT_FIELDS:
                clauses.append((Occur.MustNot, self._term(field, term.fold)))
        for facet, values in criteria.filters.items():
            if facet in FACETS and values:
                options = [(Occur.Should, self._term(facet, v)) for v in values]
                clauses.append((Occur.Must, Q.boolean_query(options)))
        if criteria.date_from is not None or criteria.date_to is not None:
            # overlap: the record begins before the range ends and ends after it begins
            if criteria.date_to is not None:
                clauses.append(
                    (
                        Occur.Must,
                        Q.range_query(
                            SCHEMA, "begin", tantivy.FieldType.Integer, None, criteria.date_to
                        ),
                    )
                )
            if criteria.date_from is not None:
                clauses.append(
                    (
                        Occur.Must,
                        Q.range_query(
                            SCHEMA, "end", tantivy.FieldType.Integer, criteria.date_from, None
                        ),
                    )
                )
        if criteria.available_on is not None:
            # embargoed documents wait in the index until their day comes
            clauses.append(
                (
                    Occur.Must,
                    Q.range_query(
                        SCHEMA, "available", tantivy.FieldType.Integer, None, criteria.available_on
                    ),
                )
            )
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, Q.all_query()))
        return Q.boolean_query(clauses)

    def search(
        self,
        criteria: Criteria,
        *,
        sort: str,
        offset: int,
        limit: int,
        facets: dict[str, Criteria],
        facet_limit: int,
    ) -> RawResults:
        searcher = self.index().searcher()
        query = self._query(criteria)
        # The hits and the facet counts are independent: they run side by side on the
        # machine's cores (tantivy releases the GIL), the costly facets apart.
        queries: dict[int, tantivy.Query] = {id(criteria): query}
        groups: list[tuple[tantivy.Query, list[str]]] = []
        for name, facet_criteria in facets.items():
            if id(facet_criteria) not in queries:
                queries[id(facet_criteria)] = self._query(facet_criteria)
            target = queries[id(facet_criteria)]
            group = next(
                (g for g in groups if g[0] is target and len(g[1]) < 3 and name not in HEAVY),
                None,
            )
            if group is None or name in HEAVY:
                groups.append((target, [name]))
            else:
                group[1].append(name)
        hits_job = _POOL.submit(self._hits, searcher, query, criteria, sort, offset, limit)
        facet_jobs = [
            _POOL.submit(self._aggregate, searcher, q, names, facet_limit) for q, names in groups
        ]
        total, hits = hits_job.result()
        counts: dict[str, list[tuple[str, int]]] = {}
        exact = True
        for job in facet_jobs:
            found, found_exact = job.result()
            counts.update(found)
            exact = exact and found_exact
        return RawResults(total=total, hits=hits, facets=counts, exact=exact)

    def _hits(
        self,
        searcher: Any,
        query: tantivy.Query,
        criteria: Criteria,
        sort: str,
        offset: int,
        limit: int,
    ) -> tuple[int, list[RawHit]]:
        options: dict[str, Any] = {"limit": limit, "offset": offset, "count": True}
        if sort == "relevance" and not criteria.query.empty:
            options["weight_by_field"] = "boost"
        elif sort in ("date", "-date"):
            options["order_by_field"] = "begin"
            options["order"] = tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc
        elif sort == "title" or criteria.query.empty:
            options["order_by_field"] = "sort_title"
            options["order"] = tantivy.Order.Asc
        found = searcher.search(query, **options)
        hits = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            data = json.loads(doc["data"][0])
            body = doc["text"][0].decode() if doc["text"] else ""
            # ordered searches give the sort value in place of a score
            relevance = float(score) if isinstance(score, float) else 0.0
            hits.append(RawHit(key=doc["key"][0], score=relevance, data=data, body=body))
        return int(getattr(found, "count", 0) or 0), hits

    def _aggregate(
        self, searcher: Any, query: tantivy.Query, facets: list[str], facet_limit: int
    ) -> tuple[dict[str, list[tuple[str, int]]], bool]:
        if not facets:
            return {}, True
        spec = {
            f: {"terms": {"field": f, "size": facet_limit, "segment_size": SEGMENT_SIZE}}
            for f in facets
        }
        result = searcher.aggregate(query, spec)
        counts = {
            f: [(b["key"], int(b["doc_count"])) for b in result.get(f, {}).get("buckets", [])]
            for f in facets
        }
        exact = all(not result.get(f, {}).get("doc_count_error_upper_bound", 0) for f in facets)
        return counts, exact

    def count(self) -> int:
        return int(self.index().searcher().num_docs)

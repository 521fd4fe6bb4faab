"""The PostgreSQL backend: full-text search in the database itself.

Documents are rows of :class:`fonds.search.models.SearchRecord`, holding the same
analyzed text as the embedded index (folded words and romanization keys, computed in
Python by :mod:`fonds.search.analysis`), so both backends find the same records. A
generated ``tsvector`` weights the fields (title A, names and roster variants B, text
and keys C, ancestors' titles D) and a GIN index serves it; facets are flattened into
a ``text[]`` of ``facet=value`` strings (GIN, ``&&`` for filters, ``unnest`` for
exact counts).

The text search configuration ``fonds`` (migration 0005) is PostgreSQL's 'simple'
(lower case, no stemming, no stop words) with the ``unaccent`` dictionary in front:
besides what Python's folding already removed, it turns letters that Unicode does
not decompose (ħ, ŧ, ƀ, ɗ...) into their plain Latin letter, in documents and
queries alike.

Misspelled names: when a query finds fewer than :data:`FEW` records, each of its
words is compared by trigram similarity (``pg_trgm``, a GIN trigram index) with the
words of the index's names and roster variants (``search_nameword``), and the most
similar ones are searched too. Records that match the words as typed still come
first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from django.db import connection, connections, router, transaction

from ..analysis import analyzed, key_text
from ..analysis import key as romanization_key
from ..models import SearchRecord
from .base import FACETS, Criteria, ParsedQuery, RawHit, RawResults, SearchDocument

WEIGHTS = "{0.1, 0.4, 0.6, 1.0}"  # D, C, B, A
BATCH = 2000
CONFIG = "fonds"  # simple + unaccent (migration 0005)
FEW = 5  # below this many records, misspelled names are looked for too
SIMILAR = 3  # similar names searched per word of the query
SHORTEST = 4  # shorter words are not compared: too many short names look alike


def _row(doc: SearchDocument) -> SearchRecord:
    names = " ".join(doc.names)
    variants = " ".join(doc.variants)
    return SearchRecord(
        key=doc.key,
        owner=doc.owner,
        doc_type=doc.type,
        title=analyzed(doc.title),
        names=analyzed(names),
        variants=analyzed(variants),
        body=analyzed(doc.body),
        context=analyzed(doc.context),
        keys=key_text(doc.title, names, variants, doc.body),
        context_keys=key_text(doc.context) if doc.context else "",
        facets={f: [v for v in doc.facets.get(f, ()) if v] for f in FACETS},
        begin=doc.begin,
        end=(doc.end if doc.end is not None else doc.begin) if doc.begin is not None else None,
        boost=doc.boost,
        sort_title=(doc.sort_title[:200] or "~"),
        data=doc.data,
        text=doc.body[:20_000],
        available=doc.available,
    )


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresBackend:
    # -- writing ----------------------------------------------------------------

    def _write(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        batch: list[SearchRecord] = []
        for doc in documents:
            batch.append(_row(doc))
            if len(batch) >= BATCH:
                self._insert(batch)
                count += len(batch)
                batch = []
        self._insert(batch)
        return count + len(batch)

    def _insert(self, rows: list[SearchRecord]) -> None:
        if not rows:
            return
        # the tsvector and the flattened facets are generated columns (migrations)
        SearchRecord.objects.bulk_create(rows)
        with connection.cursor() as cursor:
            # the words of names and variants, as indexed, for fuzzy matching; in
            # one order so that two loads never wait on each other crosswise
            cursor.execute(
                "INSERT INTO search_nameword (word)"
                " SELECT DISTINCT w.lexeme FROM search_searchrecord AS r, unnest(r.document) AS w"
                " WHERE r.key = ANY(%s) AND 'B' = ANY(w.weights) AND length(w.lexeme) >= %s"
                " ORDER BY w.lexeme ON CONFLICT DO NOTHING",
                [[row.key for row in rows], SHORTEST],
            )

    def replace(self, owners: Iterable[str], documents: Iterable[SearchDocument]) -> int:
        with transaction.atomic():
            SearchRecord.objects.filter(owner__in=list(owners)).delete()
            return self._write(documents)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        with transaction.atomic():
            SearchRecord.objects.all().delete()
            # names of records that are gone go too (replace() only adds words)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_nameword")
            return self._write(documents)

    # -- reading ----------------------------------------------------------------

    def _tsquery(self, query: ParsedQuery, similar: dict[str, list[str]] | None = None) -> str:
        parts = []
        for term in query.terms:
            options = [term.fold] + ([term.key] if term.key else [])
            for word in (similar or {}).get(term.fold, ()):
                options += [word, romanization_key(word)]
            unique = list(dict.fromkeys(o for o in options if o))
            parts.append("(" + " | ".join(_lexeme(o) for o in unique) + ")")
        for phrase in query.phrases:
            parts.append("(" + " <-> ".join(_lexeme(w) for w in phrase) + ")")
        for term in query.excluded:
            parts.append("!" + _lexeme(term.fold))
        return " & ".join(parts)

    def _where(self, criteria: Criteria, tsquery: str) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not criteria.query.empty:
            clauses.append(f"document @@ to_tsquery('{CONFIG}', %s)")
            params.append(tsquery)
        for facet, values in criteria.filters.items():
            if facet in FACETS and values:
                clauses.append("facet_values && %s")
                params.append([f"{facet}={v}" for v in values])
        if criteria.available_on is not None:
            clauses.append("available <= %s")
            params.append(criteria.available_on)
        if criteria.date_to is not None:
            clauses.append("begin <= %s")
            params.append(criteria.date_to)
        if criteria.date_from is not None:
            clauses.append('"end" >= %s')
            params.append(criteria.date_from)
        return (" AND ".join(clauses) or "TRUE"), params

    def _similar(self, query: ParsedQuery) -> dict[str, list[str]]:
        """For each word of the query, the words of the index's names most similar to
        it or to its romanization key (trigram similarity above pg_trgm's threshold,
        0.3 by default)."""
        pairs = [
            (t.fold, probe)
            for t in query.terms
            for probe in dict.fromkeys((t.fold, t.key))
            if len(probe) >= SHORTEST
        ]
        if not pairs:
            return {}
        with self._reader() as cursor:
            cursor.execute(
                "SELECT q.term, n.word FROM unnest(%s::text[], %s::text[]) AS q(term, probe)"
                " CROSS JOIN LATERAL (SELECT word FROM search_nameword"
                "  WHERE word %% unaccent(q.probe) AND word <> unaccent(q.probe)"
                "  ORDER BY similarity(word, unaccent(q.probe)) DESC, word LIMIT %s) AS n",
                [[term for term, _ in pairs], [probe for _, probe in pairs], SIMILAR],
            )
            found: dict[str, list[str]] = {}
            for term, similar in cursor.fetchall():
                found.setdefault(term, []).append(similar)
        return found

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
        exact = self._tsquery(criteria.query)
        tsquery = exact
        total, rows = self._hits(criteria, tsquery, exact, sort, offset, limit)
        if not criteria.query.empty and total < FEW:
            similar = self._similar(criteria.query)
            if similar:
                tsquery = self._tsquery(criteria.query, similar)
                total, rows = self._hits(criteria, tsquery, exact, sort, offset, limit)
        hits = [
            RawHit(
                key=key,
                score=float(found_score or 0.0),
                data=data if isinstance(data, dict) else json.loads(data),
                body=text or "",
            )
            for key, data, text, found_score in rows
        ]
        # facets counted under the same criteria share one scan of the matches
        groups: dict[int, tuple[Criteria, list[str]]] = {}
        for facet, facet_criteria in facets.items():
            if facet in FACETS:
                groups.setdefault(id(facet_criteria), (facet_criteria, []))[1].append(facet)
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in facets}
        for group_criteria, names in groups.values():
            counts.update(self._counts(names, group_criteria, tsquery, facet_limit))
        return RawResults(total=int(total), hits=hits, facets=counts, exact=True)

    def _hits(
        self, criteria: Criteria, tsquery: str, exact: str, sort: str, offset: int, limit: int
    ) -> tuple[int, list[tuple[Any, ...]]]:
        """The total and one page of rows (key, data, text, score), in one scan of the
        matches: the total is a window count over the same rows."""
        where, params = self._where(criteria, tsquery)
        score = "0.0"
        score_params: list[Any] = []
        if not criteria.query.empty:
            score = (
                f"ts_rank_cd('{WEIGHTS}', document, to_tsquery('{CONFIG}', %s)) "
                f"* ln(2 + boost) / {math.log(2)}"
            )
            score_params = [tsquery]
        looked_alike = ""
        if sort == "relevance" and not criteria.query.empty:
            order = "score DESC, key"
            if tsquery != exact:  # the words as typed before their look-alikes
                order = f"as_typed DESC, {order}"
                looked_alike = f", document @@ to_tsquery('{CONFIG}', %s) AS as_typed"
                score_params.append(exact)
        elif sort == "date":
            order = "begin ASC NULLS LAST, key"
        elif sort == "-date":
            order = "begin DESC NULLS LAST, key"
        else:
            order = "sort_title, key"
        with self._reader() as cursor:
            # ranked and counted on narrow rows (the window count keeps every match
            # until the end: with the stored result data it spilled to disk), then
            # the result data of the page's rows alone
            # (materialized: the count needs every match anyway, so an index scan in
            # the sort order, which the planner likes for a LIMIT, only costs more)
            cursor.execute(
                "WITH matches AS MATERIALIZED ("  # noqa: S608
                f" SELECT id, key, begin, sort_title, {score} AS score{looked_alike}"
                f" FROM search_searchrecord WHERE {where})"
                f" SELECT id, score, count(*) OVER () FROM matches"
                f" ORDER BY {order} LIMIT %s OFFSET %s",
                [*score_params, *params, limit, offset],
            )
            page = cursor.fetchall()
            if page:
                cursor.execute(
                    "SELECT id, key, data, text FROM search_searchrecord WHERE id = ANY(%s)",
                    [[row[0] for row in page]],
                )
                stored = {row[0]: row[1:] for row in cursor.fetchall()}
                return int(page[0][2]), [(*stored[i], found) for i, found, _ in page]
            if not offset:
                return 0, []
            # a page past the end: the count alone
            cursor.execute(f"SELECT count(*) FROM search_searchrecord WHERE {where}", params)  # noqa: S608
            return int(cursor.fetchone()[0]), []

    def _counts(
        self, names: list[str], criteria: Criteria, tsquery: str, limit: int
    ) -> dict[str, list[tuple[str, int]]]:
        """The top values of several facets in one scan of the matching rows."""
        where, params = self._where(criteria, tsquery)
        with self._reader() as cursor:
            cursor.execute(
                "SELECT facet_value, n FROM ("  # noqa: S608
                " SELECT v AS facet_value, count(*) AS n,"
                "  row_number() OVER (PARTITION BY split_part(v, '=', 1)"
                "   ORDER BY count(*) DESC, v) AS place"
                " FROM search_searchrecord, unnest(facet_values) AS v"
                f" WHERE {where} AND split_part(v, '=', 1) = ANY(%s)"
                " GROUP BY v) AS ranked WHERE place <= %s",
                [*params, names, limit],
            )
            found: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
            for facet_value, n in cursor.fetchall():
                facet, _, value = str(facet_value).partition("=")
                found[facet].append((value, int(n)))
            for values in found.values():
                values.sort(key=lambda pair: (-pair[1], pair[0]))
        return found

    def _reader(self) -> Any:
        """A cursor on the database reads go to: a replica when there is one."""
        return connections[router.db_for_read(SearchRecord)].cursor()

    def count(self) -> int:
        return SearchRecord.objects.count()

"""The embedded engine choice, measured: tantivy against SQLite FTS5 on the same text.

    python bench/engines.py [--docs 200000] [--queries 200]

Both engines get the same documents, analyzed by fonds (folded words and
romanization keys), and answer the same ranked queries for the top 20: tantivy with
BM25 over title and text, FTS5 with bm25() over the same two columns. No facets:
this compares the engines, not fonds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tantivy  # noqa: E402

from fonds.devtools.synthetic import KINDS, NAMES, PLACES, SUBJECTS  # noqa: E402
from fonds.search.analysis import analyzed, key_text  # noqa: E402


def documents(count: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    docs = []
    for _ in range(count):
        name = rng.choice(NAMES)
        title = f"{rng.choice(KINDS)}: {name}, {rng.choice(PLACES)}"
        body = (
            f"Concerning {rng.choice(SUBJECTS).lower()}; mentions {rng.choice(NAMES)}. "
            f"Files of the {rng.choice(PLACES)} office about {rng.choice(SUBJECTS).lower()}."
        )
        docs.append((analyzed(title), analyzed(body) + " " + key_text(title, body)))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    docs = documents(args.docs)
    words = [w for title, _ in docs[:2000] for w in title.split()]
    rng = random.Random(11)
    queries = [" ".join(rng.sample(words, 2)) for _ in range(args.queries)]
    folder = Path(tempfile.mkdtemp(prefix="fonds-engines-"))

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    schema = builder.build()
    (folder / "tantivy").mkdir()
    index = tantivy.Index(schema, path=str(folder / "tantivy"))
    started = time.perf_counter()
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for title, body in docs:
        writer.add_document(tantivy.Document(title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    tantivy_build = time.perf_counter() - started

    db = sqlite3.connect(folder / "fts.sqlite3")
    started = time.perf_counter()
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61')")
    db.executemany("INSERT INTO docs (title, body) VALUES (?, ?)", docs)
    db.commit()
    fts_build = time.perf_counter() - started

    searcher = index.searcher()
    started = time.perf_counter()
    for text in queries:
        query = index.parse_query(text, ["title", "body"], field_boosts={"title": 4.0})
        searcher.search(query, limit=20)
    tantivy_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for text in queries:
        match = " OR ".join(f'"{w}"' for w in text.split())
        db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 4.0, 1.0) LIMIT 20",
            [match],
        ).fetchall()
    fts_seconds = time.perf_counter() - started

    sizes = f"{args.docs:,} documents, {args.queries} ranked queries (top 20)"
    print(f"{sizes}, SQLite {sqlite3.sqlite_version}")
    print(f"{'engine':10} {'build s':>8} {'queries s':>10} {'per query ms':>13}")
    for name, build, seconds in (
        ("tantivy", tantivy_build, tantivy_seconds),
        ("FTS5", fts_build, fts_seconds),
    ):
        print(f"{name:10} {build:8.1f} {seconds:10.2f} {seconds / args.queries * 1000:13.2f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""One article per cleaned text, for every batch that lands through `landing.land_batch`.

A record whose content_hash an article already has, under another article_id, lands no
article: it is recorded in `duplicates` with the article it repeats (its bytes are in
`documents` all the same). Which one is kept does not depend on timing:

- the article already in the warehouse (the earliest landed, then the lowest id, as
  discovery decides in `warehouse/discovery_landing.py`);
- else, inside a batch, the first record by URL.

An article whose own text changes is a revision, not a duplicate, and stops holding its old
text. An article whose new text another article already has is retired: its last row goes
to `article_versions`, and its URL is recorded as a duplicate. So a re-ingest never turns a
recorded duplicate into an article, and runs again over the same inputs give the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.records import ArticleRecord
from warehouse.tables import duplicate_table, unique_by_key


@dataclass(frozen=True)
class Duplicate:
    source_id: str
    url: str
    article_id: str  # the id it would have had: that of its URL
    document_id: str
    content_hash: str
    duplicate_of: str  # article_id of the article kept
    reason: str


@dataclass(frozen=True)
class Decision:
    kept: list[ArticleRecord]
    duplicates: list[Duplicate]


Holders = dict[str, tuple[str, str]]  # content_hash -> (article_id, url) of its article


def separate(con: duckdb.DuckDBPyConnection, records: Sequence[ArticleRecord]) -> Decision:
    """The batch's records split into those that land and the duplicates, in URL order."""
    ordered = sorted(unique_by_key(records, lambda r: r.article_id), key=lambda r: r.url)
    if not ordered:
        return Decision([], [])
    return decide(ordered, holders(con, ordered))


def decide(ordered: Sequence[ArticleRecord], held: Holders) -> Decision:
    held = dict(held)
    kept, duplicates = [], []
    for record in ordered:
        owner_id, owner_url = held.setdefault(record.content_hash, (record.article_id, record.url))
        if owner_id == record.article_id:
            kept.append(record)
        else:
            duplicates.append(duplicate_of(record, owner_id, owner_url))
    return Decision(kept, duplicates)


def duplicate_of(record: ArticleRecord, owner_id: str, owner_url: str) -> Duplicate:
    reason = f"same text as article {owner_id} ({owner_url})"
    return Duplicate(
        record.source_id,
        record.url,
        record.article_id,
        record.document_id,
        record.content_hash,
        owner_id,
        reason,
    )


def holders(con: duckdb.DuckDBPyConnection, records: Sequence[ArticleRecord]) -> Holders:
    """Which article holds each of the batch's texts now, leaving out the batch's own
    articles whose text is changing (they give their old text up)."""
    texts = pa.table(
        {
            "article_id": pa.array([r.article_id for r in records], pa.string()),
            "content_hash": pa.array([r.content_hash for r in records], pa.string()),
        }
    )
    con.register("batch_texts", texts)
    try:
        rows = con.execute(_HOLDERS).fetchall()
    finally:
        con.unregister("batch_texts")
    held: Holders = {}
    for content_hash, article_id, url in rows:
        held.setdefault(content_hash, (article_id, url))
    return held


_HOLDERS = """
SELECT a.content_hash, a.article_id, a.url
FROM articles a LEFT JOIN batch_texts b USING (article_id)
WHERE a.content_hash IN (SELECT content_hash FROM batch_texts)
  AND (b.content_hash IS NULL OR b.content_hash = a.content_hash)
ORDER BY a.ingested_at, a.article_id
"""


def record(con: duckdb.DuckDBPyConnection, run_id: str, duplicates: Sequence[Duplicate]) -> None:
    """Retire the articles the duplicates had (their text is now another's), then note them."""
    if not duplicates:
        return
    con.register("batch_duplicates", duplicate_table(duplicates, run_id))
    try:
        con.execute(_RETIRED_VERSIONS, [run_id])
        con.execute(f"DELETE FROM removals WHERE {_RETIRED}")
        con.execute(f"DELETE FROM articles WHERE {_RETIRED}")
        con.execute(_DUPLICATE_UPSERT)
    finally:
        con.unregister("batch_duplicates")


def resolve(con: duckdb.DuckDBPyConnection, kept: Sequence[ArticleRecord]) -> None:
    """A URL recorded as a duplicate that now lands as an article of its own."""
    if not kept:
        return
    con.register("kept_urls", pa.table({"url": pa.array([r.url for r in kept], pa.string())}))
    try:
        con.execute(
            "UPDATE duplicates SET resolved_at = now() WHERE resolved_at IS NULL "
            "AND url IN (SELECT url FROM kept_urls)"
        )
    finally:
        con.unregister("kept_urls")


_RETIRED = "article_id IN (SELECT article_id FROM batch_duplicates)"

_RETIRED_VERSIONS = f"""
INSERT INTO article_versions SELECT a.article_id, a.url, a.title, a.authors,
    a.published_at, a.body, a.word_count, a.content_hash, a.document_id,
    a.extractor_version, a.rules_version, a.run_id, a.ingested_at, a.updated_at, now(), $1
FROM articles a WHERE a.{_RETIRED}
"""

_DUPLICATE_UPSERT = """
INSERT INTO duplicates BY NAME SELECT * FROM batch_duplicates
ON CONFLICT (source_id, url) DO UPDATE SET
    article_id = excluded.article_id,
    document_id = excluded.document_id,
    content_hash = excluded.content_hash,
    duplicate_of = excluded.duplicate_of,
    reason = excluded.reason,
    last_seen = excluded.last_seen,
    run_id = excluded.run_id,
    resolved_at = NULL
"""

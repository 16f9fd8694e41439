"""Landing one batch of discovered pages in the caller's transaction.

The caller first asks `known_identities` which of the batch's articles and texts are
already there, decides the duplicates, then lands the rest with `land_discovered`:
documents, articles (with their earlier versions kept), failures, the WARC position of
each new document, cluster membership, what became of each candidate (and the end of
earlier failures of the pages read this time), and validators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from extractors.links import DUPLICATE, LANDED, OFF_TOPIC, CandidateOutcome, Validators
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.urls import canonical_url
from warehouse import clusters
from warehouse.discovery import bulk, record_outcomes, unique
from warehouse.landing import BatchCounts, land_batch
from warehouse.validators import record_validators


@dataclass(frozen=True)
class KnownIdentities:
    article_ids: frozenset[str]  # of the batch's articles, those already landed
    texts: dict[str, tuple[str, str]]  # content_hash -> (article_id, url) already landed


@dataclass(frozen=True)
class DiscoveredBatch:
    documents: Sequence[tuple[RawDocument, str, str]] = ()  # (raw, document_id, raw_path)
    records: Sequence[ArticleRecord] = ()
    failures: Sequence[Failure] = ()
    warc_positions: Sequence[tuple[str, str, int]] = ()  # (document_id, file, offset)
    members: Sequence[clusters.Member] = ()
    outcomes: Sequence[CandidateOutcome] = ()
    validators: Sequence[Validators] = field(default=())


def known_identities(
    con: duckdb.DuckDBPyConnection, records: Sequence[ArticleRecord]
) -> KnownIdentities:
    ids = con.execute(
        "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [[r.article_id for r in records]],
    ).fetchall()
    rows = con.execute(
        "SELECT content_hash, article_id, url FROM articles "
        "WHERE content_hash IN (SELECT unnest(?::VARCHAR[])) ORDER BY ingested_at, article_id",
        [[r.content_hash for r in records]],
    ).fetchall()
    texts: dict[str, tuple[str, str]] = {}
    for content_hash, article_id, url in rows:
        texts.setdefault(content_hash, (article_id, url))
    return KnownIdentities(frozenset(row[0] for row in ids), texts)


def land_discovered(
    con: duckdb.DuckDBPyConnection, run_id: str, batch: DiscoveredBatch
) -> BatchCounts:
    counts = land_batch(con, run_id, batch.documents, batch.records, batch.failures)
    set_warc_positions(con, batch.warc_positions)
    clusters.place_members(con, run_id, batch.members)
    record_outcomes(con, run_id, batch.outcomes)
    resolve_page_failures(con, batch.outcomes)
    record_validators(con, run_id, batch.validators)
    return counts


def resolve_page_failures(
    con: duckdb.DuckDBPyConnection, outcomes: Sequence[CandidateOutcome]
) -> None:
    """Pages fetched and read this time (landed, duplicate, off topic, or confirmed by a
    304): their open fetch and extract failures are over, whichever URL they were
    recorded under (the one requested, or where its redirects ended). The rows stay, with
    `resolved_at`, so a URL's history remains queryable."""
    urls = {url for o in outcomes if _succeeded(o) for url in _failure_keys(o)}
    if urls:
        table = pa.table({"url": pa.array(sorted(urls), pa.string())})
        bulk(con, "fetched_urls", table, _RESOLVE_PAGE_FAILURES)


def _succeeded(outcome: CandidateOutcome) -> bool:
    read = outcome.status in (LANDED, DUPLICATE, OFF_TOPIC)
    return read or (outcome.status is None and outcome.http_status == 304)


def _failure_keys(outcome: CandidateOutcome) -> tuple[str, ...]:
    final = canonical_url(outcome.final_url) if outcome.final_url else None
    return (outcome.canonical_url, final) if final else (outcome.canonical_url,)


_RESOLVE_PAGE_FAILURES = """
UPDATE failures SET resolved_at = now()
WHERE resolved_at IS NULL AND stage IN ('fetch', 'extract')
  AND url IN (SELECT url FROM fetched_urls)
"""


def set_warc_positions(
    con: duckdb.DuckDBPyConnection, positions: Sequence[tuple[str, str, int]]
) -> None:
    """Where each new document's response is archived (first position wins)."""
    rows = unique(positions, lambda p: p[0])
    if not rows:
        return
    table = pa.table(
        {
            "document_id": pa.array([p[0] for p in rows], pa.string()),
            "warc_file": pa.array([p[1] for p in rows], pa.string()),
            "warc_offset": pa.array([p[2] for p in rows], pa.int64()),
        }
    )
    con.register("batch_warc", table)
    try:
        con.execute(_WARC_UPDATE)
    finally:
        con.unregister("batch_warc")


_WARC_UPDATE = """
UPDATE documents SET warc_file = w.warc_file, warc_offset = w.warc_offset
FROM batch_warc w WHERE documents.document_id = w.document_id AND documents.warc_file IS NULL
"""

"""Candidates, their sightings and the HTTP validators: discovery's bookkeeping tables.

Bulk paths only: each call turns a batch into one Arrow table, de-duplicated on the
table's key first (an upsert that meets a key twice in one batch keeps one silently),
and reads it in one statement. The caller holds the transaction (`writing()`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from extractors.links import PENDING, RETRIED_STATUSES, Candidate, CandidateOutcome, PlannedFetch

_TS = pa.timestamp("us", tz="UTC")
T = TypeVar("T")


def unique(items: Sequence[T], key: Callable[[T], Hashable]) -> list[T]:
    """The first item per key, in order."""
    return list({key(item): item for item in reversed(items)}.values())[::-1]


def arrow_table(columns: dict[str, Any]) -> pa.Table:
    return pa.table(
        {k: v if isinstance(v, pa.Array) else pa.array(v, pa.string()) for k, v in columns.items()}
    )


def timestamps(values: Sequence[datetime | None]) -> pa.Array:
    return pa.array(values, _TS)


def bulk(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, sql: str) -> None:
    con.register(name, table)
    try:
        con.execute(sql)
    finally:
        con.unregister(name)


def record_sightings(
    con: duckdb.DuckDBPyConnection, run_id: str, found: Sequence[Candidate]
) -> int:
    """New candidates (status pending) and every (source, query) sighting; returns new ones."""
    firsts = unique(found, lambda c: c.canonical_url)
    before = _count(con, "candidates")
    bulk(con, "batch_candidates", _candidate_table(firsts, run_id), _NEW_CANDIDATES)
    sightings = unique(found, lambda c: (c.canonical_url, c.source_id, c.query or ""))
    bulk(con, "batch_sightings", _sighting_table(sightings, run_id), _SIGHTINGS_UPSERT)
    return _count(con, "candidates") - before


def _candidate_table(found: Sequence[Candidate], run_id: str) -> pa.Table:
    return arrow_table(
        {
            "canonical_url": [c.canonical_url for c in found],
            "url": [c.url for c in found],
            "source_id": [c.source_id for c in found],
            "query": [c.query for c in found],
            "found_at": timestamps([c.found_at for c in found]),
            "title": [c.title for c in found],
            "published_at": timestamps([c.published_at for c in found]),
            "status": [PENDING] * len(found),
            "attempts": pa.array([0] * len(found), pa.int32()),
            "last_run_id": [run_id] * len(found),
        }
    )


_NEW_CANDIDATES = (
    "INSERT INTO candidates BY NAME SELECT b.* FROM batch_candidates b "
    "ANTI JOIN candidates c USING (canonical_url)"
)


def _sighting_table(found: Sequence[Candidate], run_id: str) -> pa.Table:
    return arrow_table(
        {
            "canonical_url": [c.canonical_url for c in found],
            "source_id": [c.source_id for c in found],
            "query": [c.query or "" for c in found],
            "url": [c.url for c in found],
            "first_seen": timestamps([c.found_at for c in found]),
            "last_seen": timestamps([c.found_at for c in found]),
            "last_run_id": [run_id] * len(found),
        }
    )


_SIGHTINGS_UPSERT = (
    "INSERT INTO candidate_sightings BY NAME SELECT * FROM batch_sightings "
    "ON CONFLICT (canonical_url, source_id, query) DO UPDATE SET "
    "last_seen = excluded.last_seen, last_run_id = excluded.last_run_id"
)


def plan_fetches(
    con: duckdb.DuckDBPyConnection,
    found: Sequence[str],
    max_attempts: int,
    retry_earlier: bool = True,
) -> list[PlannedFetch]:
    """This run's candidates, then (`retry_earlier`) earlier ones worth another try; none
    that failed `max_attempts` times in a row."""
    retried = list(RETRIED_STATUSES) if retry_earlier else []
    cursor = con.execute(_PLAN, [list(found), retried, max_attempts, list(RETRIED_STATUSES)])
    names = [column[0] for column in cursor.description or []]
    return [PlannedFetch(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


# A page scored off topic before profiles were recorded has no stored copy to re-score,
# so it is asked for in full once (no validators) and scored against today's topic.
_PLAN = """
SELECT c.canonical_url, c.source_id, c.query, c.status, c.article_id, c.score,
       if(c.status = 'off_topic' AND c.profile_hash IS NULL, NULL, v.etag) AS etag,
       if(c.status = 'off_topic' AND c.profile_hash IS NULL, NULL, v.last_modified)
           AS last_modified,
       c.attempts, c.final_url, c.profile_hash, v.content_sha256
FROM candidates c LEFT JOIN http_validators v ON v.url = c.canonical_url
WHERE (c.canonical_url IN (SELECT unnest($1::VARCHAR[]))
       OR c.status IN (SELECT unnest($2::VARCHAR[])))
  AND NOT (c.status IN (SELECT unnest($4::VARCHAR[])) AND c.attempts >= $3)
ORDER BY c.canonical_url NOT IN (SELECT unnest($1::VARCHAR[])), c.published_at DESC NULLS LAST,
         c.found_at, c.canonical_url
"""


def record_outcomes(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[CandidateOutcome]
) -> None:
    if outcomes:
        rows = unique(outcomes, lambda o: o.canonical_url)
        bulk(con, "batch_outcomes", _outcome_table(rows, run_id), _OUTCOMES_UPDATE)


def _outcome_table(rows: Sequence[CandidateOutcome], run_id: str) -> pa.Table:
    return arrow_table(
        {
            "canonical_url": [o.canonical_url for o in rows],
            "status": [o.status for o in rows],
            "score": pa.array([o.score for o in rows], pa.float64()),
            "reason": [o.reason for o in rows],
            "article_id": [o.article_id for o in rows],
            "final_url": [o.final_url for o in rows],
            "http_status": pa.array([o.http_status for o in rows], pa.int32()),
            "failed": pa.array([o.failed for o in rows], pa.bool_()),
            "checked_at": timestamps([o.checked_at for o in rows]),
            "warc_file": [o.warc_file for o in rows],
            "warc_offset": pa.array([o.warc_offset for o in rows], pa.int64()),
            "profile_hash": [o.profile_hash for o in rows],
            "last_run_id": [run_id] * len(rows),
        }
    )


# A 304 (status NULL) keeps what the candidate became; anything else replaces it.
_OUTCOMES_UPDATE = """
UPDATE candidates SET
    status = coalesce(o.status, candidates.status),
    score = CASE WHEN o.status IS NULL THEN candidates.score ELSE o.score END,
    reason = CASE WHEN o.status IS NULL THEN candidates.reason ELSE o.reason END,
    profile_hash = CASE WHEN o.status IS NULL THEN candidates.profile_hash
                        ELSE o.profile_hash END,
    article_id = coalesce(o.article_id, candidates.article_id),
    final_url = coalesce(o.final_url, candidates.final_url),
    http_status = o.http_status,
    attempts = CASE WHEN o.failed THEN candidates.attempts + 1 ELSE 0 END,
    checked_at = o.checked_at,
    warc_file = coalesce(o.warc_file, candidates.warc_file),
    warc_offset = coalesce(o.warc_offset, candidates.warc_offset),
    last_run_id = o.last_run_id
FROM batch_outcomes o WHERE candidates.canonical_url = o.canonical_url
"""


def resolve_source_failures(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str], failing: Sequence[str]
) -> None:
    """A source read without a problem this time: its earlier discover failures are over."""
    con.execute(
        "UPDATE failures SET resolved_at = now() WHERE stage = 'discover' "
        "AND resolved_at IS NULL AND source_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND url NOT IN (SELECT unnest(?::VARCHAR[]))",
        [list(source_ids), list(failing)],
    )


def ensure_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[tuple[str, str, str]]) -> None:
    """(source_id, kind, location) rows for sources not known yet; known ones are kept."""
    rows = unique(sources, lambda s: s[0])
    if rows:
        stamps = timestamps([datetime.now(UTC)] * len(rows))
        table = arrow_table(
            {
                "source_id": [r[0] for r in rows],
                "kind": [r[1] for r in rows],
                "location": [r[2] for r in rows],
                "created_at": stamps,
                "updated_at": stamps,
            }
        )
        sql = "INSERT INTO sources BY NAME SELECT * FROM batch_sources ON CONFLICT DO NOTHING"
        bulk(con, "batch_sources", table, sql)


def seed_texts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    """(title and body, language) of every article read from files: the topic's seeds."""
    rows = con.execute(
        "SELECT coalesce(a.title || chr(10), '') || a.body, a.language FROM articles a "
        "JOIN sources s USING (source_id) WHERE s.kind = 'files' ORDER BY a.article_id"
    ).fetchall()
    return [(text, language) for text, language in rows]


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # table names are ours
    return int(row[0]) if row else 0

"""Learned templates in the warehouse: a source's set, what it is learned from, storing it.

A source's templates are learned from its articles' lines *before* clean-up: the body's
lines and every removed span's lines (`articles.body` holds only what was kept, and the
template lines that clean-up took out are in `removals`). Learning from bodies alone would
not converge: once learned lines are removed from the bodies they would no longer recur,
the next run would forget them and the run after that learn them again. Lines before
clean-up depend only on the bytes and the extractor, never on the rules or on the learned
set, so re-learning from them after applying a set gives that set back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

from extractors.boilerplate import normalise_line
from warehouse.tables import now

# Templates are learned from this many of the source's most recently ingested articles:
# enough for a site's furniture to recur, few enough that an old layout fades out.
LEARN_FROM_ARTICLES = 300

_RECENT_LINES = """
WITH recent AS (
    SELECT article_id, body FROM articles WHERE source_id = $source
    ORDER BY ingested_at DESC, article_id LIMIT $limit
)
SELECT r.article_id, r.body, list(m.text ORDER BY m.seq) FILTER (WHERE m.text IS NOT NULL)
FROM recent r LEFT JOIN removals m USING (article_id)
GROUP BY r.article_id, r.body ORDER BY r.article_id
"""


def learned_sets(
    con: duckdb.DuckDBPyConnection, source_ids: Iterable[str]
) -> dict[str, frozenset[str]]:
    """The stored template lines of each of `source_ids` that has any."""
    rows = con.execute(
        "SELECT source_id, list(line_norm ORDER BY line_norm) FROM learned_templates "
        "WHERE source_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY source_id",
        [sorted(set(source_ids))],
    ).fetchall()
    return {source_id: frozenset(lines) for source_id, lines in rows}


def lines_before_cleaning(
    con: duckdb.DuckDBPyConnection, source_id: str, limit: int = LEARN_FROM_ARTICLES
) -> list[list[str]]:
    """The lines of the source's recent articles as extracted: kept and removed alike."""
    rows = con.execute(_RECENT_LINES, {"source": source_id, "limit": limit}).fetchall()
    return [_all_lines(body, removed or []) for _, body, removed in rows]


def _all_lines(body: str, removed: Sequence[str]) -> list[str]:
    return [line for text in (body, *removed) for line in text.split("\n") if line.strip()]


def store_learned(
    con: duckdb.DuckDBPyConnection, source_id: str, counts: Mapping[str, int], run_id: str
) -> None:
    """Make `counts` (line -> documents) the source's set, keeping when each was first seen."""
    con.execute(
        "DELETE FROM learned_templates WHERE source_id = ? "
        "AND line_norm NOT IN (SELECT unnest(?::VARCHAR[]))",
        [source_id, sorted(counts)],
    )
    if counts:
        con.executemany(_UPSERT, [[source_id, line, n, now(), run_id] for line, n in counts.items()])


_UPSERT = """
INSERT INTO learned_templates VALUES ($1, $2, $3, $4, $4, $5)
ON CONFLICT (source_id, line_norm) DO UPDATE SET
    documents = excluded.documents, last_seen = excluded.last_seen
"""


def articles_with_lines(
    con: duckdb.DuckDBPyConnection, source_id: str, lines: frozenset[str]
) -> list[str]:
    """Ids of the source's articles that have any of `lines` (normalised), kept or removed."""
    if not lines:
        return []
    rows = con.execute(
        "SELECT a.article_id, a.body, list(m.text) FILTER (WHERE m.text IS NOT NULL) "
        "FROM articles a LEFT JOIN removals m USING (article_id) WHERE a.source_id = ? "
        "GROUP BY a.article_id, a.body",
        [source_id],
    ).fetchall()
    return sorted(
        article_id
        for article_id, body, removed in rows
        if not lines.isdisjoint(map(normalise_line, _all_lines(body, removed or [])))
    )


def documents_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Where the raw bytes of each article's document are kept (`reingest.load_document`)."""
    cursor = con.execute(
        "SELECT d.url, d.media_type, d.charset, d.raw_path, d.retrieved_at, d.requested_url, "
        "d.final_url, d.http_status FROM articles a JOIN documents d USING (document_id) "
        "WHERE a.article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY d.url",
        [list(article_ids)],
    )
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def written_by_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, set[str]]:
    """source_id -> ids of the articles this run inserted or changed."""
    rows = con.execute(
        "SELECT source_id, article_id FROM articles WHERE run_id = ?", [run_id]
    ).fetchall()
    written: dict[str, set[str]] = {}
    for source_id, article_id in rows:
        written.setdefault(source_id, set()).add(article_id)
    return written

"""Learned templates in the warehouse: a source's set, what it is learned from, storing it.

A source's templates are learned from its articles' lines as the rules left them: the
body's lines plus the lines removed as learned templates (`articles.body` holds only what
was kept; what `learned-template` took out is in `removals`). Learning from bodies alone
would not converge: once learned lines are removed from the bodies they would no longer
recur, the next run would forget them and the run after that learn them again. The lines
the rules leave depend on the bytes, the extractor and the rules, never on the learned set,
so learning again from them after applying a set gives that set back. Lines the rules
removed are left out: they go anyway, and learning them would only cost re-cleaning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from extractors.boilerplate import normalise_line, template_counts
from extractors.boilerplate.ruleset import LEARNED_RULE
from extractors.boilerplate.templates import may_hold_any
from warehouse.tables import now

# Templates are learned from this many of the source's most recently ingested articles:
# enough for a site's furniture to recur, few enough that an old layout fades out.
LEARN_FROM_ARTICLES = 300
SCAN_CHUNK_ROWS = 1000

_RECENT_LINES = """
WITH recent AS (
    SELECT article_id FROM articles
    WHERE source_id IN (SELECT unnest($sources::VARCHAR[]))
    QUALIFY row_number() OVER (
        PARTITION BY source_id ORDER BY ingested_at DESC, article_id) <= $limit
), learned AS (
    SELECT article_id, list(text ORDER BY seq) AS texts FROM removals
    WHERE rule = $learned AND article_id IN (SELECT article_id FROM recent)
    GROUP BY article_id
)
SELECT a.source_id, a.body, l.texts
FROM articles a SEMI JOIN recent USING (article_id) LEFT JOIN learned l USING (article_id)
ORDER BY a.source_id, a.article_id
"""
# Bodies are read only for the chosen articles, never windowed or grouped: both put every
# body of the source in memory at once (issue 7).


def learned_sets(
    con: duckdb.DuckDBPyConnection, source_ids: Iterable[str] | None = None
) -> dict[str, frozenset[str]]:
    """The stored template lines of each source (of `source_ids`, if given) that has any."""
    if not _has_table(con):  # a warehouse from before migration 005, opened read-only
        return {}
    rows = con.execute(
        "SELECT source_id, list(line_norm ORDER BY line_norm) FROM learned_templates "
        "WHERE $all OR source_id IN (SELECT unnest($sources::VARCHAR[])) GROUP BY source_id",
        {"all": source_ids is None, "sources": sorted(set(source_ids or ()))},
    ).fetchall()
    return {source_id: frozenset(lines) for source_id, lines in rows}


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'learned_templates'"
    ).fetchone()
    return bool(row and row[0])


def lines_before_cleaning(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str], limit: int = LEARN_FROM_ARTICLES
) -> dict[str, list[list[str]]]:
    """Each source's recent articles' lines as the rules left them (see above)."""
    parameters = {"sources": list(source_ids), "limit": limit, "learned": LEARNED_RULE}
    rows = con.execute(_RECENT_LINES, parameters).fetchall()
    by_source: dict[str, list[list[str]]] = {}
    for source_id, body, removed in rows:
        by_source.setdefault(source_id, []).append(_all_lines(body, removed or []))
    return by_source


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
        con.executemany(
            _UPSERT, [[source_id, line, n, now(), run_id] for line, n in counts.items()]
        )


_UPSERT = """
INSERT INTO learned_templates VALUES ($1, $2, $3, $4, $4, $5)
ON CONFLICT (source_id, line_norm) DO UPDATE SET
    documents = excluded.documents, last_seen = excluded.last_seen
"""


def articles_with_lines(
    con: duckdb.DuckDBPyConnection, source_id: str, lines: frozenset[str]
) -> list[str]:
    """Ids of the source's articles having any of `lines` (normalised) in the body or among
    its learned-template removals: the only articles a change of those lines changes."""
    if not lines:
        return []
    # The removals are grouped before the join: grouping by the body itself put every
    # body of the source in one hash table (300 MB at 20,000 articles, issue 7).
    cursor = con.execute(
        "SELECT a.article_id, a.body, m.texts FROM articles a LEFT JOIN ("
        "  SELECT article_id, list(text) AS texts FROM removals WHERE rule = $rule "
        "  AND article_id IN (SELECT article_id FROM articles WHERE source_id = $source) "
        "  GROUP BY article_id) m USING (article_id) "
        "WHERE a.source_id = $source",
        {"rule": LEARNED_RULE, "source": source_id},
    )
    found: list[str] = []
    # A chunk of bodies at a time: a source's whole text never sits in memory at once.
    while rows := cursor.fetchmany(SCAN_CHUNK_ROWS):
        found += (
            article_id
            for article_id, body, removed in rows
            if _has_any_line(lines, body, removed or [])
        )
    return sorted(found)


def _has_any_line(lines: frozenset[str], body: str, removed: Sequence[str]) -> bool:
    if not may_hold_any(lines, "\n".join((body, *removed))):  # most articles end here
        return False
    return not lines.isdisjoint(map(normalise_line, _all_lines(body, removed)))


def documents_of(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Where the raw bytes of each article's document are kept (`reingest.load_document`)."""
    cursor = con.execute(
        "SELECT d.document_id, d.url, d.media_type, d.charset, d.raw_path, d.content_sha256, "
        "d.warc_file, d.warc_offset, d.retrieved_at, d.requested_url, d.final_url, "
        "d.http_status FROM articles a JOIN documents d USING (document_id) "
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


@dataclass(frozen=True)
class TemplateChange:
    """A source's newly learned set, and the documents to extract again because of it."""

    source_id: str
    counts: dict[str, int]  # line -> documents it was found in
    moved: frozenset[str]  # lines learned or forgotten since the stored set
    rows: list[dict[str, Any]]  # documents of the articles having one of those lines


def template_changes(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str]
) -> list[TemplateChange]:
    """What learning again does to each source's set, read in two queries for them all."""
    current, documents = learned_sets(con, source_ids), lines_before_cleaning(con, source_ids)
    return [
        _change(con, source_id, current.get(source_id, frozenset()), documents.get(source_id, []))
        for source_id in source_ids
    ]


def _change(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    current: frozenset[str],
    documents: Sequence[Sequence[str]],
) -> TemplateChange:
    counts = template_counts(documents)
    moved = current.symmetric_difference(counts)
    affected = articles_with_lines(con, source_id, moved)
    return TemplateChange(source_id, counts, moved, documents_of(con, affected) if affected else [])


def record_hashes(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> dict[str, str]:
    rows = con.execute(
        "SELECT article_id, record_hash FROM articles "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(article_ids)],
    ).fetchall()
    return dict(rows)


def stored_templates(con: duckdb.DuckDBPyConnection, source_id: str) -> list[tuple[Any, ...]]:
    """The source's learned lines, most widespread first, for people to read."""
    if not _has_table(con):
        return []
    return con.execute(
        "SELECT line_norm, documents, first_seen, last_seen, learned_by_run "
        "FROM learned_templates WHERE source_id = ? ORDER BY documents DESC, line_norm",
        [source_id],
    ).fetchall()

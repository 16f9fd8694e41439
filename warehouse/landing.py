"""Landing a batch: documents, articles, removals and failures in one short transaction.

Bulk paths only: each batch becomes Arrow tables that DuckDB reads in one statement.
Keys repeated inside a batch are dropped first (an upsert keeps only one of them silently),
then records whose text another article has are set aside as duplicates
(`warehouse/duplicates.py`). A row whose record_hash is unchanged is left alone, so a re-run
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.records import ArticleRecord, Failure, RawDocument
from warehouse import duplicates as same_text
from warehouse.duplicates import Duplicate
from warehouse.tables import article_table, document_table, failure_table, removal_table

MAX_ATTEMPTS = 5  # after this many failures on the same bytes, stop retrying them


@dataclass(frozen=True)
class BatchCounts:
    documents_new: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    removals: int = 0
    failures: int = 0
    duplicates: tuple[Duplicate, ...] = ()  # records that landed no article: text taken


def land_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    documents: Sequence[tuple[RawDocument, str, str]],
    records: Sequence[ArticleRecord],
    failures: Sequence[Failure],
) -> BatchCounts:
    """`documents` are (raw, document_id, raw_path) triples; caller holds the transaction."""
    documents_new = _insert_documents(con, document_table(documents, run_id))
    decided = same_text.separate(con, records)
    same_text.record(con, run_id, decided.duplicates)
    new, updated, unchanged = _upsert_articles(con, run_id, decided.kept)
    removals = _replace_removals(con, run_id, decided.kept, new | updated)
    same_text.resolve(con, decided.kept)
    _resolve_failures(con, records)  # a duplicate did not fail either
    _upsert_failures(con, failure_table(failures, run_id))
    return BatchCounts(
        documents_new,
        len(new),
        len(updated),
        len(unchanged),
        removals,
        len(failures),
        tuple(decided.duplicates),
    )


def _insert_documents(con: duckdb.DuckDBPyConnection, table: pa.Table) -> int:
    con.register("batch_documents", table)
    before = _count(con, "documents")
    con.execute(
        "INSERT INTO documents BY NAME SELECT b.* FROM batch_documents b "
        "ANTI JOIN documents d USING (document_id)"
    )
    con.unregister("batch_documents")
    return _count(con, "documents") - before


def _upsert_articles(
    con: duckdb.DuckDBPyConnection, run_id: str, records: Sequence[ArticleRecord]
) -> tuple[set[str], set[str], set[str]]:
    con.register("batch_articles", article_table(records, run_id))
    known = con.execute(
        "SELECT a.article_id, a.record_hash = b.record_hash, a.content_hash = b.content_hash "
        "FROM articles a JOIN batch_articles b USING (article_id)"
    ).fetchall()
    _keep_earlier_versions(con, sorted(article_id for article_id, _, same in known if not same))
    con.execute(_ARTICLE_UPSERT)
    con.unregister("batch_articles")
    ids = {record.article_id for record in records}
    unchanged = {article_id for article_id, same, _ in known if same}
    existing = {article_id for article_id, _, _ in known}
    return ids - existing, existing - unchanged, unchanged


def _keep_earlier_versions(con: duckdb.DuckDBPyConnection, changed: Sequence[str]) -> None:
    # Only when some text changed: this reads stored bodies, and a join on every batch
    # read the whole table's (150 ms and 90 MB of buffers per batch at 20,000 articles).
    if changed:
        _register_keys(con, "changed_texts", changed)
        con.execute(_KEEP_EARLIER_VERSIONS)
        con.unregister("changed_texts")


_UPDATED_COLUMNS = [
    "source_id",
    "url",
    "title",
    "authors",
    "published_at",
    "language",
    "site_name",
    "body",
    "word_count",
    "content_hash",
    "record_hash",
    "document_id",
    "extractor_version",
    "rules_version",
    "run_id",
    "updated_at",
]

_ARTICLE_UPSERT = (
    "INSERT INTO articles BY NAME SELECT * FROM batch_articles "
    "ON CONFLICT (article_id) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _UPDATED_COLUMNS)
    + " WHERE articles.record_hash <> excluded.record_hash"
)


# Before an article's text changes, its current row is kept in article_versions.
_KEEP_EARLIER_VERSIONS = (
    "INSERT INTO article_versions SELECT a.article_id, a.url, a.title, a.authors, "
    "a.published_at, a.body, a.word_count, a.content_hash, a.document_id, "
    "a.extractor_version, a.rules_version, a.run_id, a.ingested_at, a.updated_at, "
    "now(), b.run_id FROM articles a JOIN batch_articles b USING (article_id) "
    "WHERE a.article_id IN (SELECT key FROM changed_texts)"
)


def _replace_removals(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    records: Sequence[ArticleRecord],
    changed_ids: set[str],
) -> int:
    changed = [record for record in records if record.article_id in changed_ids]
    if not changed:
        return 0
    table = removal_table(changed, run_id)
    con.register("batch_removals", table)
    _register_keys(con, "changed_ids", sorted(changed_ids))
    con.execute("DELETE FROM removals WHERE article_id IN (SELECT key FROM changed_ids)")
    con.execute("INSERT INTO removals BY NAME SELECT * FROM batch_removals")
    con.unregister("changed_ids")
    con.unregister("batch_removals")
    return table.num_rows


def _register_keys(con: duckdb.DuckDBPyConnection, name: str, keys: Sequence[str]) -> None:
    # An Arrow table, not a list parameter: binding 200 strings as `?::VARCHAR[]` took
    # 30-50 ms here, the same keys as a registered table 2-3 ms (issue 7).
    con.register(name, pa.table({"key": pa.array(keys, pa.string())}))


def _resolve_failures(con: duckdb.DuckDBPyConnection, records: Sequence[ArticleRecord]) -> None:
    if records:
        _register_keys(con, "landed_urls", [record.url for record in records])
        con.execute(
            "UPDATE failures SET resolved_at = now() WHERE resolved_at IS NULL "
            "AND url IN (SELECT key FROM landed_urls)"
        )
        con.unregister("landed_urls")


def _upsert_failures(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    if table.num_rows == 0:
        return
    con.register("batch_failures", table)
    con.execute(_FAILURE_UPSERT, [MAX_ATTEMPTS])
    con.unregister("batch_failures")


# Attempts count per set of bytes: a changed input starts again from one.
_FAILURE_UPSERT = """
INSERT INTO failures BY NAME SELECT * FROM batch_failures
ON CONFLICT (source_id, url, stage) DO UPDATE SET
    reason = excluded.reason,
    transient = excluded.transient,
    document_id = excluded.document_id,
    last_seen = excluded.last_seen,
    attempts = CASE WHEN failures.document_id IS NOT DISTINCT FROM excluded.document_id
                    THEN failures.attempts + 1 ELSE 1 END,
    terminal = CASE WHEN failures.document_id IS NOT DISTINCT FROM excluded.document_id
                    THEN failures.attempts + 1 >= $1 ELSE false END,
    last_run_id = excluded.last_run_id,
    resolved_at = NULL
"""


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # table names are ours
    return int(row[0]) if row else 0


def terminal_documents(con: duckdb.DuckDBPyConnection, document_ids: Sequence[str]) -> set[str]:
    """Documents whose failure is terminal: the same bytes are not worth another attempt."""
    _register_keys(con, "asked_ids", list(document_ids))
    rows = con.execute(
        "SELECT document_id FROM failures WHERE terminal AND resolved_at IS NULL "
        "AND document_id IN (SELECT key FROM asked_ids)"
    ).fetchall()
    con.unregister("asked_ids")
    return {row[0] for row in rows}

"""Reading back one source's stored documents, and replacing that source's rows at once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from extractors.records import ArticleRecord, Failure, RawDocument
from warehouse import rawstore
from warehouse.landing import BatchCounts, land_batch

# The newest bytes per URL: older revisions stay in `documents` but are not re-extracted.
_LATEST_DOCUMENTS = """
SELECT url, media_type, charset, raw_path, retrieved_at,
       requested_url, final_url, http_status
FROM documents WHERE source_id = ?
QUALIFY row_number() OVER (PARTITION BY url ORDER BY retrieved_at DESC, document_id) = 1
ORDER BY url
"""


def source_exists(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    row = con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [source_id]).fetchone()
    return bool(row and row[0])


def stored_documents(
    con: duckdb.DuckDBPyConnection, warehouse: Path | str, source_id: str
) -> list[RawDocument]:
    root = rawstore.raw_root(warehouse)
    return [load_document(source_id, root, row) for row in stored_rows(con, source_id)]


def stored_rows(con: duckdb.DuckDBPyConnection, source_id: str) -> list[dict[str, Any]]:
    """Where each latest document of the source is kept, without its bytes (see below)."""
    cursor = con.execute(_LATEST_DOCUMENTS, [source_id])
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_document(source_id: str, root: Path, row: dict[str, Any]) -> RawDocument:
    """One row of `stored_rows` with its bytes read back from the raw store."""
    return RawDocument(
        source_id=source_id,
        url=row["url"],
        content=rawstore.load(root, row["raw_path"]),
        media_type=row["media_type"],
        retrieved_at=row["retrieved_at"],
        charset=row["charset"],
        requested_url=row["requested_url"],
        final_url=row["final_url"],
        http_status=row["http_status"],
    )


def replace_source(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source_id: str,
    records: Sequence[ArticleRecord],
    failures: Sequence[Failure],
) -> tuple[BatchCounts, int]:
    """Upsert the new records and drop the source's articles that no longer come out.

    An article whose document failed this time is kept as it was (the failure is recorded):
    a crashing extractor must never delete what an earlier run landed. The caller holds one
    transaction, so readers see the source before or after, never half-way; rows of every
    other source are not touched.
    """
    counts = land_batch(con, run_id, [], records, failures)
    keep = [record.article_id for record in records]
    failed_urls = sorted({failure.url for failure in failures})
    gone = con.execute(
        "SELECT article_id FROM articles WHERE source_id = ? "
        "AND article_id NOT IN (SELECT unnest(?::VARCHAR[])) "
        "AND url NOT IN (SELECT unnest(?::VARCHAR[]))",
        [source_id, keep, failed_urls],
    ).fetchall()
    gone_ids = [row[0] for row in gone]
    if gone_ids:
        con.execute(
            "DELETE FROM removals WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [gone_ids]
        )
        con.execute(
            "DELETE FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [gone_ids]
        )
    return counts, len(gone_ids)

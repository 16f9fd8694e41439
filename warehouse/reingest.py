"""Reading back one source's stored documents, and replacing that source's rows at once.

A document's bytes come from the content-addressed raw store (`news.raw/`); when that
file is missing or unreadable, from the WARC record of the response that brought them
(`documents.warc_file`/`warc_offset` in `news.warc/`). Either copy must hash to the
document's `content_sha256`, so a re-extraction reads exactly the bytes first landed.
When neither does, the document becomes a `read` failure naming it and both reasons.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
from warcio.exceptions import ArchiveLoadFailed

from extractors.normalise import content_sha256
from extractors.records import ArticleRecord, Failure, RawDocument
from warehouse import rawstore
from warehouse.landing import BatchCounts, land_batch
from warehouse.warcarchive import WarcPosition, read_response, warc_root

# What a missing, torn or foreign file raises on the way (gzip.BadGzipFile is an OSError).
_UNREADABLE = (OSError, EOFError, LookupError, ValueError, zlib.error, ArchiveLoadFailed)

# The newest bytes per URL: older revisions stay in `documents` but are not re-extracted.
_LATEST_DOCUMENTS = """
SELECT document_id, url, media_type, charset, raw_path, content_sha256, warc_file,
       warc_offset, retrieved_at, requested_url, final_url, http_status
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


class StoredBytesMissing(LookupError):
    """Neither the raw store nor the WARC archive gives a document's bytes back."""


def load_documents(
    root: Path, rows: Sequence[tuple[str, dict[str, Any]]]
) -> tuple[list[RawDocument], list[Failure]]:
    """`load_document` for each (source_id, row); one whose bytes are gone is a failure."""
    documents: list[RawDocument] = []
    failures: list[Failure] = []
    for source_id, row in rows:
        try:
            documents.append(load_document(source_id, root, row))
        except StoredBytesMissing as missing:
            document = row.get("document_id")
            failures.append(Failure(source_id, row["url"], "read", str(missing), False, document))
    return documents, failures


def load_document(source_id: str, root: Path, row: dict[str, Any]) -> RawDocument:
    """One row of `stored_rows` with its bytes read back (raw store `root`, else WARC)."""
    return RawDocument(
        source_id=source_id,
        url=row["url"],
        content=stored_bytes(root, row),
        media_type=row["media_type"],
        retrieved_at=row["retrieved_at"],
        charset=row["charset"],
        requested_url=row["requested_url"],
        final_url=row["final_url"],
        http_status=row["http_status"],
    )


def stored_bytes(root: Path, row: dict[str, Any]) -> bytes:
    """The document's bytes from the raw store, else from its WARC record; both folders are
    named after the warehouse (`news.raw`, `news.warc`), so `root` locates the archive too."""
    try:
        return _verified(row, rawstore.load(root, row["raw_path"]))
    except _UNREADABLE as exc:
        raw_problem = f"raw store {row['raw_path']}: {_why(exc)}"
    if not row.get("warc_file"):
        warc_problem = "no WARC record"
    else:
        position = WarcPosition(row["warc_file"], row.get("warc_offset") or 0)
        try:
            return _verified(row, _warc_bytes(warc_root(root), position))
        except _UNREADABLE as exc:
            warc_problem = f"WARC {position.file}:{position.offset}: {_why(exc)}"
    name = row.get("document_id") or row["url"]
    raise StoredBytesMissing(f"document {name}: {raw_problem}; {warc_problem}")


def _warc_bytes(warcs: Path, position: WarcPosition) -> bytes:
    record = read_response(warcs, position)
    if record.truncated is not None:
        raise ValueError(f"the record is truncated ({record.truncated})")
    return record.content


def _verified(row: dict[str, Any], content: bytes) -> bytes:
    expected = row.get("content_sha256")
    if expected is not None and content_sha256(content) != expected:
        raise ValueError("bytes do not match the document's content_sha256")
    return content


def _why(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "missing"
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]  # one line, short


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

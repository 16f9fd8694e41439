"""HTTP validators: what to send next time to ask "changed since?", per requested URL.

A full response stores its ETag, Last-Modified and the sha256 of its body (which names
the bytes in the raw store); a 304 confirms them and changes only the status and time.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from extractors.links import Validators
from warehouse.discovery import arrow_table, bulk, timestamps, unique


def record_validators(
    con: duckdb.DuckDBPyConnection, run_id: str, rows: Sequence[Validators]
) -> None:
    rows = unique(rows, lambda v: v.url)
    if rows:
        bulk(con, "batch_validators", _validator_table(rows, run_id), _VALIDATORS_UPSERT)


def _validator_table(rows: Sequence[Validators], run_id: str) -> pa.Table:
    return arrow_table(
        {
            "url": [v.url for v in rows],
            "etag": [v.etag for v in rows],
            "last_modified": [v.last_modified for v in rows],
            "content_sha256": [v.content_sha256 for v in rows],
            "last_status": pa.array([v.status for v in rows], pa.int32()),
            "fetched_at": timestamps([v.fetched_at for v in rows]),
            "run_id": [run_id] * len(rows),
        }
    )


# A 304 confirms the stored validators and bytes; only a full response replaces them.
_VALIDATORS_UPSERT = """
INSERT INTO http_validators BY NAME SELECT * FROM batch_validators
ON CONFLICT (url) DO UPDATE SET
    etag = CASE WHEN excluded.last_status = 304 THEN http_validators.etag ELSE excluded.etag END,
    last_modified = CASE WHEN excluded.last_status = 304 THEN http_validators.last_modified
                         ELSE excluded.last_modified END,
    content_sha256 = coalesce(excluded.content_sha256, http_validators.content_sha256),
    last_status = excluded.last_status, fetched_at = excluded.fetched_at,
    run_id = excluded.run_id
"""


def stored_validators(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, Validators]:
    rows = con.execute(
        "SELECT url, etag, last_modified, content_sha256, last_status, fetched_at "
        "FROM http_validators WHERE url IN (SELECT unnest(?::VARCHAR[]))",
        [list(urls)],
    ).fetchall()
    return {row[0]: Validators(*row) for row in rows}

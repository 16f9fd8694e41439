"""Records to Arrow tables whose columns match the warehouse tables, in order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa

from extractors.records import ArticleRecord, Failure, RawDocument
from warehouse.rawstore import relative_path

if TYPE_CHECKING:
    from warehouse.duplicates import Duplicate

_TS = pa.timestamp("us", tz="UTC")
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def record_hash(record: ArticleRecord) -> str:
    """Everything a reader sees; versions are left out so a no-op upgrade is no churn."""
    fields = [
        record.source_id,
        record.url,
        record.title,
        list(record.authors),
        record.published_at.isoformat() if record.published_at else None,
        record.language,
        record.site_name,
        record.content_hash,
        [(r.rule, r.rule_version, r.line_start, r.line_end, r.text) for r in record.removals],
    ]
    return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()[:32]


def unique_by_key(items: Sequence[T], key_of: Callable[[T], Hashable]) -> list[T]:
    """Keep the first item per key: DuckDB's upsert would otherwise keep one silently."""
    seen: dict[Hashable, T] = {}
    for item in items:
        seen.setdefault(key_of(item), item)
    return list(seen.values())


def article_table(records: Sequence[ArticleRecord], run_id: str) -> pa.Table:
    records = unique_by_key(records, lambda r: r.article_id)
    stamp = now()
    columns = {
        "article_id": [r.article_id for r in records],
        "source_id": [r.source_id for r in records],
        "url": [r.url for r in records],
        "title": [r.title for r in records],
        "authors": pa.array([list(r.authors) for r in records], pa.list_(pa.string())),
        "published_at": pa.array([r.published_at for r in records], _TS),
        "language": [r.language for r in records],
        "site_name": [r.site_name for r in records],
        "body": [r.body for r in records],
        "word_count": pa.array([r.word_count for r in records], pa.int32()),
        "content_hash": [r.content_hash for r in records],
        "record_hash": [record_hash(r) for r in records],
        "document_id": [r.document_id for r in records],
        "extractor_version": [r.extractor_version for r in records],
        "rules_version": [r.rules_version for r in records],
        "run_id": [run_id] * len(records),
        "ingested_at": pa.array([stamp] * len(records), _TS),
        "updated_at": pa.array([stamp] * len(records), _TS),
    }
    return _table(columns)


def removal_table(records: Sequence[ArticleRecord], run_id: str) -> pa.Table:
    rows = [(r.article_id, seq, removal) for r in records for seq, removal in enumerate(r.removals)]
    columns = {
        "article_id": [article_id for article_id, _, _ in rows],
        "seq": pa.array([seq for _, seq, _ in rows], pa.int32()),
        "rule": [m.rule for _, _, m in rows],
        "rule_version": [m.rule_version for _, _, m in rows],
        "category": [m.category for _, _, m in rows],
        "text": [m.text for _, _, m in rows],
        "line_start": pa.array([m.line_start for _, _, m in rows], pa.int32()),
        "line_end": pa.array([m.line_end for _, _, m in rows], pa.int32()),
        "run_id": [run_id] * len(rows),
    }
    return _table(columns)


def document_table(documents: Sequence[tuple[RawDocument, str, str]], run_id: str) -> pa.Table:
    documents = unique_by_key(documents, lambda d: d[1])
    raws = [raw for raw, _, _ in documents]
    hashes = [raw.content_sha256 for raw in raws]
    columns = {
        "document_id": [document_id for _, document_id, _ in documents],
        "source_id": [raw.source_id for raw in raws],
        "url": [raw.url for raw in raws],
        "media_type": [raw.media_type for raw in raws],
        "charset": [raw.charset for raw in raws],
        "byte_size": pa.array([len(raw.content) for raw in raws], pa.int64()),
        "content_sha256": hashes,
        "raw_path": [relative_path(sha) for sha in hashes],
        "requested_url": [raw.requested_url for raw in raws],
        "final_url": [raw.final_url for raw in raws],
        "http_status": pa.array([raw.http_status for raw in raws], pa.int32()),
        "retrieved_at": pa.array([raw.retrieved_at for raw in raws], _TS),
        "run_id": [run_id] * len(raws),
    }
    return _table(columns)


def failure_table(failures: Sequence[Failure], run_id: str) -> pa.Table:
    failures = unique_by_key(failures, lambda f: (f.source_id, f.url, f.stage))
    stamp = now()
    columns = {
        "source_id": [f.source_id for f in failures],
        "url": [f.url for f in failures],
        "stage": [f.stage for f in failures],
        "reason": [f.reason for f in failures],
        "transient": pa.array([f.transient for f in failures], pa.bool_()),
        "document_id": [f.document_id for f in failures],
        "first_seen": pa.array([stamp] * len(failures), _TS),
        "last_seen": pa.array([stamp] * len(failures), _TS),
        "attempts": pa.array([1] * len(failures), pa.int32()),
        "last_run_id": [run_id] * len(failures),
        "resolved_at": pa.array([None] * len(failures), _TS),
    }
    return _table(columns)


def duplicate_table(duplicates: Sequence[Duplicate], run_id: str) -> pa.Table:
    duplicates = unique_by_key(duplicates, lambda d: (d.source_id, d.url))
    stamp = now()
    columns = {
        "source_id": [d.source_id for d in duplicates],
        "url": [d.url for d in duplicates],
        "article_id": [d.article_id for d in duplicates],
        "document_id": [d.document_id for d in duplicates],
        "content_hash": [d.content_hash for d in duplicates],
        "duplicate_of": [d.duplicate_of for d in duplicates],
        "reason": [d.reason for d in duplicates],
        "first_seen": pa.array([stamp] * len(duplicates), _TS),
        "last_seen": pa.array([stamp] * len(duplicates), _TS),
        "run_id": [run_id] * len(duplicates),
        "resolved_at": pa.array([None] * len(duplicates), _TS),
    }
    return _table(columns)


def _table(columns: dict[str, object]) -> pa.Table:
    arrays = {
        name: values if isinstance(values, pa.Array) else pa.array(values, pa.string())
        for name, values in columns.items()
    }
    return pa.table(arrays)

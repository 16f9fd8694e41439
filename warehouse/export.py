"""Exporting articles for tools that read files: Parquet (zstd, hive-partitioned) or JSONL.

Parquet goes to `DIR/articles/source_id=<id>/month=<YYYY-MM>/data_0.parquet` (`month` is the
UTC publication month, `undated` when there is no date); JSONL to `DIR/articles.jsonl`, one
article per line. Both are written to a temporary name in DIR and swapped in at the end, so
an export run twice gives the same files, never duplicates, and a reader never sees half.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.analysis import analysing

FORMATS = ("parquet", "jsonl")

_ARTICLES = """
SELECT
    article_id, source_id,
    coalesce(strftime(published_at AT TIME ZONE 'UTC', '%Y-%m'), 'undated') AS month,
    url, title, authors, published_at, language, site_name, body, word_count,
    content_hash, document_id, extractor_version, rules_version, run_id,
    ingested_at, updated_at
FROM articles
ORDER BY source_id, month, published_at NULLS LAST, article_id
"""


@dataclass(frozen=True)
class Exported:
    path: Path
    articles: int
    files: int


def export_articles(warehouse: Path | str, directory: Path | str, fmt: str) -> Exported:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with analysing(warehouse) as con:
        count = _count(con)
        if fmt == "parquet":
            path = _export_parquet(con, directory)
        else:
            path = _export_jsonl(con, directory)
    files = sum(1 for _ in path.rglob("*.parquet")) if path.is_dir() else 1
    return Exported(path, count, files)


def _export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> Path:
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".articles.", suffix=".part"))
    try:
        written = staging / "articles"
        con.execute(
            f"COPY ({_ARTICLES}) TO {_literal(written)} "
            "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (source_id, month))"
        )
        target = directory / "articles"
        _swap_directory(written, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _export_jsonl(con: duckdb.DuckDBPyConnection, directory: Path) -> Path:
    target = directory / "articles.jsonl"
    temporary = directory / f".articles.{uuid.uuid4().hex}.jsonl.part"
    try:
        con.execute(
            f"COPY (SELECT * EXCLUDE (month) FROM ({_ARTICLES})) "
            f"TO {_literal(temporary)} (FORMAT json)"
        )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _swap_directory(new: Path, target: Path) -> None:
    # Two renames: the old export is moved aside whole, then removed, so DIR never holds a
    # mix of two exports.
    retired = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
    if target.exists():
        target.rename(retired)
    new.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM articles").fetchone()
    return int(row[0]) if row else 0


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"

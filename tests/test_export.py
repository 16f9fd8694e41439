"""`newsflow export`: Parquet (zstd, by source and month) and JSONL, read back, idempotent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from tests.analysis_helpers import WIRE, ShellSession, ingest, write_folder
from tests.conftest import query, run_cli

ARTICLES = "SELECT article_id, source_id, title, body, published_at FROM articles ORDER BY 1"


def export(warehouse: Path, target: Path, fmt: str = "parquet") -> str:
    result = run_cli("export", str(target), "--format", fmt, warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def tree(directory: Path) -> dict[str, str]:
    """Every file under `directory` (hidden ones too) with a digest of its bytes."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def read_back_with_duckdb(target: Path) -> list[tuple]:
    pattern = str(target / "articles" / "*" / "*" / "*.parquet")
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(
            "SELECT article_id, source_id, title, body, published_at "
            f"FROM read_parquet('{pattern}', hive_partitioning = true) ORDER BY 1"
        ).fetchall()


def test_parquet_is_partitioned_by_source_and_month(ingested: Path, tmp_path: Path) -> None:
    ingest(ingested, write_folder(tmp_path / "wire", WIRE))
    output = export(ingested, tmp_path / "out")
    assert "exported 8 articles" in output
    assert sorted(tree(tmp_path / "out")) == [
        "articles/source_id=seeds/month=2025-06/data_0.parquet",
        "articles/source_id=seeds/month=undated/data_0.parquet",
        "articles/source_id=wire/month=2025-07/data_0.parquet",
        "articles/source_id=wire/month=undated/data_0.parquet",
    ]


def test_parquet_reads_back_with_duckdb(ingested: Path, tmp_path: Path) -> None:
    export(ingested, tmp_path / "out")
    assert read_back_with_duckdb(tmp_path / "out") == query(ingested, ARTICLES)


def test_parquet_is_zstd_compressed(ingested: Path, tmp_path: Path) -> None:
    export(ingested, tmp_path / "out")
    pattern = str(tmp_path / "out" / "articles" / "**" / "*.parquet")
    with duckdb.connect() as con:
        codecs = con.execute(
            f"SELECT DISTINCT compression FROM parquet_metadata('{pattern}')"
        ).fetchall()
    assert codecs == [("ZSTD",)]


def test_parquet_reads_back_with_pyarrow(ingested: Path, tmp_path: Path) -> None:
    export(ingested, tmp_path / "out")
    table = ds.dataset(tmp_path / "out" / "articles", partitioning="hive").to_table()
    assert table.num_rows == 5
    assert set(table.column("source_id").to_pylist()) == {"seeds"}
    assert set(table.column("month").to_pylist()) == {"2025-06", "undated"}
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("authors").type == pa.list_(pa.string())
    ids, bodies = table.column("article_id").to_pylist(), table.column("body").to_pylist()
    assert dict(zip(ids, bodies, strict=True)) == {
        row[0]: row[3] for row in query(ingested, ARTICLES)
    }


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_exporting_twice_gives_the_same_files(ingested: Path, tmp_path: Path, fmt: str) -> None:
    export(ingested, tmp_path / "out", fmt)
    first = tree(tmp_path / "out")
    export(ingested, tmp_path / "out", fmt)
    assert tree(tmp_path / "out") == first


def test_a_new_export_replaces_the_old_one_whole(ingested: Path, tmp_path: Path) -> None:
    export(ingested, tmp_path / "out")
    ingest(ingested, write_folder(tmp_path / "wire", WIRE))
    export(ingested, tmp_path / "out")
    assert read_back_with_duckdb(tmp_path / "out") == query(ingested, ARTICLES)
    assert all(not name.startswith(".") for name in tree(tmp_path / "out"))


def test_jsonl_has_one_article_per_line(ingested: Path, tmp_path: Path) -> None:
    output = export(ingested, tmp_path / "out", "jsonl")
    assert "articles.jsonl" in output
    lines = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["article_id"] for r in records) == [row[0] for row in query(ingested, ARTICLES)]
    assert {r["body"] for r in records} == {row[3] for row in query(ingested, ARTICLES)}
    assert all(isinstance(r["authors"], list) and "month" not in r for r in records)


def test_jsonl_reads_back_with_duckdb(ingested: Path, tmp_path: Path) -> None:
    export(ingested, tmp_path / "out", "jsonl")
    path = tmp_path / "out" / "articles.jsonl"
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT article_id, body FROM read_json('{path}') ORDER BY 1"
        ).fetchall()
    assert rows == [(row[0], row[3]) for row in query(ingested, ARTICLES)]


def test_export_works_while_a_shell_holds_the_warehouse(ingested: Path, tmp_path: Path) -> None:
    holder = ShellSession(ingested, read_only=False)
    try:
        assert holder.ask("SELECT count(*) FROM articles;") == "5"
        output = export(ingested, tmp_path / "out")
    finally:
        holder.close()
    assert "exported 5 articles" in output

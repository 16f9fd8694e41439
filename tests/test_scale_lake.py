"""The DuckLake path (warehouse/lake.py): the lake holds the same article rows as the
default warehouse, stays in step with it, and several publishers share one lake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.pages import write_pages
from tests.conftest import SEEDS, query, run_cli

ARTICLE_ROWS = (
    "SELECT article_id, content_hash, record_hash, title, authors, published_at, language, "
    "site_name, body, word_count, source_id, url FROM articles ORDER BY article_id"
)
REMOVAL_ROWS = "SELECT article_id, seq, rule, text FROM removals ORDER BY article_id, seq"


def lake_rows(lake: Path, sql: str) -> list[tuple]:
    from warehouse.lake import reading_lake

    with reading_lake(lake) as con:
        return con.execute(sql).fetchall()


def ingest(folder: Path, warehouse: Path) -> None:
    result = run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    write_pages(folder, 12)
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    return folder


def test_the_lake_holds_the_warehouse_rows(site: Path, warehouse: Path, tmp_path: Path) -> None:
    ingest(site, warehouse)
    lake = tmp_path / "lake"
    result = run_cli("scale", "publish", str(lake), warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert "17 articles written" in result.output
    assert lake_rows(lake, ARTICLE_ROWS) == query(warehouse, ARTICLE_ROWS)
    assert lake_rows(lake, REMOVAL_ROWS) == query(warehouse, REMOVAL_ROWS)
    assert list((lake / "data").rglob("*.parquet")), "the lake's data are Parquet files"


def test_publishing_again_follows_changes_and_nothing_else(
    site: Path, warehouse: Path, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    ingest(site, warehouse)
    run_cli("scale", "publish", str(lake), warehouse=warehouse)
    again = run_cli("scale", "publish", str(lake), warehouse=warehouse)
    assert "0 articles written, 0 deleted, 0 documents" in again.output
    changed = sorted(site.glob("*.txt"))[0]
    changed.write_text(changed.read_text() + "\nA late paragraph added by the editors.\n")
    ingest(site, warehouse)
    result = run_cli("scale", "publish", str(lake), warehouse=warehouse)
    assert "1 articles written, 1 deleted, 1 documents" in result.output
    assert lake_rows(lake, ARTICLE_ROWS) == query(warehouse, ARTICLE_ROWS)
    assert lake_rows(lake, REMOVAL_ROWS) == query(warehouse, REMOVAL_ROWS)


def test_two_publishers_share_one_lake(site: Path, warehouse: Path, tmp_path: Path) -> None:
    lake, other_warehouse = tmp_path / "lake", tmp_path / "other" / "news.duckdb"
    wire = tmp_path / "wire"
    wire.mkdir()
    (wire / "a.txt").write_text("Wire Headline\n\nTalks resumed on Monday, officials said.\n")
    ingest(site, warehouse)
    ingest(wire, other_warehouse)
    for each in (warehouse, other_warehouse):
        assert run_cli("scale", "publish", str(lake), warehouse=each).exit_code == 0
    both = sorted(query(warehouse, ARTICLE_ROWS) + query(other_warehouse, ARTICLE_ROWS))
    assert lake_rows(lake, ARTICLE_ROWS) == both
    result = run_cli(
        "scale", "sql", str(lake), "SELECT source_id, count(*) FROM articles GROUP BY 1 ORDER BY 1"
    )
    assert result.exit_code == 0 and "site" in result.output and "wire" in result.output

"""Re-ingesting one source offline changes only that source's rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from tests.conftest import query, run_cli

ALL_ROWS = "SELECT * FROM articles WHERE source_id = ? ORDER BY article_id"


def two_sources(tmp_path: Path, warehouse: Path, seeds_copy: Path) -> Path:
    other = tmp_path / "wire"
    other.mkdir()
    (other / "a.txt").write_text(
        "Wire Headline\n\nTalks in Istanbul resumed on Monday, officials said.\n"
    )
    for folder in (seeds_copy, other):
        assert run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse).exit_code == 0
    return other


def test_reingest_with_nothing_changed_changes_nothing(
    tmp_path: Path, warehouse: Path, seeds_copy: Path
) -> None:
    two_sources(tmp_path, warehouse, seeds_copy)
    before = query(warehouse, ALL_ROWS, ["seeds"])
    result = run_cli("reingest", "seeds", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert "0 updated, 5 unchanged, 0 new, 0 removed, 0 failed" in result.output
    assert query(warehouse, ALL_ROWS, ["seeds"]) == before


def test_reingest_works_offline_without_the_original_files(
    tmp_path: Path, warehouse: Path, seeds_copy: Path
) -> None:
    two_sources(tmp_path, warehouse, seeds_copy)
    shutil.rmtree(seeds_copy)
    result = run_cli("reingest", "seeds", warehouse=warehouse)
    assert "5 unchanged" in result.output
    assert query(warehouse, "SELECT count(*) FROM articles WHERE source_id = 'seeds'") == [(5,)]


def test_reingest_applies_a_rule_change_to_that_source_only(
    tmp_path: Path, warehouse: Path, seeds_copy: Path, monkeypatch
) -> None:
    two_sources(tmp_path, warehouse, seeds_copy)
    other_before = query(warehouse, ALL_ROWS, ["wire"])
    # Simulate an older rule set having landed the seeds: wipe their removals and hashes.
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "UPDATE articles SET record_hash = 'stale', body = 'old' WHERE source_id = 'seeds'"
        )
    result = run_cli("reingest", "seeds", warehouse=warehouse)
    assert "5 updated, 0 unchanged" in result.output
    assert query(warehouse, "SELECT count(*) FROM articles WHERE body = 'old'") == [(0,)]
    assert query(warehouse, ALL_ROWS, ["wire"]) == other_before


@pytest.mark.reliability
@pytest.mark.timeout(60)
def test_unknown_source_is_one_clear_line(ingested: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--warehouse", str(ingested), "reingest", "x'; drop table articles; --"]
    )
    assert result.exit_code == 1
    assert 'no source "x\'; drop table articles; --"' in result.output
    assert query(ingested, "SELECT count(*) FROM articles") == [(5,)]


def test_a_document_that_now_fails_keeps_its_article(
    tmp_path: Path, warehouse: Path, seeds_copy: Path, monkeypatch
) -> None:
    """A crashing extractor must not delete what an earlier run landed."""
    two_sources(tmp_path, warehouse, seeds_copy)
    before = query(warehouse, ALL_ROWS, ["seeds"])
    import extractors.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("simulated extractor bug")

    monkeypatch.setattr(extractors.pipeline, "to_record", broken)
    result = run_cli("reingest", "seeds", warehouse=warehouse)
    assert result.exit_code == 0
    assert "0 removed, 5 failed" in result.output
    assert query(warehouse, ALL_ROWS, ["seeds"]) == before
    reasons = query(warehouse, "SELECT DISTINCT reason FROM failures WHERE source_id = 'seeds'")
    assert reasons == [("AttributeError: simulated extractor bug",)]

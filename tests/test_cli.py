"""The CLI contract: help everywhere, extract without writing, sql formats, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from tests.conftest import BIN, SEEDS, query, run_cli

COMMANDS = ["ingest", "extract", "sources", "sql", "reingest"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output


def test_console_script_runs_the_main_job_with_nothing_but_our_output(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    result = subprocess.run(
        [str(BIN / "newsflow"), "--warehouse", str(warehouse), "ingest", str(SEEDS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("newsflow: ingested ")
    assert "(local mode, run " in result.stdout
    assert query(warehouse, "SELECT count(*) FROM articles") == [(5,)]


def test_warehouse_option_falls_back_to_the_environment(tmp_path: Path, monkeypatch) -> None:
    warehouse = tmp_path / "env.duckdb"
    monkeypatch.setenv("NEWSFLOW_WAREHOUSE", str(warehouse))
    assert CliRunner().invoke(cli, ["ingest", str(SEEDS), "--mode", "local"]).exit_code == 0
    assert warehouse.exists()


def test_extract_prints_json_lines_and_writes_nothing(tmp_path: Path, warehouse: Path) -> None:
    result = run_cli("extract", str(SEEDS), "--format", "json", warehouse=warehouse)
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    assert {Path(r["path"]).name for r in records} == {p.name for p in SEEDS.glob("*.txt")}
    assert all(r["body"] and isinstance(r["removed"], list) for r in records)
    rules = {removed["rule"] for r in records for removed in r["removed"]}
    assert rules and all(isinstance(rule, str) for rule in rules)
    assert not warehouse.exists()


def test_extract_text_explain_marks_removed_spans() -> None:
    result = run_cli(
        "extract", str(SEEDS / "004_a5e66a47c8a8f652.txt"), "--format", "text", "--explain"
    )
    assert "[removed by " in result.output and "Remind me later." in result.output


def test_extract_reports_a_bad_file_in_its_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    record = json.loads(run_cli("extract", str(tmp_path / "empty.txt")).output)
    assert record["error"] == {"stage": "read", "reason": "empty file (no text)"}


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_formats(ingested: Path, fmt: str) -> None:
    result = run_cli(
        "sql", "select count(*) as n from articles", "--format", fmt, warehouse=ingested
    )
    assert result.exit_code == 0
    expected = {"table": "n\n-\n5\n(1 rows)", "csv": "n\n5", "json": '{"n": 5}'}[fmt]
    assert result.output.strip() == expected


@pytest.mark.reliability
@pytest.mark.timeout(60)
def test_sql_is_read_only(ingested: Path) -> None:
    result = CliRunner().invoke(cli, ["--warehouse", str(ingested), "sql", "delete from articles"])
    assert result.exit_code == 1
    assert query(ingested, "SELECT count(*) FROM articles") == [(5,)]


@pytest.mark.reliability
@pytest.mark.timeout(60)
def test_sql_argument_that_looks_like_injection_is_just_a_failed_query(ingested: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--warehouse", str(ingested), "sql", "select 1; drop table articles; --"]
    )
    assert result.exit_code == 1
    assert query(ingested, "SELECT count(*) FROM articles") == [(5,)]


def test_missing_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--warehouse", str(tmp_path / "none.duckdb"), "sources"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"newsflow: error: no warehouse at {tmp_path / 'none.duckdb'}; run `newsflow ingest` first"
    ]


def test_sources_lists_the_seed_folder(ingested: Path) -> None:
    result = run_cli("sources", warehouse=ingested)
    assert result.exit_code == 0
    assert result.output.splitlines()[2].split()[:2] == ["seeds", "files"]

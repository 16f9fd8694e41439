"""The shell and the pipeline side by side: readers use the read snapshot, runs never wait."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.analysis_helpers import (
    WIRE,
    ShellSession,
    ingest,
    start_ingest,
    write_folder,
)
from tests.conftest import BIN, SEEDS, duckdb_shell, query, run_cli
from warehouse.search import load_statement
from warehouse.snapshot import snapshot_path


def article_ids(database: Path) -> set[str]:
    return {row[0] for row in query(database, "SELECT article_id FROM articles")}


def test_each_run_publishes_the_snapshot_beside_the_warehouse(ingested: Path) -> None:
    snapshot = ingested.with_name("news.read.duckdb")
    assert snapshot_path(ingested) == snapshot
    assert article_ids(snapshot) == article_ids(ingested) and len(article_ids(snapshot)) == 5
    assert os.stat(snapshot).st_mode == os.stat(ingested).st_mode
    assert not list(ingested.parent.glob(".*.part")) and not snapshot.with_suffix(".wal").exists()


def use_the_shell_while_a_run_lands(shell: ShellSession, warehouse: Path, folder: Path) -> str:
    """Start a run in its own process and keep querying views and search until it ends."""
    run = start_ingest(warehouse, folder)
    answers = set()
    while run.poll() is None:
        answers.add(shell.ask("SELECT count(*) FROM story_timeline;"))
        answers.add(shell.ask("SELECT count(*) > 0 FROM search_articles('ceasefire');"))
        time.sleep(0.2)  # a person's pace, leaving the CPU to the run
    output, errors = run.communicate()
    assert run.returncode == 0, errors
    assert answers <= {"5", "true"}  # the open shell keeps the file it opened
    return output


def test_a_shell_open_for_hours_never_blocks_runs_and_loses_nothing(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_LOCK_TIMEOUT", "10")  # a blocked run would fail, not hang
    monkeypatch.setenv("NEWSFLOW_EXTRACT_DEADLINE", "120")  # a busy machine is not the point
    snapshot = snapshot_path(ingested)
    shell = ShellSession(snapshot, load_statement())
    try:
        assert shell.ask("SELECT count(*) FROM articles;") == "5"
        wire = write_folder(tmp_path / "wire", WIRE[:2])
        first = use_the_shell_while_a_run_lands(shell, ingested, wire)
        exported = run_cli("export", str(tmp_path / "out"), warehouse=ingested).output
        desk = write_folder(tmp_path / "desk", WIRE[2:])
        second = use_the_shell_while_a_run_lands(shell, ingested, desk)
        held = shell.open_files()
        still_five = shell.ask("SELECT count(*) FROM articles;")
        reopened = shell.ask(f".open --readonly {snapshot}\nSELECT count(*) FROM articles;")
    finally:
        errors = shell.close()
    assert "2 new" in first and "1 new" in second and "exported 7 articles" in exported
    # The runs replaced the snapshot under its name; the shell still had the old file.
    assert f"{snapshot} (deleted)" in held
    assert (still_five, reopened, errors) == ("5", "8", "")
    assert article_ids(snapshot) == article_ids(ingested) and len(article_ids(snapshot)) == 8
    statuses = query(ingested, "SELECT status, count(*) FROM runs GROUP BY ALL")
    assert statuses == [("completed", 3)]


def test_a_new_shell_sees_the_new_data_with_search_ready(ingested: Path, tmp_path: Path) -> None:
    ingest(ingested, write_folder(tmp_path / "wire", WIRE))
    sql = "SELECT count(*) FROM articles; SELECT count(*) FROM search_articles('ceasefire');"
    flags = ["-readonly", "-csv", "-noheader", "-cmd", load_statement()]
    result = duckdb_shell(snapshot_path(ingested), sql, *flags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "4"]


def test_newsflow_sql_reads_the_snapshot_while_a_shell_holds_the_warehouse(
    ingested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_LOCK_TIMEOUT", "1")
    # The pipeline's own file, opened for writing against the advice: it is locked.
    holder = ShellSession(ingested, read_only=False)
    try:
        assert holder.ask("SELECT count(*) FROM articles;") == "5"
        result = run_cli(
            "sql", "SELECT count(*) AS n FROM articles", "--format", "csv", warehouse=ingested
        )
    finally:
        holder.close()
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", "5"]


def test_newsflow_sql_without_query_is_the_shell_on_the_snapshot(ingested: Path) -> None:
    statements = (
        "SELECT 'hits=' || count(*) FROM search_articles('ceasefire');\n"
        "SELECT 'zone=' || current_setting('TimeZone');\n"
        "CREATE TABLE notes (x INTEGER);\n"
    )
    result = subprocess.run(
        [str(BIN / "newsflow"), "--warehouse", str(ingested), "sql"],
        input=statements,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(ingested.parent)},
    )
    assert "hits=2" in result.stdout and "zone=UTC" in result.stdout
    assert "read-only" in result.stderr.lower()  # the snapshot is opened read-only


def test_newsflow_sql_publishes_a_snapshot_for_an_older_warehouse(ingested: Path) -> None:
    snapshot_path(ingested).unlink()
    result = subprocess.run(
        [str(BIN / "newsflow"), "--warehouse", str(ingested), "sql"],
        input="SELECT count(*) FROM articles;\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert snapshot_path(ingested).exists() and "5" in result.stdout


@pytest.mark.parametrize(
    "command", [["ingest", str(SEEDS), "--mode", "local"], ["reingest", "seeds"]]
)
def test_writing_to_the_snapshot_is_refused(ingested: Path, command: list[str]) -> None:
    snapshot = snapshot_path(ingested)
    before = snapshot.read_bytes()
    result = run_cli(*command, warehouse=snapshot)
    assert result.exit_code == 1
    assert f"{snapshot} is the read snapshot" in result.output
    assert f"write to {ingested} instead" in result.output
    assert snapshot.read_bytes() == before
    assert not snapshot.with_name("news.read.raw").exists()


def test_reingest_republishes_from_the_shared_raw_store(ingested: Path) -> None:
    snapshot = snapshot_path(ingested)
    snapshot.unlink()
    result = run_cli("reingest", "seeds", warehouse=ingested)
    assert result.exit_code == 0, result.output
    assert len(article_ids(snapshot)) == 5


def test_publishing_drops_a_wal_left_beside_the_snapshot(ingested: Path, tmp_path: Path) -> None:
    stale = snapshot_path(ingested).with_name("news.read.duckdb.wal")
    stale.write_bytes(b"not a log of this file")
    ingest(ingested, write_folder(tmp_path / "wire", WIRE[:1]))
    assert not stale.exists()
    assert len(article_ids(snapshot_path(ingested))) == 6

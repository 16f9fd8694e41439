"""Writers run under a DuckDB memory limit, so a run's peak does not grow with the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from warehouse.connection import maintaining, reading, writing


def setting(con: object) -> str:
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()  # type: ignore[attr-defined]
    return str(row[0])


def test_writers_have_the_limit_and_readers_the_default(warehouse: Path) -> None:
    with writing(warehouse) as con:
        assert setting(con) == "244.1 MiB"  # 256MB as DuckDB prints it
    with maintaining(warehouse) as con:
        assert setting(con) == "244.1 MiB"
    with reading(warehouse) as con:
        assert "GiB" in setting(con)  # DuckDB's default, 80 % of this machine's memory


def test_the_limit_can_be_set(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_WRITER_MEMORY", "512MB")
    with writing(warehouse) as con:
        assert setting(con) == "488.2 MiB"


def test_a_limit_duckdb_cannot_read_is_one_clear_line(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSFLOW_WRITER_MEMORY", "lots")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Headline\n\nTalks resumed on Monday in Geneva.\n")
    result = run_cli("ingest", str(tmp_path / "in"), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 1
    assert "NEWSFLOW_WRITER_MEMORY='lots': Parser Error" in result.output
    assert len(result.output.strip().splitlines()) == 1

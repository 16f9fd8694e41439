"""Shared fixtures: real DuckDB files in temporary folders, the real seeds, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("user-cache")


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _session_cache: Path
) -> None:
    """No test sees the developer's warehouse, Prefect server, proxies or user cache."""
    for name in ("NEWSFLOW_WAREHOUSE", "NEWSFLOW_MODE", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSFLOW_LOCK_TIMEOUT", "20")
    monkeypatch.setenv("NEWSFLOW_CACHE_DIR", str(_session_cache))


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "news.duckdb"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def run_cli(*args: str, warehouse: Path | None = None) -> Result:
    from flows.cli import cli

    prefix = ["--warehouse", str(warehouse)] if warehouse else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


@pytest.fixture
def ingested(warehouse: Path) -> Iterator[Path]:
    """A warehouse freshly ingested from the real seeds/ in local mode."""
    result = run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    yield warehouse


def duckdb_shell(database: Path, sql: str, *flags: str) -> subprocess.CompletedProcess[str]:
    """Run the `duckdb` shell that the set-up installs, as a user would."""
    return subprocess.run(
        [str(BIN / "duckdb"), *flags, str(database), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(database.parent)},
    )


def query(database: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()

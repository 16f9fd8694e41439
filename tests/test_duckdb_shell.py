"""The `duckdb` shell that the set-up installs opens what the pipeline writes."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import BIN, SEEDS, duckdb_shell, run_cli


def parent_pid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_shell_and_python_package_are_the_same_duckdb() -> None:
    shell = subprocess.run([str(BIN / "duckdb"), "--version"], capture_output=True, text=True)
    assert shell.stdout.split()[0] == f"v{duckdb.__version__}"


def test_shell_counts_the_ingested_articles(ingested: Path) -> None:
    result = duckdb_shell(ingested, "select count(*) from articles", "-csv", "-noheader")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5"


def test_fts_extension_package_loads_into_the_shell(ingested: Path) -> None:
    import duckdb_extension_fts

    path = Path(duckdb_extension_fts.__file__).parent / "fts.duckdb_extension"
    if not path.exists():
        path = next(Path(duckdb_extension_fts.__file__).parent.rglob("*.duckdb_extension"))
    result = duckdb_shell(ingested, f"LOAD '{path}'; select 'fts ok'", "-csv", "-noheader")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fts ok"


@pytest.mark.reliability
@pytest.mark.timeout(120)
def test_a_writer_waits_for_a_shell_then_fails_with_one_clear_line(
    ingested: Path, monkeypatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_LOCK_TIMEOUT", "2")
    shell = subprocess.Popen(
        [str(BIN / "duckdb"), str(ingested)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    try:
        time.sleep(1.0)  # let the shell take its lock
        started = time.monotonic()
        cli = subprocess.run(
            [
                str(BIN / "newsflow"),
                "--warehouse",
                str(ingested),
                "ingest",
                str(SEEDS),
                "--mode",
                "local",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        waited = time.monotonic() - started
        holder = re.search(r"is locked by duckdb \(PID (\d+)\)", cli.stderr)
        holder_parent = parent_pid(int(holder[1])) if holder else None
    finally:
        shell.communicate(input=b".quit\n", timeout=30)
    assert cli.returncode == 1
    assert waited >= 2
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 1
    assert holder, lines[0]
    # The PyPI `duckdb` command is a launcher; the lock holder is it or its child.
    assert shell.pid in (int(holder[1]), holder_parent)
    after = run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=ingested)
    assert after.exit_code == 0 and "5 unchanged" in after.output

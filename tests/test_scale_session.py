"""A run's writer session (warehouse/session.py) keeps one connection across batches and
hands the warehouse over between batches when another newsflow writer is waiting."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, query, run_cli

# A long run in another process: a batch every 0.3 s on one held session, for 40 batches.
LONG_RUN = """
import sys, time
from warehouse import session as sessions
from warehouse.session import close_session, session_for
sessions.REOPEN_AFTER_BATCHES = 1000  # only a waiting writer may make it let go here
session = session_for(sys.argv[1])
for batch in range(40):
    with session.batch() as con:
        con.execute("INSERT INTO runs (run_id, flow, mode, status, started_at) "
                    "VALUES (?, 'hold', 'local', 'completed', now())", [f"hold-{batch}"])
    print("batch", batch, "open" if session.is_open else "handed over", flush=True)
    time.sleep(0.3)
close_session(sys.argv[1])
"""


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        # Each folder's texts its own: the same text twice would be one article (a duplicate).
        text = f"Headline {n}\n\nTalks resumed on day {n} in {folder.name}, they said.\n"
        (folder / f"a{n}.txt").write_text(text)


@pytest.mark.timeout(120)
def test_a_waiting_writer_gets_the_warehouse_between_batches(
    tmp_path: Path, warehouse: Path
) -> None:
    write_articles(tmp_path / "first", 2)
    first = run_cli("ingest", str(tmp_path / "first"), "--mode", "local", warehouse=warehouse)
    assert first.exit_code == 0, first.output
    holder = subprocess.Popen(
        [sys.executable, "-c", LONG_RUN, str(warehouse)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert "open" in holder.stdout.readline()  # the session holds the file now
        write_articles(tmp_path / "second", 3)
        started = time.monotonic()
        result = run_cli("ingest", str(tmp_path / "second"), "--mode", "local", warehouse=warehouse)
        waited = time.monotonic() - started
        assert result.exit_code == 0, result.output
        assert holder.poll() is None, "the other run was still going when this one ended"
        out, _ = holder.communicate(timeout=60)
    finally:
        holder.kill()
    assert holder.returncode == 0
    assert "handed over" in out and waited < 30
    assert query(warehouse, "SELECT count(*) FROM articles") == [(5,)]
    assert query(warehouse, "SELECT count(*) FROM runs WHERE flow = 'hold'") == [(40,)]


def test_a_session_batch_that_fails_rolls_back_and_reopens(warehouse: Path) -> None:
    from warehouse.session import close_session, session_for

    write_articles(warehouse.parent / "seed", 1)
    run_cli("ingest", str(warehouse.parent / "seed"), "--mode", "local", warehouse=warehouse)
    session = session_for(warehouse)
    with pytest.raises(RuntimeError), session.batch() as con:
        con.execute("DELETE FROM articles")
        raise RuntimeError("the batch fails half-way")
    assert not session.is_open
    with session.batch() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    close_session(warehouse)
    assert query(warehouse, "SELECT count(*) FROM articles") == [(1,)]


def test_the_session_reopens_after_a_number_of_batches(warehouse: Path) -> None:
    """DuckDB gives back the memory it kept only when the database closes."""
    from warehouse.session import REOPEN_AFTER_BATCHES, close_session, session_for

    warehouse.parent.mkdir(parents=True)
    session = session_for(warehouse)
    try:
        for batch in range(REOPEN_AFTER_BATCHES):
            with session.batch() as con:
                con.execute(
                    "INSERT INTO runs (run_id, flow, mode, status, started_at) "
                    "VALUES (?, 'hold', 'local', 'completed', now())",
                    [f"hold-{batch}"],
                )
            assert session.is_open == (batch < REOPEN_AFTER_BATCHES - 1)
        with session.batch() as con:  # opens again
            assert session.is_open
    finally:
        close_session(warehouse)
    assert query(warehouse, "SELECT count(*) FROM runs") == [(REOPEN_AFTER_BATCHES,)]

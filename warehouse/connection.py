"""Opening the warehouse: one serialised writer at a time, short transactions, bounded waits.

Writers take an advisory file lock (`<warehouse>.lock`) first, so newsflow's own processes
queue fairly instead of racing for DuckDB's lock; then DuckDB's own lock, which a foreign
process (the duckdb shell, a notebook) may hold. Both waits back off up to a deadline
(`NEWSFLOW_LOCK_TIMEOUT`, seconds) and end in one line naming the holder if DuckDB says.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseBusy, WarehouseError, WarehouseMissing
from warehouse.migrations import migrate
from warehouse.snapshot import refuse_snapshot
from warehouse.views import refresh_views

DEFAULT_LOCK_TIMEOUT_S = 60.0
# DuckDB's buffer pool for a writer; its default is 80 % of the machine's memory, and the
# end-of-run work (template re-learning, the full-text index) read the whole `articles`
# table into it, so a run's peak grew with the warehouse (issue 7). Operators spill to disk
# beyond it; 256MB built the index of 20,000 articles 5 % slower than no limit. Readers
# (people's own SQL) keep DuckDB's default.
WRITER_MEMORY_LIMIT = "256MB"
# Rows per row group for writers. A checkpoint rewrites the last, partial row group; with
# DuckDB's default (122,880 rows) that is the whole of `articles` until it holds that many,
# so every checkpoint of a run (each 64 MB of WAL, and each session close) took memory
# and time growing with the warehouse: 230 MiB and 0.75 s at 20,000 articles (issue 7).
# 8,192 rows bound that rewrite; 2,048 bounded it more but doubled the time and memory of
# the full-text index build, whose tables are rebuilt whole. DuckDB keeps this per attach,
# not in the file, so every writer attaches with it: a checkpoint under another size
# merges the groups of every table.
ROW_GROUP_ROWS = 8192
WAREHOUSE_ALIAS = "warehouse"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")


def lock_timeout() -> float:
    return float(os.environ.get("NEWSFLOW_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT_S))


def _backoff_delays(deadline: float) -> Iterator[float]:
    delay = 0.05
    while time.monotonic() < deadline:
        yield min(delay, max(0.0, deadline - time.monotonic()))
        delay = min(delay * 2, 1.0)


def waiting_path(path: Path) -> Path:
    return path.with_name(path.name + ".waiting")


@contextmanager
def _waiting(path: Path) -> Iterator[None]:
    """A shared lock held while queueing for the writer lock: a run's writer session
    (warehouse.session) sees it and hands the file over after its current batch."""
    with open(waiting_path(path), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


@contextmanager
def _process_lock(path: Path, deadline: float) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        with _waiting(path):
            for delay in _backoff_delays(deadline):
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(delay)
            else:
                raise WarehouseBusy(f"{path}: another newsflow run is writing; retry when it ends")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _describe_holder(message: str) -> str:
    match = _HOLDER.search(message)
    if not match:
        return "another process"
    return f"{Path(match['program']).name} (PID {match['pid']})"


def _connect(path: Path, deadline: float, read_only: bool) -> duckdb.DuckDBPyConnection:
    last_error = ""
    for delay in _backoff_delays(deadline):
        try:
            return _open(path, read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            last_error = str(error)
            time.sleep(delay)
    holder = _describe_holder(last_error)
    raise WarehouseBusy(
        f"{path} is locked by {holder}; close it (for a shell, use `newsflow sql`) "
        f"or raise NEWSFLOW_LOCK_TIMEOUT"
    )


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    con = duckdb.connect()
    try:
        # Spills go beside the warehouse, as they do for a connection opened on the file.
        con.execute("SET temp_directory = $folder", {"folder": f"{path}.tmp"})
        quoted = str(path).replace("'", "''")  # ATTACH takes no parameters
        con.execute(f"ATTACH '{quoted}' AS {WAREHOUSE_ALIAS} (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
        con.execute(f"USE {WAREHOUSE_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def _prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("SET TimeZone = 'UTC'")
    return con


def _prepare_writer(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    limit = os.environ.get("NEWSFLOW_WRITER_MEMORY", WRITER_MEMORY_LIMIT)
    try:
        con.execute("SET memory_limit = $limit", {"limit": limit})
    except duckdb.Error as error:
        reason = str(error).strip().splitlines()[0]
        raise WarehouseError(f"NEWSFLOW_WRITER_MEMORY={limit!r}: {reason}") from None
    return _prepare(con)


@contextmanager
def writing(path: Path | str, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated connection inside one transaction; committed on success, else rolled back."""
    path = Path(path)
    refuse_snapshot(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    with _process_lock(path, deadline):
        con = _connect(path, deadline, read_only=False)
        try:
            _prepare_writer(con)
            migrate(con)
            refresh_views(con)
            con.execute("BEGIN TRANSACTION")
            yield con
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.close()


@contextmanager
def maintaining(
    path: Path | str, timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like `writing` but with no transaction open: for index builds, CHECKPOINT, copying."""
    path = Path(path)
    refuse_snapshot(path)
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    with _process_lock(path, deadline):
        con = _connect(path, deadline, read_only=False)
        try:
            _prepare_writer(con)
            migrate(con)
            yield con
        finally:
            con.close()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # no transaction open: failed before BEGIN
        con.execute("ROLLBACK")


@contextmanager
def reading(path: Path | str, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}; run `newsflow ingest` first")
    deadline = time.monotonic() + (lock_timeout() if timeout is None else timeout)
    con = _prepare(_connect(path, deadline, read_only=True))
    try:
        yield con
    finally:
        con.close()

"""A run's writer session: one connection held across batches, handed over when asked.

Opening the warehouse for each batch and closing it again costs a checkpoint per batch, and
a checkpoint rewrites the table's last, partial row group: 0.4 s a batch at 8,000 articles
here, growing with the table (issue 7 measured 3.9 s at 100k). A session opens once, commits
one short transaction per batch (a crash loses at most the batch in flight), lets DuckDB
checkpoint when its WAL reaches `CHECKPOINT_THRESHOLD`, and closes at the end of the run.

Other newsflow writers still get the file between batches: one that finds the lock taken
says so (a shared lock on `<warehouse>.waiting`, taken in `warehouse.connection`), and
the session then closes after its batch, waits until the waiter is in, and reopens for
the next batch through the same queue. Foreign readers use the read snapshot.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from warehouse.connection import maintaining, waiting_path
from warehouse.views import refresh_views

# DuckDB holds WAL data in memory until it checkpoints; this bounds that memory while
# making checkpoints (each rewrites the partial row group) rare. After a checkpoint it also
# keeps the written blocks cached, which grows with the table unless memory is capped.
CHECKPOINT_THRESHOLD = "64MB"
MEMORY_LIMIT = "192MB"
HANDOVER_TIMEOUT_S = 10.0
# DuckDB keeps memory it has used while the database stays open (about 50 MiB more per
# 2,000 articles landed, none of it in its own memory report); closing gives it back. So
# the session reopens after this many batches: a 20,000-page run's main process otherwise
# ended its batches 90 MiB above a 2,000-page one's (issue 7). Closing checkpoints.
REOPEN_AFTER_BATCHES = 10


class WriterSession:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack: ExitStack | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._batches = 0  # committed on the open connection

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    @contextmanager
    def batch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on the held connection: committed on success, else rolled back."""
        connection = self._open()
        connection.execute("BEGIN TRANSACTION")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                connection.execute("ROLLBACK")
            self.close()  # a retry starts from a fresh connection
            raise
        self._batches += 1
        if someone_is_waiting(self.path):
            self.close()
            wait_until_let_in(self.path)
        elif self._batches >= REOPEN_AFTER_BATCHES:
            self.close()

    def connection(self) -> duckdb.DuckDBPyConnection | None:
        """The held connection for a read between batches, or None when not open."""
        return self._connection

    def close(self) -> None:
        stack, self._stack, self._connection = self._stack, None, None
        self._batches = 0
        if stack:
            stack.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            stack = ExitStack()
            connection = stack.enter_context(maintaining(self.path))
            connection.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            refresh_views(connection)
            self._stack, self._connection = stack, connection
        return self._connection


def someone_is_waiting(path: Path) -> bool:
    """Whether another newsflow writer holds its shared 'waiting' lock on `path`."""
    with open(waiting_path(path), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def wait_until_let_in(path: Path, timeout_s: float = HANDOVER_TIMEOUT_S) -> None:
    # Waiters drop their shared lock once they hold the writer lock; until then, taking
    # it back ourselves would starve them (they poll with backoff, we would not wait).
    deadline = time.monotonic() + timeout_s
    while someone_is_waiting(path) and time.monotonic() < deadline:
        time.sleep(0.02)


_sessions: dict[Path, WriterSession] = {}


def session_for(warehouse: Path | str) -> WriterSession:
    path = Path(warehouse)
    return _sessions.setdefault(path, WriterSession(path))


def close_session(warehouse: Path | str) -> None:
    session = _sessions.pop(Path(warehouse), None)
    if session:
        session.close()

"""Probes in the ingest child: what landing sends to DuckDB, and what the run's end costs.

Installed in the ingest child only: the connection `flows.steps.land` hands to `land_batch`
is wrapped so every `execute` and `executemany` is counted. Bulk landing means a fixed number of
statements per batch whatever its size, and no `executemany` at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class StatementCount:
    batches: int = 0
    statements: int = 0
    executemany: int = 0


class CountingConnection:
    """Passes everything through to a DuckDB connection, counting statements."""

    def __init__(self, connection: Any, count: StatementCount) -> None:
        self._connection = connection
        self._count = count

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self._count.statements += 1
        return self._connection.execute(*args, **kwargs)

    def executemany(self, *args: Any, **kwargs: Any) -> Any:
        self._count.executemany += 1
        return self._connection.executemany(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def count_landing_statements() -> StatementCount:
    """From now on, count what each `land_batch` call of `flows.steps.land` executes."""
    import flows.steps

    count = StatementCount()
    original = flows.steps.land_batch

    def counted(connection: Any, *args: Any, **kwargs: Any) -> Any:
        count.batches += 1
        return original(CountingConnection(connection, count), *args, **kwargs)  # type: ignore[arg-type]

    flows.steps.land_batch = counted  # type: ignore[assignment]
    return count


@dataclass
class Stopwatch:
    seconds: float = 0.0
    started_at: float = 0.0  # epoch seconds of the first call, to split memory by phase
    batches_ended_at: float = 0.0  # when the run's finish step began (its session closed)


def time_after_run() -> Stopwatch:
    """From now on, time the end-of-run work `flows.steps.finish` calls (index, snapshot)."""
    import time

    import flows.steps

    watch = Stopwatch()
    original = flows.steps.after_run

    def timed(*args: Any, **kwargs: Any) -> Any:
        watch.started_at = watch.started_at or time.time()
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            watch.seconds += time.perf_counter() - started

    closing = flows.steps.close_session

    def stamped(*args: Any, **kwargs: Any) -> Any:
        watch.batches_ended_at = watch.batches_ended_at or time.time()
        return closing(*args, **kwargs)

    flows.steps.after_run = timed
    flows.steps.close_session = stamped
    return watch

"""The analysis surface: made ready once at the end of every run, then read without blocking.

`after_run(warehouse)` is what a flow calls when it has recorded the end of a run (ingest,
reingest, discovery): it takes the writer lock once, rebuilds the full-text index if
`articles` changed, brings the views up to date and publishes the read snapshot. Batches
never pay for any of it. Readers (`analysing`, `query_readable`, exports) open the snapshot
read-only, so they never block a run; before the first publish they read the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connection import maintaining, reading
from warehouse.errors import WarehouseError, WarehouseMissing
from warehouse.runs import run_query
from warehouse.search import load_fts, refresh_search_index
from warehouse.snapshot import publish, readable_path, snapshot_path
from warehouse.views import VIEW_STATUS_QUERY, ViewState, refresh_views

Table = tuple[list[str], list[tuple[Any, ...]]]


class QueryFailed(WarehouseError):
    pass


@dataclass(frozen=True)
class AfterRun:
    snapshot: Path
    index_rebuilt: bool
    views: tuple[ViewState, ...]


def after_run(warehouse: Path | str) -> AfterRun:
    with maintaining(warehouse) as con:
        rebuilt = refresh_search_index(con)
        views = refresh_views(con)
        snapshot = publish(con, warehouse)
    return AfterRun(snapshot, rebuilt, tuple(views))


def ensure_snapshot(warehouse: Path | str) -> Path:
    """The read snapshot, published now if this warehouse has none yet (an older one)."""
    snapshot = snapshot_path(warehouse)
    if snapshot.exists():
        return snapshot
    if not Path(warehouse).exists() or snapshot == Path(warehouse):
        raise WarehouseMissing(f"no warehouse at {warehouse}; run `newsflow ingest` first")
    return after_run(warehouse).snapshot


@contextmanager
def analysing(warehouse: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on the readable warehouse with the fts extension loaded."""
    with reading(readable_path(warehouse)) as con:
        load_fts(con)
        yield con


def query_readable(warehouse: Path | str, sql: str) -> Table:
    """Run `sql` read-only; a DuckDB error becomes QueryFailed with its first line."""
    try:
        with analysing(warehouse) as con:
            return run_query(con, sql)
    except duckdb.Error as error:
        raise QueryFailed(str(error).strip().splitlines()[0]) from error


def view_status(warehouse: Path | str) -> Table:
    return query_readable(warehouse, VIEW_STATUS_QUERY)

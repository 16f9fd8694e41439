"""Run records and sources: who loaded what, when, with which versions."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from warehouse.tables import now


@dataclass(frozen=True)
class RunTotals:
    documents_read: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    removals: int = 0
    failures: int = 0
    duplicates: int | None = None  # None: a flow that records its duplicates elsewhere


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    mode: str,
    parameters: dict[str, Any],
    versions: tuple[str, str],
    prefect_flow_run_id: str | None = None,
) -> None:
    mark_abandoned_runs(con)
    con.execute(
        "INSERT INTO runs (run_id, flow, mode, prefect_flow_run_id, parameters, status, "
        "started_at, extractor_version, rules_version, host, pid) "
        "VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET status = 'running', error = NULL, pid = excluded.pid",
        [
            run_id,
            flow,
            mode,
            prefect_flow_run_id,
            json.dumps(parameters),
            now(),
            *versions,
            socket.gethostname(),
            os.getpid(),
        ],
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_abandoned_runs(con: duckdb.DuckDBPyConnection) -> int:
    """Runs left `running` by a process of this host that no longer exists (killed, crashed)."""
    rows = con.execute(
        "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
        [socket.gethostname()],
    ).fetchall()
    dead = [run_id for run_id, pid in rows if not _alive(pid)]
    if dead:
        con.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ? "
            "WHERE run_id IN (SELECT unnest(?::VARCHAR[]))",
            [now(), dead],
        )
    return len(dead)


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, totals: RunTotals, error: str | None = None
) -> None:
    counts = asdict(totals)
    assignments = ", ".join(f"{name} = ?" for name in counts)
    con.execute(
        f"UPDATE runs SET status = ?, finished_at = ?, error = ?, {assignments} WHERE run_id = ?",
        ["failed" if error else "completed", now(), error, *counts.values(), run_id],
    )


def upsert_source(con: duckdb.DuckDBPyConnection, source_id: str, kind: str, location: str) -> None:
    stamp = now()
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET "
        "kind = excluded.kind, location = excluded.location, updated_at = excluded.updated_at "
        "WHERE sources.location <> excluded.location OR sources.kind <> excluded.kind",
        [source_id, kind, location, stamp, stamp],
    )


SOURCES_QUERY = """
SELECT s.source_id, s.kind, s.location,
       count(DISTINCT a.article_id) AS articles,
       (SELECT count(*) FROM failures f
         WHERE f.source_id = s.source_id AND f.resolved_at IS NULL) AS open_failures,
       max(a.updated_at) AS last_landed
FROM sources s LEFT JOIN articles a USING (source_id)
GROUP BY ALL ORDER BY s.source_id
"""


def list_sources(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[Any, ...]]]:
    return run_query(con, SOURCES_QUERY)


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = con.execute(sql)
    columns = [column[0] for column in cursor.description or []]
    return columns, cursor.fetchall()

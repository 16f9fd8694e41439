"""Analysis views: one SQL file each under `views/`, kept in step with the schema.

`views/<name>.sql` holds `CREATE OR REPLACE VIEW <name> AS ...`. After the migrations of a
write connection, `refresh_views` re-creates a view only when its file or the applied
migrations changed (DuckDB binds a view's columns when it is created, so a migration can
leave an old one stale). A view whose tables are not there yet (the discovery views before
their migration) is skipped and recorded as such in `view_definitions`, then retried; a view
that fails for any other reason is recorded as failed and never stops a write.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from importlib.resources import files

import duckdb

from warehouse.tables import now

Recorded = tuple[str, str, str | None]  # definition key, status, detail


@dataclass(frozen=True)
class ViewState:
    name: str
    status: str  # created | skipped | failed
    detail: str | None = None


def view_files() -> dict[str, str]:
    folder = files("warehouse").joinpath("views")
    return {
        entry.name.removesuffix(".sql"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    }


def refresh_views(con: duckdb.DuckDBPyConnection) -> list[ViewState]:
    """Bring every view file into the warehouse if it is new or changed; report each one."""
    schema = _schema_key(con)
    recorded = _recorded(con)
    definitions = view_files()
    states = [
        _refresh(con, name, sql, schema, recorded.get(name))
        for name, sql in sorted(definitions.items())
    ]
    _drop_removed(con, set(recorded) - set(definitions))
    return states


def _refresh(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, schema: str, before: Recorded | None
) -> ViewState:
    key = hashlib.sha256(f"{schema}\n{sql}".encode()).hexdigest()
    if before and before[:2] == (key, "created"):
        return ViewState(name, "created")
    state = _create(con, name, sql)
    if before != (key, state.status, state.detail):
        _record(con, key, state)
    return state


def _schema_key(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations")
    found = row.fetchone()
    return str(found[0]) if found else ""


def _recorded(con: duckdb.DuckDBPyConnection) -> dict[str, Recorded]:
    rows = con.execute("SELECT name, definition, status, detail FROM view_definitions")
    return {name: (key, status, detail) for name, key, status, detail in rows.fetchall()}


def _create(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> ViewState:
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(sql)
        con.execute("COMMIT")
    except duckdb.Error as error:
        with contextlib.suppress(duckdb.Error):  # failed before BEGIN: nothing to undo
            con.execute("ROLLBACK")
        # A missing table is a catalog error: expected until its migration lands.
        status = "skipped" if isinstance(error, duckdb.CatalogException) else "failed"
        return ViewState(name, status, str(error).strip().splitlines()[0])
    return ViewState(name, "created")


def _record(con: duckdb.DuckDBPyConnection, key: str, state: ViewState) -> None:
    con.execute(
        "INSERT OR REPLACE INTO view_definitions VALUES (?, ?, ?, ?, ?)",
        [state.name, key, state.status, state.detail, now()],
    )


def _drop_removed(con: duckdb.DuckDBPyConnection, names: set[str]) -> None:
    for name in sorted(names):
        con.execute(f'DROP VIEW IF EXISTS "{name}"')  # names come from our own file names
        con.execute("DELETE FROM view_definitions WHERE name = ?", [name])


VIEW_STATUS_QUERY = "SELECT name, status, detail, checked_at FROM view_definitions ORDER BY name"

"""Versioned schema migrations, applied in order on every write connection.

A migration is `migrations/NNN_name.sql`; applied versions are recorded in
`schema_migrations`, so applying is idempotent and a newer file upgrades an older one.
"""

from __future__ import annotations

from importlib.resources import files

import duckdb

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


def available_migrations() -> list[tuple[int, str, str]]:
    folder = files("warehouse").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return available_migrations()[-1][0]


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(_BOOKKEEPING)
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns their names."""
    done = applied_versions(con)
    applied = []
    for version, name, sql in available_migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
        con.execute("COMMIT")
        applied.append(name)
    return applied

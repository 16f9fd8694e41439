"""The warehouse beyond one writer: a DuckLake catalog with its data in Parquet files.

Each machine (or worker) ingests into its own DuckDB warehouse, the single-writer staging
area, and `publish` then copies what changed into a shared DuckLake: a catalog database (a
DuckDB file here; PostgreSQL or MotherDuck when several machines publish) plus a folder of
Parquet files (local here; object storage in production). Readers attach the lake and run
the same SQL as on the warehouse: `ATTACH 'ducklake:<dir>/catalog.ducklake' AS lake; USE lake`.

A publisher owns the sources its warehouse holds: for those, the lake's articles, removals
and failures become exactly the warehouse's; rows of every other source are left alone.
One publish is one lake transaction, so readers see a source before or after, never half.
The extension is loaded from the `duckdb-extension-ducklake` wheel (INSTALL needs network).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseBusy
from warehouse.snapshot import readable_path

CATALOG_FILE = "catalog.ducklake"
DATA_FOLDER = "data"
PUBLISH_TIMEOUT_S = 120.0
# Tables copied as they are, by key, never deleted from the lake (other publishers' runs).
SHARED_TABLES = {"sources": "source_id", "runs": "run_id"}
_SCOPE = "(SELECT source_id FROM wh.sources UNION SELECT source_id FROM wh.failures)"


@functools.cache
def extension_path() -> Path:
    import duckdb_extension_ducklake

    root = Path(duckdb_extension_ducklake.__file__).parent / "extensions"
    exact = root / f"v{duckdb.__version__}" / "ducklake.duckdb_extension"
    return exact if exact.exists() else next(root.rglob("ducklake.duckdb_extension"))


def _quoted(value: Path | str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def attach_statement(lake: Path, alias: str = "lake", read_only: bool = False) -> str:
    """The SQL that attaches the lake; the extension must be loaded first."""
    options = f"DATA_PATH {_quoted(lake / DATA_FOLDER)}" + (", READ_ONLY" if read_only else "")
    return f"ATTACH {_quoted('ducklake:' + str(lake / CATALOG_FILE))} AS {alias} ({options})"


def attach_lake(con: duckdb.DuckDBPyConnection, lake: Path, read_only: bool = False) -> None:
    con.execute(f"LOAD {_quoted(extension_path())}")
    con.execute(attach_statement(lake, read_only=read_only))


@dataclass(frozen=True)
class Published:
    articles_written: int
    articles_deleted: int
    documents_written: int


@contextmanager
def _publish_lock(lake: Path, timeout_s: float) -> Iterator[None]:
    # The catalog is one DuckDB file: publishers on this machine take turns, boundedly.
    lake.mkdir(parents=True, exist_ok=True)
    with open(lake / "publish.lock", "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(f"{lake}: another publish did not end in time") from None
                time.sleep(0.1)
        yield


def publish(warehouse: Path | str, lake: Path, timeout_s: float = PUBLISH_TIMEOUT_S) -> Published:
    """Bring the lake up to date with the warehouse's read snapshot (never blocks a run)."""
    with _publish_lock(lake, timeout_s), duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"ATTACH {_quoted(readable_path(warehouse))} AS wh (READ_ONLY)")
        attach_lake(con, lake)
        for table in ("sources", "runs", "documents", "articles", "removals", "failures"):
            _create_like(con, table)
        con.execute("BEGIN TRANSACTION")
        try:
            published = _copy_changes(con)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
    return published


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [database, table],
    ).fetchall()
    return [row[0] for row in rows]


def _create_like(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The lake table with the warehouse's columns; columns a later migration added are
    added to the lake too (the lake has no constraints: keys are kept by `publish`)."""
    existing = _columns(con, "lake", table)
    if not existing:
        con.execute(f"CREATE TABLE lake.{table} AS SELECT * FROM wh.{table} LIMIT 0")
        return
    for column, kind in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = 'wh' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall():
        if column not in existing:
            con.execute(f'ALTER TABLE lake.{table} ADD COLUMN "{column}" {kind}')


def _copy_changes(con: duckdb.DuckDBPyConnection) -> Published:
    for table, key in SHARED_TABLES.items():
        _upsert_changed_rows(con, table, key)
    documents = _count_change(con, "documents", _INSERT_NEW_DOCUMENTS)
    con.execute(_DELETE_STALE_REMOVALS)
    deleted = _count_change(con, "articles", _DELETE_STALE_ARTICLES)
    written = _count_change(con, "articles", _INSERT_MISSING_ARTICLES)
    con.execute(_INSERT_MISSING_REMOVALS)
    con.execute(f"DELETE FROM lake.failures WHERE source_id IN {_SCOPE}")
    con.execute("INSERT INTO lake.failures BY NAME SELECT * FROM wh.failures")
    return Published(written, -deleted, documents)


def _count_change(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> int:
    before = _row_count(con, table)
    con.execute(sql)
    return _row_count(con, table) - before


def _row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM lake.{table}").fetchone()  # our table names
    return int(row[0]) if row else 0


def _upsert_changed_rows(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    columns = ", ".join(f'"{c}"' for c in _columns(con, "wh", table))
    changed = f"SELECT {columns} FROM wh.{table} EXCEPT SELECT {columns} FROM lake.{table}"
    con.execute(f"DELETE FROM lake.{table} WHERE {key} IN (SELECT {key} FROM ({changed}))")
    con.execute(f"INSERT INTO lake.{table} BY NAME {changed}")


_INSERT_NEW_DOCUMENTS = """
INSERT INTO lake.documents BY NAME SELECT * FROM wh.documents w
WHERE NOT EXISTS (SELECT 1 FROM lake.documents l WHERE l.document_id = w.document_id)
"""

# An article of this publisher's sources whose row differs from the warehouse's (rewritten,
# or gone after a re-ingest): its lake row and removals are dropped, then written again.
_STALE_ARTICLE_IDS = f"""
SELECT l.article_id FROM lake.articles l
WHERE l.source_id IN {_SCOPE} AND NOT EXISTS (
    SELECT 1 FROM wh.articles w WHERE w.article_id = l.article_id
    AND w.updated_at = l.updated_at AND w.record_hash = l.record_hash)
"""
_DELETE_STALE_REMOVALS = f"DELETE FROM lake.removals WHERE article_id IN ({_STALE_ARTICLE_IDS})"
_DELETE_STALE_ARTICLES = f"DELETE FROM lake.articles WHERE article_id IN ({_STALE_ARTICLE_IDS})"
_INSERT_MISSING_ARTICLES = """
INSERT INTO lake.articles BY NAME SELECT * FROM wh.articles w
WHERE NOT EXISTS (SELECT 1 FROM lake.articles l WHERE l.article_id = w.article_id)
"""
_INSERT_MISSING_REMOVALS = """
INSERT INTO lake.removals BY NAME SELECT * FROM wh.removals r
WHERE NOT EXISTS (SELECT 1 FROM lake.removals l WHERE l.article_id = r.article_id)
"""


@contextmanager
def reading_lake(lake: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose default database is the lake: the warehouse's SQL runs as is."""
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        attach_lake(con, lake, read_only=True)
        con.execute("USE lake")
        yield con

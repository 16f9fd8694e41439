"""Writers attach the warehouse with small row groups (warehouse/connection.py).

A checkpoint rewrites a table's last partial row group; small groups keep that rewrite
the same size however large `articles` grows. Every writer must use the same size: a
checkpoint under another one merges the groups of every table, touched or not.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.analysis import after_run
from warehouse.connection import ROW_GROUP_ROWS, reading, writing

ROWS = 2 * ROW_GROUP_ROWS + 904


def row_groups(warehouse: Path, table: str) -> int:
    with reading(warehouse) as con:
        sql = "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)"
        row = con.execute(sql, [table]).fetchone()
    assert row is not None
    return int(row[0])


def fill_scratch(con: duckdb.DuckDBPyConnection, rows: int = ROWS) -> None:
    sql = "CREATE TABLE scratch AS SELECT range AS i, repeat('x', 50) AS s FROM range($rows)"
    con.execute(sql, {"rows": rows})


def test_a_writer_stores_rows_in_small_row_groups(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    with writing(warehouse) as con:
        fill_scratch(con)
    assert row_groups(warehouse, "scratch") == 3


def test_a_checkpoint_under_the_default_size_would_merge_them(tmp_path: Path) -> None:
    """Why every writer attaches with the same size (and what makes the others mean
    something): DuckDB's own default, used by a plain connection, merges the groups."""
    warehouse = tmp_path / "news.duckdb"
    with writing(warehouse) as con:
        fill_scratch(con)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE other (i INTEGER)")
        con.execute("CHECKPOINT")
    assert row_groups(warehouse, "scratch") == 1


def test_the_end_of_run_work_keeps_the_groups(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    with writing(warehouse) as con:
        fill_scratch(con)
    after_run(warehouse)
    assert row_groups(warehouse, "scratch") == 3


def test_a_writer_spills_beside_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "news.duckdb"
    with writing(warehouse) as con:
        row = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert row == (f"{warehouse}.tmp",)


def test_a_warehouse_written_with_default_groups_takes_new_rows(tmp_path: Path) -> None:
    """Warehouses made before writers attached with small groups (or written by a shell)."""
    warehouse = tmp_path / "news.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE keyed (i INTEGER PRIMARY KEY, s VARCHAR)")
        con.execute("INSERT INTO keyed SELECT range, 'old' FROM range($n)", {"n": ROWS})
    with writing(warehouse) as con:
        con.execute(
            "INSERT INTO keyed SELECT range, 'new' FROM range($n, $m)", {"n": ROWS, "m": 2 * ROWS}
        )
        con.execute("UPDATE keyed SET s = 'changed' WHERE i < 10")
    with writing(warehouse) as con:
        con.execute("CHECKPOINT")
    with reading(warehouse) as con:
        counts = con.execute("SELECT s, count(*) FROM keyed GROUP BY s ORDER BY s").fetchall()
    assert counts == [("changed", 10), ("new", ROWS), ("old", ROWS - 10)]
    assert row_groups(warehouse, "keyed") >= 2

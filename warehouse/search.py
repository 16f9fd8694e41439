"""Full-text search over article titles and bodies: DuckDB's fts extension, BM25 ranking.

The extension comes from the `duckdb-extension-fts` wheel and is loaded by file path:
`INSTALL fts` needs the network, and the wheel loads into this exact DuckDB only. An fts
index is a copy of the table at build time (later writes do not reach it), so it is rebuilt
after a run that changed `articles`, never per batch. `search_articles(text)` is a table
macro stored in the warehouse: any connection that has loaded the extension can call it.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import duckdb

from warehouse.tables import now

INDEX_SCHEMA = "fts_main_articles"

SEARCH_MACRO = f"""
CREATE OR REPLACE MACRO search_articles(query_text) AS TABLE
SELECT a.article_id, a.title, a.url, hits.score, a.source_id, a.published_at
FROM (
    SELECT article_id, {INDEX_SCHEMA}.match_bm25(article_id, query_text) AS score
    FROM articles
) AS hits
JOIN articles AS a USING (article_id)
WHERE hits.score IS NOT NULL
ORDER BY hits.score DESC, a.article_id
"""

_BUILD_INDEX = "PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', overwrite = 1)"

# Changes whenever a row is added, removed or rewritten (record_hash covers title and body).
_FINGERPRINT = (
    "SELECT count(*), count(*) || ':' || coalesce(bit_xor(hash(article_id, record_hash)), 0) "
    "FROM articles"
)


@functools.cache
def extension_path() -> Path:
    """The fts extension file shipped in the `duckdb-extension-fts` wheel."""
    import duckdb_extension_fts

    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    return exact if exact.exists() else next(root.rglob("fts.duckdb_extension"))


def load_statement() -> str:
    """The SQL that loads the extension: what `newsflow sql` passes to the shell."""
    quoted = str(extension_path()).replace("'", "''")
    return f"LOAD '{quoted}'"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(load_statement())


def refresh_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the index and the macro if `articles` changed since the last build."""
    count, fingerprint = _fingerprint(con)
    if fingerprint == _built_from(con) and _index_exists(con):
        return False
    load_fts(con)
    try:
        _rebuild_in_transaction(con, count, fingerprint)
    except duckdb.OutOfMemoryException:
        # The writer's memory limit (warehouse/connection.py) bounds a run's peak; an index
        # too big to build under it is still built, with DuckDB's own default.
        _lift_memory_limit(con)
        _rebuild_in_transaction(con, count, fingerprint)
    return True


def _lift_memory_limit(con: duckdb.DuckDBPyConnection) -> None:
    # RESET alone changes the setting but not the buffer pool's limit (duckdb 1.5.5);
    # setting the default it reports back does both.
    con.execute("RESET memory_limit")
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute("SET memory_limit = $limit", {"limit": row[0] if row else "80%"})


def _rebuild_in_transaction(con: duckdb.DuckDBPyConnection, count: int, fingerprint: str) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        _rebuild(con, count, fingerprint)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # keep the original error
            con.execute("ROLLBACK")
        raise


def _rebuild(con: duckdb.DuckDBPyConnection, count: int, fingerprint: str) -> None:
    con.execute(_BUILD_INDEX)
    con.execute(SEARCH_MACRO)
    con.execute(
        "INSERT OR REPLACE INTO search_index VALUES ('articles', ?, ?, ?)",
        [fingerprint, count, now()],
    )


def _fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    row = con.execute(_FINGERPRINT).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def _built_from(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT fingerprint FROM search_index WHERE table_name = 'articles'")
    found = row.fetchone()
    return str(found[0]) if found else None


def _index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(DISTINCT (schema_name, function_name)) FROM duckdb_functions() "
        "WHERE (schema_name, function_name) IN "
        f"(('{INDEX_SCHEMA}', 'match_bm25'), ('main', 'search_articles'))"
    ).fetchone()
    return bool(row and row[0] == 2)

"""Full-text search: BM25 over title and body, one call from Python, the shell and the CLI."""

from __future__ import annotations

from pathlib import Path

from tests.analysis_helpers import WIRE, Story, ingest, write_folder
from tests.conftest import duckdb_shell, query, run_cli
from warehouse.analysis import analysing
from warehouse.search import extension_path, load_statement
from warehouse.snapshot import snapshot_path

SEARCH = "SELECT * FROM search_articles('ceasefire')"


def search(warehouse: Path, text: str) -> list[tuple]:
    with analysing(warehouse) as con:
        return con.execute("SELECT * FROM search_articles(?)", [text]).fetchall()


def index_state(warehouse: Path) -> tuple:
    return query(warehouse, "SELECT fingerprint, documents, built_at FROM search_index")[0]


def test_the_extension_comes_from_the_installed_wheel() -> None:
    path = extension_path()
    assert path.name == "fts.duckdb_extension" and "duckdb_extension_fts" in path.parts
    assert load_statement() == f"LOAD '{path}'"


def test_search_from_python_returns_ranked_articles(ingested: Path) -> None:
    with analysing(ingested) as con:
        cursor = con.execute(SEARCH)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchall()
    assert columns[:4] == ["article_id", "title", "url", "score"]
    assert len(rows) == 2 and rows[0][3] >= rows[1][3] > 0
    assert {row[2] for row in rows} == {
        "seeds/000_adad8c9d98be5939.txt",
        "seeds/003_70fcf5d8fad2826f.txt",
    }


def test_bm25_ranks_the_more_relevant_article_first(warehouse: Path, tmp_path: Path) -> None:
    ingest(warehouse, write_folder(tmp_path / "wire", WIRE))
    hits = search(warehouse, "ceasefire")
    assert [hit[1] for hit in hits] == ["Zanzibar Envoys Meet In Geneva", "Grain Corridor Reopens"]
    assert search(warehouse, "hospitals")[0][1] == "Parliament Debates Budget"
    assert search(warehouse, "no such word anywhere") == []


def test_titles_are_searched_too(warehouse: Path, tmp_path: Path) -> None:
    ingest(warehouse, write_folder(tmp_path / "wire", WIRE))
    hits = search(warehouse, "zanzibar")  # only in a title, never in a body
    assert [hit[1] for hit in hits] == ["Zanzibar Envoys Meet In Geneva"]


def test_search_in_the_shell_after_the_documented_load(ingested: Path) -> None:
    flags = ["-readonly", "-csv", "-noheader", "-cmd", load_statement()]
    result = duckdb_shell(snapshot_path(ingested), f"SELECT url FROM ({SEARCH})", *flags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [row[2] for row in search(ingested, "ceasefire")]


def test_search_through_newsflow_sql(ingested: Path) -> None:
    result = run_cli("sql", f"SELECT url FROM ({SEARCH})", "--format", "csv", warehouse=ingested)
    assert result.exit_code == 0, result.output
    assert result.output.split()[1:] == [row[2] for row in search(ingested, "ceasefire")]


def test_the_index_follows_every_run_that_changes_articles(ingested: Path, tmp_path: Path) -> None:
    first = index_state(ingested)
    assert first[1] == 5
    ingest(ingested, write_folder(tmp_path / "wire", WIRE))
    second = index_state(ingested)
    assert second[1] == 8 and second[0] != first[0]
    assert len(search(ingested, "ceasefire")) == 4
    ingest(ingested, tmp_path / "wire")  # nothing changed: the index is not rebuilt
    assert index_state(ingested) == second


def test_a_changed_body_is_found_by_its_new_words(warehouse: Path, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "wire", WIRE[:1])
    ingest(warehouse, folder)
    assert search(warehouse, "armistice") == []
    changed = Story("wire_1", WIRE[0].title, WIRE[0].date, "An armistice was signed at noon.")
    ingest(warehouse, write_folder(folder, [changed]))
    assert [hit[1] for hit in search(warehouse, "armistice")] == [WIRE[0].title]
    assert search(warehouse, "ceasefire") == []


def test_an_index_too_big_for_the_writer_limit_is_built_without_it(ingested: Path) -> None:
    """warehouse/search.py: an OutOfMemory under the writer's limit retries unlimited."""
    import contextlib

    import duckdb
    import pytest

    from warehouse.connection import maintaining
    from warehouse.search import _BUILD_INDEX, load_fts, refresh_search_index

    with maintaining(ingested) as con:
        con.execute("UPDATE articles SET title = coalesce(title, '') || ' updated'")
        con.execute("UPDATE articles SET record_hash = md5(title || body)")
        con.execute("SET memory_limit = '2MB'")
        limited = con.execute("SELECT current_setting('memory_limit')").fetchone()
        load_fts(con)
        with pytest.raises(duckdb.OutOfMemoryException):  # the limit really is too small
            con.execute(_BUILD_INDEX)
        with contextlib.suppress(duckdb.Error):  # that statement's own transaction
            con.execute("ROLLBACK")
        assert refresh_search_index(con)
        after = con.execute("SELECT current_setting('memory_limit')").fetchone()
        hits = con.execute("SELECT count(*) FROM search_articles('updated')").fetchone()
    assert limited and after and limited[0] != after[0]
    assert hits and hits[0] == 5

"""The analysis views: each answers its question on real warehouses, in Python and the shell."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.analysis_helpers import WIRE, ingest, write_folder
from tests.conftest import REPO, SEEDS, duckdb_shell, query, run_cli
from warehouse import views
from warehouse.connection import writing
from warehouse.search import load_statement
from warehouse.snapshot import snapshot_path

VIEWS = sorted(views.view_files())


def status(warehouse: Path) -> dict[str, tuple[str, str | None]]:
    rows = query(warehouse, "SELECT name, status, detail FROM view_definitions")
    return {name: (state, detail) for name, state, detail in rows}


def test_the_promised_views_exist_as_files() -> None:
    assert VIEWS == [
        "articles_per_day",
        "candidate_outcomes",
        "duplicate_clusters",
        "removals_by_rule",
        "run_history",
        "source_health",
        "story_timeline",
    ]


@pytest.mark.parametrize("name", VIEWS)
def test_each_view_runs_in_the_shell_on_the_snapshot(ingested: Path, name: str) -> None:
    result = duckdb_shell(snapshot_path(ingested), f"SELECT * FROM {name}", "-readonly", "-csv")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert status(ingested)[name] == ("created", None)


def test_a_view_whose_tables_are_missing_is_skipped_until_they_exist(
    ingested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = "CREATE OR REPLACE VIEW later_view AS SELECT count(*) AS n FROM later_table"
    monkeypatch.setattr(views, "view_files", lambda: {"later_view": later})
    with writing(ingested) as con:
        con.execute("SELECT 1")
    state, detail = status(ingested)["later_view"]
    assert state == "skipped" and "Table with name later_table does not exist" in (detail or "")
    with writing(ingested) as con:
        con.execute("CREATE TABLE later_table (x INTEGER)")
    with writing(ingested):
        pass
    assert status(ingested)["later_view"] == ("created", None)
    assert query(ingested, "SELECT n FROM later_view") == [(0,)]


def test_articles_per_day_counts_by_utc_day_and_source(ingested: Path) -> None:
    rows = query(ingested, "SELECT day, source_id, articles FROM articles_per_day ORDER BY day")
    assert rows == [(date(2025, 6, 5), "seeds", 1), (None, "seeds", 4)]


def test_story_timeline_orders_by_publication_then_landing(ingested: Path, tmp_path: Path) -> None:
    ingest(ingested, write_folder(tmp_path / "wire", WIRE))
    rows = query(ingested, "SELECT position, published_at, title FROM story_timeline ORDER BY 1")
    assert [row[0] for row in rows] == list(range(1, 9))
    dated = [row[1] for row in rows if row[1] is not None]
    assert dated == sorted(dated) and len(dated) == 3 and rows[-1][1] is None
    assert rows[0][2] == "No Talks With Terrorists: Kyiv’s Tactics Burst Peace Hopes"
    assert rows[1][2] == "Zanzibar Envoys Meet In Geneva"


def test_source_health_on_the_seeds(ingested: Path) -> None:
    [row] = query(
        ingested, "SELECT * EXCLUDE (last_success_at, last_fetched_at) FROM source_health"
    )
    assert row == ("seeds", 5, 5, 0, None, 0.0, 0.8, 1.2)
    [(last_success,)] = query(ingested, "SELECT last_success_at FROM source_health")
    assert isinstance(last_success, datetime) and last_success.tzinfo is not None


def test_source_health_counts_failures_by_stage_and_empty_bodies(
    warehouse: Path, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "mixed", WIRE)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    ingest(warehouse, folder)
    [row] = query(
        warehouse,
        "SELECT articles_landed, open_failures, failures_by_stage, empty_body_rate, "
        "missing_date_rate FROM source_health",
    )
    landed, failures, by_stage, empty_rate, undated_rate = row
    assert (landed, failures) == (3, 3)
    assert sum(by_stage.values()) == 3 and "decode" in by_stage
    assert empty_rate == round(2 / 5, 3)
    assert undated_rate == round(1 / 3, 3)


def test_removals_by_rule_adds_up_to_the_removals(ingested: Path) -> None:
    rows = query(ingested, "SELECT rule, source_id, spans, example FROM removals_by_rule")
    assert sum(row[2] for row in rows) == query(ingested, "SELECT count(*) FROM removals")[0][0]
    by_rule = {row[0]: row for row in rows}
    assert by_rule["donation-appeal-block"][1] == "seeds"
    assert all(row[3] for row in rows)


def test_run_history_has_counts_and_versions(ingested: Path) -> None:
    ingest(ingested, SEEDS)
    rows = query(
        ingested,
        "SELECT status, articles_new, articles_unchanged, articles_last_written, "
        "extractor_version IS NOT NULL, rules_version IS NOT NULL, "
        "duration >= INTERVAL '0 seconds' FROM run_history ORDER BY started_at",
    )
    assert rows == [
        ("completed", 5, 0, 5, True, True, True),
        ("completed", 0, 5, 0, True, True, True),
    ]


def add_discovery_rows(warehouse: Path) -> list[str]:
    """Rows in the discovery tables of migration 002, as discovery would write them."""
    ids = [row[0] for row in query(warehouse, "SELECT article_id FROM articles ORDER BY 1")]
    found = datetime(2025, 7, 1, tzinfo=UTC)
    candidate = (
        "INSERT INTO candidates (canonical_url, url, source_id, query, found_at, status, score, "
        "reason, article_id, attempts, last_run_id) VALUES (?, ?, 'gdelt', 'ceasefire', ?, ?, "
        "?, ?, ?, 0, 'r1')"
    )
    sighting = "INSERT INTO candidate_sightings VALUES (?, ?, 'ceasefire', ?, ?, ?, 'r1')"
    member = "INSERT INTO cluster_members VALUES (?, 'c1', ?, ?, [1, 2], 'h', ?, 'r1')"
    landed = ["https://a.example/1", "https://a.example/1?utm_source=x", found, "landed"]
    off_topic = ["https://b.example/2", "https://b.example/2", found, "off_topic"]
    with writing(warehouse) as con:
        con.execute(candidate, [*landed, 0.9, None, ids[0]])
        con.execute(candidate, [*off_topic, 0.1, "score 0.10 below 0.30", None])
        for source in ("gdelt", "feed"):
            con.execute(sighting, [landed[0], source, landed[0], found, found])
        con.execute("INSERT INTO clusters VALUES ('c1', ?, ?, 'r1')", [ids[0], found])
        con.execute(member, [ids[0], None, 1.0, found])
        con.execute(member, [ids[1], ids[0], 0.93, found])
    return ids


def test_candidate_outcomes_tell_what_became_of_each_find(ingested: Path) -> None:
    ids = add_discovery_rows(ingested)
    ingest(ingested, SEEDS)  # the snapshot is republished at the end of a run
    rows = query(
        snapshot_path(ingested),
        "SELECT canonical_url, sightings, found_by, status, reason, article_id, "
        "article_title IS NULL FROM candidate_outcomes ORDER BY 1",
    )
    assert rows == [
        ("https://a.example/1", 2, ["feed", "gdelt"], "landed", None, ids[0], True),
        ("https://b.example/2", 0, None, "off_topic", "score 0.10 below 0.30", None, True),
    ]


def test_duplicate_clusters_list_their_members(ingested: Path) -> None:
    ids = add_discovery_rows(ingested)
    ingest(ingested, SEEDS)
    rows = query(
        snapshot_path(ingested),
        "SELECT cluster_id, members, founder, article_id, source_id, matched_article_id, "
        "similarity FROM duplicate_clusters ORDER BY founder DESC",
    )
    assert rows == [
        ("c1", 2, True, ids[0], "seeds", None, 1.0),
        ("c1", 2, False, ids[1], "seeds", ids[0], 0.93),
    ]


def test_views_are_recreated_only_when_their_definition_changes(
    ingested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = "SELECT name, checked_at FROM view_definitions ORDER BY name"
    before = query(ingested, checked)
    with writing(ingested):
        pass
    assert query(ingested, checked) == before
    changed = {**views.view_files()}
    changed["story_timeline"] = changed["story_timeline"].replace("AS position", "AS rank")
    monkeypatch.setattr(views, "view_files", lambda: changed)
    with writing(ingested):
        pass
    after = dict(query(ingested, checked))
    assert after["story_timeline"] > dict(before)["story_timeline"]
    assert {k: v for k, v in after.items() if k != "story_timeline"} == {
        k: v for k, v in before if k != "story_timeline"
    }
    assert query(ingested, "SELECT max(rank) FROM story_timeline") == [(5,)]


def test_a_broken_or_removed_view_never_stops_a_write(
    ingested: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    definitions = {name: sql for name, sql in views.view_files().items() if name != "run_history"}
    definitions["broken"] = "CREATE OR REPLACE VIEW broken AS SELECT no_such_column FROM articles"
    monkeypatch.setattr(views, "view_files", lambda: definitions)
    ingest(ingested, SEEDS)
    assert status(ingested)["broken"][0] == "failed"
    assert "run_history" not in status(ingested)
    names = {row[0] for row in query(ingested, "SELECT view_name FROM duckdb_views()")}
    assert "run_history" not in names and "story_timeline" in names


DOCS = (REPO / "docs" / "sql.md").read_text(encoding="utf-8")
DOC_EXAMPLES = re.findall(r"```sql\n(.*?)```", DOCS, flags=re.S)


def test_the_docs_show_every_view() -> None:
    assert all(any(name in sql for sql in DOC_EXAMPLES) for name in VIEWS)


@pytest.mark.parametrize("sql", DOC_EXAMPLES, ids=[f"docs-{i}" for i in range(len(DOC_EXAMPLES))])
def test_docs_example_runs_in_the_shell_and_in_newsflow_sql(ingested: Path, sql: str) -> None:
    flags = ["-readonly", "-csv", "-cmd", load_statement()]
    for database in (ingested, snapshot_path(ingested)):
        result = duckdb_shell(database, sql, *flags)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert len(result.stdout.strip().splitlines()) >= 1
    # `--` ends the options: a query may start with a `--` comment.
    assert run_cli("sql", "--format", "csv", "--", sql, warehouse=ingested).exit_code == 0

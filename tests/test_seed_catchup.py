"""Seed files that arrived while `newsflow serve` was down are found when it starts again.

The selection on a real DuckDB warehouse here (no Prefect); at the end, two starts of a
real `newsflow serve`: the first lands a file dropped while it was down, the second
(nothing new) starts no run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.seedwatch import unseen_seed_files
from tests.conftest import query, run_cli
from tests.events_helpers import Served, serve_environment, start_serve

NEW_TEXT = "Late Headline\n\nA reporter saved this file while the service was stopped.\n"


def ingest(warehouse: Path, *paths: Path) -> None:
    result = run_cli("ingest", *map(str, paths), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output


def names(paths: list[Path]) -> list[str]:
    return [f"{path.parent.name}/{path.name}" for path in paths]


def test_only_seed_files_the_warehouse_does_not_know_are_unseen(
    tmp_path: Path, warehouse: Path, seeds_copy: Path
) -> None:
    (seeds_copy / "empty.txt").write_text("")  # refused when ingested: known by its failure
    ingest(warehouse, seeds_copy)
    (seeds_copy / "late.txt").write_text(NEW_TEXT)
    (seeds_copy / "late page.HTML").write_text("<html><body><p>Late page.</p></body></html>")
    for ignored in (".hidden.txt", "notes.md", "sub/deep.txt"):
        (seeds_copy / ignored).parent.mkdir(exist_ok=True)
        (seeds_copy / ignored).write_text(NEW_TEXT)
    wire = tmp_path / "wire"  # a watched folder no run has read yet
    wire.mkdir()
    (wire / "a.txt").write_text(NEW_TEXT)
    unseen = unseen_seed_files([seeds_copy, wire, seeds_copy], warehouse)
    assert names(unseen) == ["seeds/late page.HTML", "seeds/late.txt", "wire/a.txt"]
    assert all(path.is_absolute() for path in unseen)


def test_after_they_land_nothing_is_unseen(
    tmp_path: Path, warehouse: Path, seeds_copy: Path
) -> None:
    ingest(warehouse, seeds_copy)
    late = seeds_copy / "late.txt"
    late.write_text(NEW_TEXT)
    assert unseen_seed_files([seeds_copy], warehouse) == [late.resolve()]
    ingest(warehouse, late)  # what the catch-up run does: the file alone
    assert unseen_seed_files([seeds_copy], warehouse) == []


def test_a_file_known_under_another_folder_name_is_still_unseen(
    tmp_path: Path, warehouse: Path, seeds_copy: Path
) -> None:
    ingest(warehouse, seeds_copy)
    other = tmp_path / "other"
    other.mkdir()
    first = sorted(seeds_copy.iterdir())[0]
    (other / first.name).write_bytes(first.read_bytes())
    assert names(unseen_seed_files([other], warehouse)) == [f"other/{first.name}"]


def test_without_a_warehouse_every_seed_file_is_unseen(tmp_path: Path, seeds_copy: Path) -> None:
    unseen = unseen_seed_files([seeds_copy], tmp_path / "none" / "news.duckdb")
    assert unseen == sorted(path.resolve() for path in seeds_copy.iterdir())


@pytest.fixture
def workdir(tmp_path: Path, seeds_copy: Path) -> Iterator[tuple[Path, Path, Path]]:
    warehouse = tmp_path / "wh" / "news.duckdb"
    ingest(warehouse, seeds_copy)
    yield tmp_path, warehouse, seeds_copy


def ingest_runs(served: Served) -> list[dict]:
    return served.runs_of(served.deployment("ingest-seeds", "on-new-seed")["id"])


@pytest.mark.prefect
@pytest.mark.timeout(420)
def test_serve_lands_files_added_while_it_was_down_once(workdir: tuple[Path, Path, Path]) -> None:
    root, warehouse, seeds = workdir
    late = seeds / "late.txt"
    late.write_text(NEW_TEXT)
    env = serve_environment(root)  # one PREFECT_HOME: the second start is a restart
    before = datetime.now(UTC)
    served = start_serve(root, warehouse, seeds, dict(env))
    try:
        assert "1 seed file(s) added while serve was down" in served.log.read_text()
        run = served.finished_run("ingest-seeds", "on-new-seed", before, {}, 120)
        assert run["state_type"] == "COMPLETED"
        assert run["parameters"]["paths"] == [str(late.resolve())]
        landed = "SELECT title FROM articles WHERE url = 'seeds/late.txt'"
        assert query(warehouse, landed) == [("Late Headline",)]
        assert unseen_seed_files([seeds], warehouse) == []
    finally:
        assert served.stop() == 0
    restarted = start_serve(root, warehouse, seeds, dict(env))
    try:
        assert "added while serve was down" not in restarted.log.read_text()
        assert len(ingest_runs(restarted)) == 1
    finally:
        restarted.stop()

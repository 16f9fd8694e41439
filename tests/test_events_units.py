"""The pieces of event-driven newsflow that need no server: payloads, templates, watcher."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flows.events import (
    MAX_ARTICLE_IDS,
    SEED_PREFIX,
    SOURCE_PREFIX,
    articles_landed_payload,
    run_completed_payload,
)
from tests.conftest import run_cli

pytestmark = [pytest.mark.prefect, pytest.mark.timeout(120)]


def render_trigger(parameters: dict[str, Any], event_name: str, resource_id: str) -> Any:
    """What the server's RunDeployment action makes of a trigger's parameters for an event."""
    from prefect.events import Event
    from prefect.server.events.actions import RunDeployment
    from prefect.utilities.schema_tools.hydration import HydrationContext, hydrate

    event = Event.model_validate(
        {"event": event_name, "resource": {"prefect.resource.id": resource_id}}
    )
    templated = copy.deepcopy(parameters)
    RunDeployment._upgrade_v1_templates(templated)
    context = HydrationContext(
        raise_on_error=True, render_jinja=True, jinja_context={"event": event}
    )
    return hydrate(templated, context)


def serve_config(tmp_path: Path) -> Any:
    from flows.deployments import ServeConfig

    return ServeConfig(tmp_path / "news.duckdb", (tmp_path / "seeds",), "off")


def test_reingest_trigger_takes_the_source_from_the_resource_id(tmp_path: Path) -> None:
    from flows.deployments import reingest_on_request

    (trigger,) = reingest_on_request(serve_config(tmp_path)).triggers
    source_id = "wire.example-2"  # dots and dashes survive
    rendered = render_trigger(
        trigger.parameters or {}, "newsflow.source.reingest-requested", SOURCE_PREFIX + source_id
    )
    assert rendered == {"source_id": source_id}


def test_seed_trigger_passes_the_new_file_as_the_only_path(tmp_path: Path) -> None:
    from flows.deployments import ingest_on_new_seed

    deployment = ingest_on_new_seed(serve_config(tmp_path))
    (trigger,) = deployment.triggers
    path = "/data/seeds/a b.txt"
    rendered = render_trigger(trigger.parameters or {}, "newsflow.seed.created", SEED_PREFIX + path)
    assert rendered == {"paths": [path], "warehouse": str(tmp_path / "news.duckdb")}
    assert deployment.entrypoint == "flows.ingest.ingest_seeds"


def test_a_cron_deployment_has_its_schedule_and_off_means_none() -> None:
    from flows.deployments import on_cron
    from flows.reingest_flow import reingest_source

    scheduled = on_cron(reingest_source, "x", "*/30 * * * *", {"source_id": "s"})
    assert [s.schedule.cron for s in scheduled.schedules] == ["*/30 * * * *"]  # type: ignore[union-attr]
    assert on_cron(reingest_source, "x", "off", {}).schedules == []


def test_articles_landed_is_one_batched_payload() -> None:
    landed = [("a", f"id{n:04d}") for n in range(MAX_ARTICLE_IDS + 5)] + [("b", "zz")]
    payload = articles_landed_payload("r1", {"articles_new": 3, "articles_updated": 2}, landed)
    assert payload["articles"] == MAX_ARTICLE_IDS + 6
    assert payload["by_source"] == {"a": MAX_ARTICLE_IDS + 5, "b": 1}
    assert len(payload["article_ids"]) == MAX_ARTICLE_IDS and payload["article_ids_truncated"]
    assert (payload["new"], payload["updated"]) == (3, 2)


def test_run_completed_payload_names_the_run_and_its_counts(tmp_path: Path) -> None:
    payload = run_completed_payload("f", "r1", str(tmp_path / "w.duckdb"), ["b", "a"], {"x": 1})
    assert payload["sources"] == ["a", "b"] and payload["counts"] == {"x": 1}
    assert payload["warehouse"] == str((tmp_path / "w.duckdb").resolve())


def test_a_source_is_failing_once_an_input_failed_three_times(tmp_path: Path) -> None:
    from warehouse.connection import reading
    from warehouse.failing import failing_sources, landed_articles

    folder, warehouse = tmp_path / "flaky", tmp_path / "wh" / "news.duckdb"
    folder.mkdir()
    (folder / "good.txt").write_text("Good Headline\n\nTalks resumed on Monday, officials said.\n")
    (folder / "empty.txt").write_text("   \n")
    for _ in range(3):
        assert run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse).exit_code == 0
    with reading(warehouse) as con:
        runs = con.execute("SELECT run_id FROM runs ORDER BY started_at").fetchall()
        first, last = runs[0][0], runs[-1][0]
        (failing,) = failing_sources(con, last, 3)
        assert failing_sources(con, last, 4) == [] and failing_sources(con, first, 3) == []
        assert len(landed_articles(con, first)) == 1 and landed_articles(con, last) == []
    assert (failing["source_id"], failing["failing_inputs"], failing["max_attempts"]) == (
        "flaky",
        1,
        3,
    )
    assert failing["examples"][0]["url"] == "flaky/empty.txt"


Watch = Callable[[Path, threading.Event], Iterator[Path]]


def through_the_watcher(folder: Path, stop: threading.Event) -> Iterator[Path]:
    from flows.seedwatch import new_seed_files

    return new_seed_files([folder], stop)


def through_the_listing(folder: Path, stop: threading.Event) -> Iterator[Path]:
    from flows.seedwatch import polled_new_files

    return (path for batch in polled_new_files([folder], stop) for path in batch)


def announced(folder: Path, watch: Watch, names: list[str]) -> list[str]:
    """The names `watch` reports while `names` are written into `folder`."""
    stop, found = threading.Event(), []

    def collect() -> None:
        for path in watch(folder, stop):
            found.append(path.name)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    time.sleep(1.5)  # the first listing, or the inotify watch, is in place
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("Headline\n\nBody.\n")
    time.sleep(3.0)
    stop.set()
    thread.join(10)
    return sorted(found)


def test_only_new_seed_files_directly_in_the_folder_are_announced(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("there before")
    names = ["new.txt", "page.HTML", ".hidden.txt", "notes.md", "sub/deep.txt"]
    assert announced(tmp_path, through_the_watcher, names) == ["new.txt", "page.HTML"]


def test_the_listing_fallback_sees_new_files(tmp_path: Path) -> None:
    assert announced(tmp_path, through_the_listing, ["a.txt"]) == ["a.txt"]


def test_retries_are_for_a_busy_warehouse_only() -> None:
    from prefect.states import Failed

    from flows.reingest import UnknownSource
    from flows.reingest_flow import warehouse_was_busy
    from warehouse.errors import WarehouseBusy

    assert warehouse_was_busy(None, None, Failed(data=WarehouseBusy("held")))
    assert not warehouse_was_busy(None, None, Failed(data=UnknownSource("nope")))


def test_serve_refuses_a_prefect_api_url_that_does_not_answer(monkeypatch, tmp_path: Path) -> None:
    from flows.cli import cli

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1 and "does not answer" in result.output

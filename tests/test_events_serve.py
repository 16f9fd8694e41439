"""`newsflow serve` on a real Prefect server: events, deployment runs, cron, seeds, overlap.

One `newsflow serve` per module, started as a user would (it starts its own server on a
free port, 10-20 s); the tests run in order and the last one stops it with Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BIN, SEEDS, run_cli
from tests.events_helpers import Served, parse_time, serve_environment, start_serve, wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.timeout(240)]

SOURCE_ROWS = "SELECT * FROM articles WHERE source_id = ? ORDER BY article_id"
REINGEST = ("reingest-source", "on-request")
RUN_TIMEOUT_S = 90


def rows(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from warehouse.connection import reading

    with reading(warehouse, timeout=30) as con:
        return con.execute(sql, params or []).fetchall()


def make_stale(warehouse: Path, source_id: str) -> None:
    """As if an older extractor had landed this source: what a re-ingest must repair."""
    from warehouse.connection import writing

    with writing(warehouse, timeout=30) as con:
        con.execute(
            "UPDATE articles SET record_hash = 'stale', body = 'old' WHERE source_id = ?",
            [source_id],
        )


def stale_count(warehouse: Path, source_id: str) -> int:
    sql = "SELECT count(*) FROM articles WHERE source_id = ? AND body = 'old'"
    return int(rows(warehouse, sql, [source_id])[0][0])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("serve")
    warehouse, seeds, wire = workdir / "wh" / "news.duckdb", workdir / "seeds", workdir / "wire"
    seeds.mkdir()
    for path in SEEDS.iterdir():
        (seeds / path.name).write_bytes(path.read_bytes())
    wire.mkdir()
    (wire / "a.txt").write_text("Wire Headline\n\nTalks in Istanbul resumed on Monday.\n")
    for folder in (seeds, wire):
        result = run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse)
        assert result.exit_code == 0, result.output
    served = start_serve(workdir, warehouse, seeds, serve_environment(workdir))
    try:
        yield served
    finally:
        served.stop()


def test_reingest_event_runs_for_that_source_only(served: Served) -> None:
    make_stale(served.warehouse, "seeds")
    wire_before = rows(served.warehouse, SOURCE_ROWS, ["wire"])
    before = datetime.now(UTC)
    emitted = served.prefect(
        "event",
        "emit",
        "newsflow.source.reingest-requested",
        "--resource-id",
        "newsflow.source.seeds",
    )
    assert emitted.returncode == 0, emitted.stderr
    run = served.finished_run(*REINGEST, before, {"source_id": "seeds"}, RUN_TIMEOUT_S)
    assert run["state_type"] == "COMPLETED"
    assert run["parameters"] == {"source_id": "seeds", "warehouse": str(served.warehouse)}
    assert stale_count(served.warehouse, "seeds") == 0
    assert rows(served.warehouse, SOURCE_ROWS, ["wire"]) == wire_before
    # The server stores events apart from acting on them: the run may finish first.
    requested = wait_for(
        "the stored event", lambda: served.events("newsflow.source.reingest-requested"), 30
    )
    occurred = parse_time(requested[0]["occurred"])
    created, started = parse_time(run["created"]), parse_time(run["start_time"])
    print(
        f"\nevent to run start: {(started - occurred).total_seconds():.1f} s "
        f"(to the run's creation {(created - occurred).total_seconds():.1f} s)"
    )


def test_run_events_say_what_the_reingest_did(served: Served) -> None:
    run = served.runs_of(served.deployment(*REINGEST)["id"])[0]
    about_run = f"newsflow.run.{run['id']}"

    def events_of_run(name: str) -> list[dict[str, Any]]:
        found = served.events(name)
        return [e for e in found if e["resource"]["prefect.resource.id"] == about_run]

    completed = wait_for("run.completed", lambda: events_of_run("newsflow.run.completed"), 30)
    assert completed[0]["payload"]["counts"]["articles_updated"] == 5
    assert completed[0]["payload"]["sources"] == ["seeds"]
    landed = wait_for("articles.landed", lambda: events_of_run("newsflow.articles.landed"), 30)
    assert len(landed) == 1, "one event per run, not one per article"
    assert landed[0]["payload"]["by_source"] == {"seeds": 5}
    assert len(landed[0]["payload"]["article_ids"]) == 5


def test_prefect_deployment_run_reingests_that_source_only(served: Served) -> None:
    make_stale(served.warehouse, "wire")
    seeds_before = rows(served.warehouse, SOURCE_ROWS, ["seeds"])
    before = datetime.now(UTC)
    started = served.prefect("deployment", "run", "/".join(REINGEST), "--param", "source_id=wire")
    assert started.returncode == 0, started.stdout + started.stderr
    run = served.finished_run(*REINGEST, before, {"source_id": "wire"}, RUN_TIMEOUT_S)
    assert run["state_type"] == "COMPLETED"
    assert stale_count(served.warehouse, "wire") == 0
    assert rows(served.warehouse, SOURCE_ROWS, ["seeds"]) == seeds_before


def test_a_request_for_an_unknown_source_fails_at_once(served: Served) -> None:
    before = datetime.now(UTC)
    requested = subprocess.run(
        [str(BIN / "newsflow"), "request-reingest", "no-such-source"],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert requested.returncode == 0, requested.stderr
    run = served.finished_run(*REINGEST, before, {"source_id": "no-such-source"}, RUN_TIMEOUT_S)
    assert run["state_type"] == "FAILED"
    assert [t["run_count"] for t in served.task_runs_of(run["id"])] == [1]


def test_a_new_seed_file_lands_without_any_command(served: Served) -> None:
    before = datetime.now(UTC)
    new_file = served.seeds / "zz_dropped.txt"
    new_file.write_text("Dropped Headline\n\nA reporter dropped this file into seeds on Friday.\n")
    landed = "SELECT title FROM articles WHERE url = 'seeds/zz_dropped.txt'"
    assert wait_for("the dropped file's article", lambda: rows(served.warehouse, landed), 90)
    run = served.finished_run("ingest-seeds", "on-new-seed", before, {}, RUN_TIMEOUT_S)
    assert run["parameters"]["paths"] == [str(new_file.resolve())]
    latency = parse_time(run["start_time"]) - before
    print(f"\nfile written to run start: {latency.total_seconds():.1f} s")


def test_a_cron_deployment_gets_scheduled_runs(served: Served, monkeypatch) -> None:
    deployment = cron_deployment(served, monkeypatch)
    scheduled = wait_for(
        "scheduled runs", lambda: served.runs_of(deployment["id"], "SCHEDULED"), 60
    )
    # "0 0 1 * *": midnight UTC on the first of the month, always within the next 31 days.
    first = min(parse_time(run["expected_start_time"]) for run in scheduled)
    assert (first.day, first.hour, first.minute) == (1, 0, 0) and first > datetime.now(UTC)


def cron_deployment(served: Served, monkeypatch) -> dict[str, Any]:
    """Discovery's, once it exists; until then the same mechanism on the reingest flow."""
    try:
        return served.deployment("discover", "scheduled")
    except httpx.HTTPStatusError:
        pass
    monkeypatch.setenv("PREFECT_API_URL", served.api_url)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import on_cron
    from flows.reingest_flow import reingest_source

    with temporary_settings({PREFECT_API_URL: served.api_url}):
        on_cron(reingest_source, "cron-check", "0 0 1 * *", {"source_id": "wire"}).apply()
    return served.deployment("reingest-source", "cron-check")


def test_overlapping_runs_and_an_open_duckdb_shell_lose_nothing(served: Served) -> None:
    for source_id in ("seeds", "wire"):
        make_stale(served.warehouse, source_id)
    counts = "SELECT source_id, count(*) FROM articles GROUP BY 1 ORDER BY 1"
    counts_before = rows(served.warehouse, counts)
    before = datetime.now(UTC)
    shell = open_shell(served.warehouse)
    try:
        request_both(served)
        runs = [waiting_for_retry(served, before, source_id) for source_id in ("seeds", "wire")]
    finally:
        assert shell.stdin is not None
        shell.stdin.close()
        shell.wait(10)
    for run, source_id in zip(runs, ("seeds", "wire"), strict=True):
        done = served.finished_run(*REINGEST, before, {"source_id": source_id}, RUN_TIMEOUT_S)
        assert done["state_type"] == "COMPLETED"
        retried = [t["run_count"] for t in served.task_runs_of(run["id"])]
        assert len(retried) == 1 and retried[0] >= 2, retried
    assert stale_count(served.warehouse, "seeds") == stale_count(served.warehouse, "wire") == 0
    assert rows(served.warehouse, counts) == counts_before


def open_shell(warehouse: Path) -> subprocess.Popen[bytes]:
    """A user's duckdb shell on the warehouse, idle at its prompt: it holds DuckDB's lock.

    A shell started while a run holds the file exits at once, so start it until it holds.
    """
    from warehouse.connection import writing
    from warehouse.errors import WarehouseBusy

    command = [str(BIN / "duckdb"), str(warehouse)]
    env = {**os.environ, "HOME": str(warehouse.parent)}
    shells: list[subprocess.Popen[bytes]] = []

    def holds_the_lock() -> bool:
        if not shells or shells[-1].poll() is not None:
            shells.append(subprocess.Popen(command, stdin=subprocess.PIPE, env=env))
            time.sleep(0.5)
        try:
            with writing(warehouse, timeout=0.2):
                return False
        except WarehouseBusy:
            return shells[-1].poll() is None

    wait_for("a duckdb shell to hold the warehouse", holds_the_lock, 30)
    return shells[-1]


def request_both(served: Served) -> None:
    """Two requests at once: the event (through our CLI) and a deployment run."""
    event = subprocess.Popen(
        [str(BIN / "newsflow"), "request-reingest", "seeds"], env=served.env, stdout=subprocess.PIPE
    )
    run = served.prefect("deployment", "run", "/".join(REINGEST), "--param", "source_id=wire")
    assert run.returncode == 0, run.stdout + run.stderr
    assert event.wait(60) == 0


def waiting_for_retry(served: Served, after: datetime, source_id: str) -> dict[str, Any]:
    """The run for `source_id`, once its task failed on the busy warehouse and awaits a retry."""
    deployment_id = served.deployment(*REINGEST)["id"]

    def probe() -> dict[str, Any] | None:
        for run in served.runs_of(deployment_id):
            if run["parameters"].get("source_id") != source_id:
                continue
            if parse_time(run["created"]) <= after:
                continue
            states = [t["state_name"] for t in served.task_runs_of(run["id"])]
            if "AwaitingRetry" in states or "Retrying" in states:
                return run
        return None

    return wait_for(f"the {source_id} run to meet the busy warehouse", probe, 60, every_s=0.25)


def test_ctrl_c_stops_serve_and_the_server_it_started(served: Served) -> None:
    started = time.monotonic()
    assert served.stop() == 0
    assert time.monotonic() - started < 30
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{served.api_url}/health", timeout=2, trust_env=False)
    assert "stopping the Prefect server it started" in served.log.read_text()

"""Extraction on a Dask LocalCluster through prefect-dask (flows/scale.py), against a real
local Prefect server: the same article rows as the default local path."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.pages import write_pages
from flows.local_server import LocalServer
from tests.conftest import SEEDS, query, run_cli
from tests.prefect_server import api_settings, running_server

ARTICLE_ROWS = (
    "SELECT article_id, content_hash, record_hash, title, authors, published_at, language, "
    "body FROM articles ORDER BY article_id"
)
PATHOLOGICAL = "<html><body><table>" + ("<tr>" + "<td>cell</td>" * 50 + "</tr>") * 4000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    from flows.modes import configure_prefect_environment

    home = tmp_path_factory.mktemp("prefect-home")
    configure_prefect_environment(home)
    with running_server(home) as running:
        yield running


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    write_pages(folder, 60)
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    return folder


def extract_chunk_runs(flow_run_id: str) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            return [str(r.state_name) for r in runs if r.name.startswith("extract-chunk")]

    return asyncio.run(read())


@pytest.mark.prefect
@pytest.mark.timeout(600)
def test_dask_extraction_lands_the_rows_of_the_local_path(
    server: LocalServer, site: Path, tmp_path: Path
) -> None:
    from flows.scale import ingest_on_dask

    on_dask, local = tmp_path / "dask" / "news.duckdb", tmp_path / "local" / "news.duckdb"
    with api_settings(server):
        summary = ingest_on_dask([site], str(on_dask), workers=2)
        chunk_states = extract_chunk_runs(summary.run_id)
    assert summary.articles_new == 65 and summary.failures == 0
    assert len(chunk_states) >= 3 and set(chunk_states) == {"Completed"}
    assert run_cli("ingest", str(site), "--mode", "local", warehouse=local).exit_code == 0
    assert query(on_dask, ARTICLE_ROWS) == query(local, ARTICLE_ROWS)
    runs = query(on_dask, "SELECT mode, status, prefect_flow_run_id FROM runs")
    assert runs == [("prefect", "completed", summary.run_id)]


def test_the_thread_deadline_cuts_a_page_off_on_a_worker_thread() -> None:
    from extractors.batch import DEFAULT_RULES
    from extractors.records import Failure, RawDocument
    from extractors.thread_deadline import process_on_thread

    raw = RawDocument("s", "s/slow.html", PATHOLOGICAL.encode(), "text/html", datetime.now(UTC))
    found: list[object] = []

    def on_a_thread() -> None:
        started = time.monotonic()
        found.append(process_on_thread(raw, DEFAULT_RULES.load(), 1.0))
        found.append(time.monotonic() - started)
        time.sleep(1.5)  # a deadline that was withdrawn must not strike later
        found.append("still running")

    worker = threading.Thread(target=on_a_thread)
    worker.start()
    worker.join(timeout=60)
    failure, seconds, after = found
    assert isinstance(failure, Failure) and failure.stage == "extract"
    assert failure.reason == "extraction exceeded its deadline (1 s)"
    assert isinstance(seconds, float) and seconds < 10 and after == "still running"

"""The `ingest-seeds` flow on a real (temporary) Prefect server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, query

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from flows.modes import configure_prefect_environment

    configure_prefect_environment(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def read_artifact(key: str) -> str | None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def read() -> str | None:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )
            return str(found[0].data) if found else None

    return asyncio.run(read())


def test_flow_lands_the_seeds_and_records_the_run(prefect_server: None, warehouse: Path) -> None:
    from flows.ingest import ingest_seeds

    summary = ingest_seeds([str(SEEDS)], str(warehouse))
    assert summary["articles_new"] == 5 and summary["failures"] == 0
    runs = query(warehouse, "SELECT run_id, mode, prefect_flow_run_id, status FROM runs")
    assert len(runs) == 1
    run_id, mode, flow_run_id, status = runs[0]
    assert (mode, status) == ("prefect", "completed") and run_id == flow_run_id
    assert query(warehouse, "SELECT DISTINCT run_id FROM articles") == [(run_id,)]
    artifact = read_artifact("ingest-summary")
    assert artifact is not None and f"`{run_id}`" in artifact and "| articles new | 5 |" in artifact


def test_flow_and_local_mode_land_the_same_rows(
    prefect_server: None, warehouse: Path, tmp_path: Path
) -> None:
    from flows.ingest import ingest_seeds
    from tests.conftest import run_cli

    ingest_seeds([str(SEEDS)], str(warehouse))
    local = tmp_path / "local.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=local).exit_code == 0
    sql = "SELECT article_id, title, body, content_hash FROM articles ORDER BY 1"
    assert query(warehouse, sql) == query(local, sql)

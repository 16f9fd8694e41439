"""The `discover` flow on a real (temporary) Prefect server lands what the local mode lands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, query, run_cli
from tests.httpfixture import LocalServer
from tests.newssite import NewsSite, write_config
from tests.newsstories import OFF_TOPIC, ON_TOPIC

pytestmark = [pytest.mark.prefect, pytest.mark.network, pytest.mark.timeout(300)]

ROWS = "SELECT article_id, url, title, body, content_hash FROM articles ORDER BY 1"


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from flows.modes import configure_prefect_environment

    configure_prefect_environment(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_flow_and_local_mode_land_the_same_rows(prefect_server: None, tmp_path: Path) -> None:
    from flows.discover_flow import discover

    flow_warehouse, local_warehouse = tmp_path / "flow.duckdb", tmp_path / "local.duckdb"
    for warehouse in (flow_warehouse, local_warehouse):
        assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse).exit_code == 0
    with LocalServer() as server:
        site = NewsSite(server)
        for story in (*ON_TOPIC, OFF_TOPIC):
            site.publish(story)
        site.serve()
        config = write_config(tmp_path / "newsflow.toml", [server.authority])
        summary = discover(str(flow_warehouse), str(config), feeds=[site.url("/feed.xml")])
        result = run_cli(
            "discover",
            "--feed",
            site.url("/feed.xml"),
            "--config",
            str(config),
            "--mode",
            "local",
            warehouse=local_warehouse,
        )
        assert result.exit_code == 0, result.output
    assert summary["articles_new"] == len(ON_TOPIC) and summary["off_topic"] == 1
    runs = query(
        flow_warehouse,
        "SELECT run_id = prefect_flow_run_id, mode, status FROM runs WHERE flow = 'discover'",
    )
    assert runs == [(True, "prefect", "completed")]
    assert query(flow_warehouse, ROWS) == query(local_warehouse, ROWS)

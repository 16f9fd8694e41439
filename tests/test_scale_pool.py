"""`ingest-seeds` on a Prefect process work pool with two workers (flows/scale.py), against
a real local Prefect server: deployed from this repository's source, two flow runs picked
up by the workers, the same article rows as the default local path."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.pages import write_pages
from flows.local_server import LocalServer, prefect_command
from tests.conftest import BIN, REPO, SEEDS, query, run_cli
from tests.prefect_server import api_settings, running_server, server_env

pytestmark = pytest.mark.prefect

POOL = "newsflow-test-pool"
DEPLOYMENT = "ingest-seeds/on-pool"
RUN_TIMEOUT_S = 300.0
ARTICLE_ROWS = (
    "SELECT article_id, content_hash, record_hash, title, authors, published_at, language, "
    "body FROM articles ORDER BY article_id"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[LocalServer]:
    with running_server(home) as running:
        yield running


def prefect(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*prefect_command(), *args], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def workers(server: LocalServer, home: Path) -> Iterator[list[Path]]:
    """Two `prefect worker start` processes polling the pool every 2 s; always stopped."""
    # INFO: each worker logs the flow runs it submits, which the test reads back.
    env = {
        **server_env(server, home),
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    prefect(env, "work-pool", "create", POOL, "--type", "process")
    logs, processes = [home / f"worker-{n}.log" for n in "ab"], []
    try:
        for log in logs:
            command = [*prefect_command(), "worker", "start", "--pool", POOL, "--limit", "1"]
            with open(log, "wb") as out:
                processes.append(
                    subprocess.Popen(
                        [*command, "--name", log.stem], env=env, stdout=out, stderr=out
                    )
                )
        yield logs
    finally:
        for process in processes:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def run_and_wait(parameters: list[dict[str, object]]) -> list[tuple[str, str]]:
    """Start a run of the deployment per parameter set; (flow run id, final state) each."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    async def run_all() -> list[tuple[str, str]]:
        started = [await run_deployment(DEPLOYMENT, parameters=p, timeout=0) for p in parameters]
        deadline = time.monotonic() + RUN_TIMEOUT_S
        async with get_client() as client:
            while time.monotonic() < deadline:
                runs = [await client.read_flow_run(r.id) for r in started]
                if all(r.state and r.state.is_final() for r in runs):
                    return [(str(r.id), str(r.state.name if r.state else "")) for r in runs]
                await asyncio.sleep(1)
        raise AssertionError(f"flow runs not finished after {RUN_TIMEOUT_S:.0f} s")

    return asyncio.run(run_all())


@pytest.mark.timeout(900)
def test_two_workers_run_the_deployment_and_land_the_local_rows(
    server: LocalServer, home: Path, workers: list[Path], tmp_path: Path
) -> None:
    site, seeds = tmp_path / "site", tmp_path / "seeds"
    write_pages(site, 20)
    shutil.copytree(SEEDS, seeds)
    env = server_env(server, home)
    deploy = subprocess.run(
        [str(BIN / "newsflow"), "scale", "deploy", "--pool", POOL],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    pooled = tmp_path / "pool" / "news.duckdb"
    parameters = [{"paths": [str(f)], "warehouse": str(pooled)} for f in (site, seeds)]
    with api_settings(server):
        finished = run_and_wait(parameters)
    assert [state for _, state in finished] == ["Completed", "Completed"], finished
    picked = [log.read_text(errors="replace") for log in workers]
    assert all(any(run_id in log for log in picked) for run_id, _ in finished), picked
    local = tmp_path / "local" / "news.duckdb"
    for folder in (site, seeds):
        assert run_cli("ingest", str(folder), "--mode", "local", warehouse=local).exit_code == 0
    assert query(pooled, ARTICLE_ROWS) == query(local, ARTICLE_ROWS)
    assert query(pooled, "SELECT count(*) FROM articles") == [(25,)]

"""Scale-out on existing engines: extraction on a Dask cluster, runs on Prefect work pools.

- `ingest-seeds-dask`: the `ingest-seeds` flow with its extraction on Dask through
  prefect-dask. Each batch is split into chunks, one `extract-chunk` task each, spread over
  the cluster's workers; reading, landing and the run record stay in the flow's process
  (one writer per warehouse). `dask_runner()` makes a LocalCluster, or joins a running
  scheduler (`tcp://host:8786`) with `address`.
- `deploy_to_pool`: `ingest-seeds` deployed from source (this repository) to a Prefect
  work pool, so any `prefect worker start --pool NAME` on any machine can run it.

docs/scale.md describes the topology.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import Flow, flow, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from extractors.batch import Result, RulesSpec
from extractors.records import RawDocument
from extractors.thread_deadline import process_on_thread
from flows.ingest import PREFECT_STEPS, ingest_in_flow, ingest_seeds, summary_from_dict
from flows.pipeline import RunSummary
from flows.steps import extract_deadline_s

CHUNK_DOCUMENTS = 25  # a few seconds of work per task: Prefect and Dask cost ~10 ms a task
REPO = Path(__file__).resolve().parent.parent


def extract_chunk(raws: list[RawDocument], rules: RulesSpec, deadline_s: float) -> list[Result]:
    """Runs on a Dask worker's thread, where SIGALRM cannot reach: a thread deadline."""
    ruleset = rules.load()
    return [process_on_thread(raw, ruleset, deadline_s) for raw in raws]


extract_chunk_task = task(name="extract-chunk", cache_policy=NO_CACHE)(extract_chunk)


class GatheredChunks:
    """The results of a batch's chunk tasks, in input order."""

    def __init__(self, futures: Sequence[Any]) -> None:
        self.futures = list(futures)

    def result(self) -> list[Result]:
        return [result for future in self.futures for result in future.result()]


def submit_to_task_runner(raws: list[RawDocument], rules: RulesSpec) -> GatheredChunks:
    deadline = extract_deadline_s()
    chunks = [raws[i : i + CHUNK_DOCUMENTS] for i in range(0, len(raws), CHUNK_DOCUMENTS)]
    return GatheredChunks([extract_chunk_task.submit(c, rules, deadline) for c in chunks])


DASK_STEPS = replace(PREFECT_STEPS, submit=submit_to_task_runner)


@flow(name="ingest-seeds-dask", retries=1, retry_delay_seconds=30, log_prints=False)
def ingest_seeds_dask(
    paths: list[str] | None = None, warehouse: str = "warehouse/news.duckdb"
) -> dict:
    """`ingest-seeds` with its extraction on the flow's task runner (Dask, see dask_runner)."""
    return ingest_in_flow(paths, warehouse, DASK_STEPS)


def dask_runner(workers: int = 2, address: str | None = None) -> DaskTaskRunner:
    """A LocalCluster of `workers` processes on 127.0.0.1, or the scheduler at `address`."""
    if address:
        return DaskTaskRunner(address=address)
    cluster = {
        "n_workers": workers,
        "processes": True,
        "threads_per_worker": 1,
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:0",  # the scheduler always serves HTTP
    }
    return DaskTaskRunner(cluster_kwargs=cluster)


def ingest_on_dask(
    paths: Sequence[Path], warehouse: str, workers: int = 2, address: str | None = None
) -> RunSummary:
    runner: Any = dask_runner(workers, address)  # prefect-dask's generics lag Prefect's
    on_dask = ingest_seeds_dask.with_options(task_runner=runner)
    return summary_from_dict(on_dask([str(p) for p in paths], warehouse))


def ensure_process_pool(pool: str) -> None:
    """Create the process work pool `pool` (what `prefect work-pool create --type process`
    does) unless it exists; the API in PREFECT_API_URL keeps it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(
            WorkPoolCreate(name=pool, type="process", base_job_template=template)
        )


def deploy_to_pool(
    pool: str, name: str = "on-pool", parameters: dict[str, Any] | None = None
) -> str:
    """Deploy `ingest-seeds` from this repository's source to `pool`; returns the
    deployment's name. Workers run it as `python -m prefect.engine` in the repository."""
    source: Flow[..., Any] = ingest_seeds.from_source(  # type: ignore[assignment]
        source=str(REPO), entrypoint="flows/ingest.py:ingest_seeds"
    )
    source.deploy(
        name=name, work_pool_name=pool, parameters=parameters or {}, print_next_steps=False
    )
    return f"{ingest_seeds.name}/{name}"

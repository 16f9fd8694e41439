"""The `ingest-seeds` Prefect flow: batched tasks around the plain steps, plus an artifact.

Prefect costs milliseconds and server CPU per task run, so tasks are per batch, never
per article. Importing this module imports Prefect (about 3 s); the local mode does not.
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from extractors.batch import IN_PROCESS_BELOW, RulesSpec
from extractors.records import RawDocument
from flows import steps
from flows.events import emit_ingest_events
from flows.pipeline import Done, PendingResults, RunSummary, Steps, run_ingest

FLOW_BATCH_SIZE = 1000

# No cache keys: their inputs are whole batches of bytes, and hashing those for a cache
# that is never read cost about 0.1 s a batch (issue 7).
extract_task = task(name="extract-batch", retries=0, cache_policy=NO_CACHE)(steps.extract)
land_task = task(name="land-batch", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)(
    steps.land
)


def _submit_extract(raws: list[RawDocument], rules: RulesSpec) -> PendingResults:
    # A small batch runs here and now: its page deadline (SIGALRM) needs the main thread.
    if len(raws) < IN_PROCESS_BELOW:
        return Done(extract_task(raws, rules))
    return extract_task.submit(raws, rules)


def _start(
    warehouse: str,
    run_id: str,
    mode: str,
    parameters: dict[str, object],
    sources: list[tuple[str, str]],
) -> None:
    steps.start(warehouse, run_id, mode, parameters, sources, prefect_flow_run_id=flow_run.id)


PREFECT_STEPS = Steps(
    start=_start,
    terminal=steps.terminal,
    extract=extract_task,
    land=land_task,
    finish=steps.finish,
    submit=_submit_extract,
)


def summary_markdown(summary: RunSummary) -> str:
    rows = [
        ("documents read", summary.documents_read),
        ("articles new", summary.articles_new),
        ("articles updated", summary.articles_updated),
        ("articles unchanged", summary.articles_unchanged),
        ("boilerplate spans removed", summary.removals),
        ("boilerplate lines removed", summary.lines_removed),
        ("failures", summary.failures),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"# Ingest run `{summary.run_id}`\n\n| count | value |\n|---|---|\n{table}\n"


@flow(name="ingest-seeds", retries=1, retry_delay_seconds=30, log_prints=False)
def ingest_seeds(paths: list[str] | None = None, warehouse: str = "warehouse/news.duckdb") -> dict:
    return ingest_in_flow(paths, warehouse, PREFECT_STEPS)


def flow_batch_size() -> int:
    """NEWSFLOW_BATCH_SIZE if set; else batches larger than local mode's, since each one
    costs two task runs (25-65 ms here, plus the server's CPU beside the workers) and the
    flow's share of a run should stay small: 7-9 % of a 2,000-page run at 500 a batch,
    0-1 % at 1,000 (issue 7)."""
    return int(os.environ.get("NEWSFLOW_BATCH_SIZE", FLOW_BATCH_SIZE))


def ingest_in_flow(paths: list[str] | None, warehouse: str, flow_steps: Steps) -> dict:
    """The body of an ingest flow, whichever task runner its steps use (flows/scale.py)."""
    chosen = [Path(p) for p in (paths or ["seeds"])]
    summary = run_ingest(
        chosen,
        warehouse,
        flow_steps,
        mode="prefect",
        run_id=flow_run.id,
        batch_size=flow_batch_size(),
    )
    create_markdown_artifact(
        markdown=summary_markdown(summary), key="ingest-summary", description="newsflow ingest"
    )
    emit_ingest_events(summary, chosen, warehouse)
    return summary_dict(summary)


def summary_dict(summary: RunSummary) -> dict:
    data = {name: getattr(summary, name) for name in RunSummary.__dataclass_fields__}
    data["failure_lines"] = list(summary.failure_lines)
    return data


def summary_from_dict(data: dict) -> RunSummary:
    return RunSummary(**{**data, "failure_lines": tuple(data.get("failure_lines", ()))})

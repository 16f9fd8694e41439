"""The `ingest-seeds` Prefect flow: batched tasks around the plain steps, plus an artifact.

Prefect costs milliseconds and server CPU per task run, so tasks are per batch, never
per article. Importing this module imports Prefect (about 3 s); the local mode does not.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows import steps
from flows.pipeline import RunSummary, Steps, run_ingest

extract_task = task(name="extract-batch", retries=0)(steps.extract)
land_task = task(name="land-batch", retries=2, retry_delay_seconds=[2, 10])(steps.land)


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
    chosen = [Path(p) for p in (paths or ["seeds"])]
    summary = run_ingest(chosen, warehouse, PREFECT_STEPS, mode="prefect", run_id=flow_run.id)
    create_markdown_artifact(
        markdown=summary_markdown(summary), key="ingest-summary", description="newsflow ingest"
    )
    return summary_dict(summary)


def summary_dict(summary: RunSummary) -> dict:
    data = {name: getattr(summary, name) for name in RunSummary.__dataclass_fields__}
    data["failure_lines"] = list(summary.failure_lines)
    return data


def summary_from_dict(data: dict) -> RunSummary:
    return RunSummary(**{**data, "failure_lines": tuple(data.get("failure_lines", ()))})

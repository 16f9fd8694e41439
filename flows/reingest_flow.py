"""The `reingest-source` Prefect flow: one source's stored documents through the current code.

The work is one task so that only a busy warehouse is retried (flows cannot pick which
errors to retry; tasks can): another run, or a user's duckdb shell, may hold the file
longer than `NEWSFLOW_LOCK_TIMEOUT`. An unknown source or a bug fails at once.

With `refetch`, a first task sends conditional requests for the source's fetched pages
and lands what changed (`flows.discover.refetch_source`), with the politeness and allowed
hosts of `config` (newsflow.toml) plus `allow_hosts`, as `newsflow discover` would.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.events import emit_run_events
from flows.refetch import RefetchSummary
from flows.reingest import ReingestSummary, run_reingest
from warehouse.errors import WarehouseBusy

BUSY_RETRY_DELAYS_S: list[float] = [5, 20, 60]


def warehouse_was_busy(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's retry condition: retry only when the warehouse lock could not be had."""
    return isinstance(state.result(raise_on_failure=False), WarehouseBusy)


@task(
    name="reingest-one-source",
    retries=len(BUSY_RETRY_DELAYS_S),
    retry_delay_seconds=BUSY_RETRY_DELAYS_S,
    retry_condition_fn=warehouse_was_busy,
)
def reingest_task(source_id: str, warehouse: str, run_id: str) -> ReingestSummary:
    return run_reingest(source_id, warehouse, mode="prefect", run_id=run_id)


@task(
    name="refetch-source",
    retries=len(BUSY_RETRY_DELAYS_S),
    retry_delay_seconds=BUSY_RETRY_DELAYS_S,
    retry_condition_fn=warehouse_was_busy,
)
def refetch_task(
    source_id: str, warehouse: str, config: str | None, allow_hosts: list[str], flow_run_id: str
) -> RefetchSummary:
    """Conditional requests for the source's fetched pages, landing what changed."""
    from flows.discover import refetch_source
    from flows.discovery_settings import load_settings

    settings = load_settings(Path(config) if config else None)
    settings = settings.with_sources((), (), tuple(allow_hosts))
    return refetch_source(
        source_id, warehouse, settings, mode="prefect", prefect_flow_run_id=flow_run_id
    )


def summary_markdown(summary: ReingestSummary, refetched: RefetchSummary | None) -> str:
    rows = [(name, value) for name, value in asdict(summary).items() if isinstance(value, int)]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    lines = "".join(f"\n{line.strip()}\n" for line in refetched.lines()) if refetched else ""
    return (
        f"# Re-ingest of `{summary.source_id}`, run `{summary.run_id}`\n{lines}\n"
        f"| count | value |\n|---|---|\n{table}\n"
    )


def refetch_counts(refetched: RefetchSummary | None) -> dict[str, int]:
    if refetched is None:
        return {}
    return {
        "pages_requested": refetched.requests,
        "pages_not_modified": refetched.not_modified,
        "pages_changed": refetched.changed,
        "pages_failed": refetched.failed,
        "pages_not_sent": refetched.not_sent,
    }


@flow(name="reingest-source", log_prints=False)
def reingest_source(
    source_id: str,
    warehouse: str = "warehouse/news.duckdb",
    refetch: bool = False,
    config: str | None = None,
    allow_hosts: list[str] | None = None,
) -> dict[str, Any]:
    """Re-extract SOURCE_ID's stored raw documents; `refetch` first asks the network."""
    refetched = None
    if refetch:
        hosts = list(allow_hosts or [])
        refetched = refetch_task(source_id, warehouse, config, hosts, str(flow_run.id))
    summary = reingest_task(source_id, warehouse, str(flow_run.id))
    create_markdown_artifact(
        markdown=summary_markdown(summary, refetched),
        key="reingest-summary",
        description=summary.line(),
    )
    counts = {
        "documents_read": summary.documents,
        "articles_new": summary.new,
        "articles_updated": summary.updated,
        "articles_unchanged": summary.unchanged,
        "articles_removed": summary.removed,
        "failures": summary.failed,
        **refetch_counts(refetched),
    }
    emit_run_events("reingest-source", summary.run_id, warehouse, [source_id], counts)
    return {**asdict(summary), "refetch": asdict(refetched) if refetched else None}

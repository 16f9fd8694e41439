"""The `reingest-source` Prefect flow: one source's stored documents through the current code.

The work is one task so that only a busy warehouse is retried (flows cannot pick which
errors to retry; tasks can): another run, or a user's duckdb shell, may hold the file
longer than `NEWSFLOW_LOCK_TIMEOUT`. An unknown source or a bug fails at once.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.events import emit_run_events
from flows.reingest import ReingestSummary, run_reingest
from warehouse.errors import WarehouseBusy

BUSY_RETRY_DELAYS_S: list[float] = [5, 20, 60]


class RefetchUnavailable(RuntimeError):
    pass


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


@task(name="refetch-source")
def refetch_task(source_id: str, warehouse: str) -> None:
    """Conditional requests for the source's URLs, landing new raw bytes; needs discovery."""
    try:
        from flows.discover import refetch_source  # type: ignore[attr-defined, unused-ignore]
    except ImportError as error:
        raise RefetchUnavailable(
            "refetch needs `refetch_source` in flows/discover.py (conditional requests for "
            "one source's URLs), which discovery does not provide yet; re-ingest without it"
        ) from error
    refetch_source(source_id, warehouse)


def summary_markdown(summary: ReingestSummary) -> str:
    rows = [(name, value) for name, value in asdict(summary).items() if isinstance(value, int)]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        f"# Re-ingest of `{summary.source_id}`, run `{summary.run_id}`\n\n"
        f"| count | value |\n|---|---|\n{table}\n"
    )


@flow(name="reingest-source", log_prints=False)
def reingest_source(
    source_id: str, warehouse: str = "warehouse/news.duckdb", refetch: bool = False
) -> dict[str, Any]:
    """Re-extract SOURCE_ID's stored raw documents; `refetch` first asks the network."""
    if refetch:
        refetch_task(source_id, warehouse)
    summary = reingest_task(source_id, warehouse, str(flow_run.id))
    create_markdown_artifact(
        markdown=summary_markdown(summary), key="reingest-summary", description=summary.line()
    )
    counts = {
        "documents_read": summary.documents,
        "articles_new": summary.new,
        "articles_updated": summary.updated,
        "articles_unchanged": summary.unchanged,
        "articles_removed": summary.removed,
        "failures": summary.failed,
    }
    emit_run_events("reingest-source", summary.run_id, warehouse, [source_id], counts)
    return asdict(summary)

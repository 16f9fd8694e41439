"""The `discover` Prefect flow: batched tasks around the plain discovery steps.

Tasks are per source (`gather-source`) and per batch of pages (`fetch-batch`,
`extract-batch`, `land-batch`), never per article. Steps share the run's `FetchSession`
(its fetchers hold the per-host pacing and the robots.txt cache), which is a live object
and not data, so no task caches its inputs. Importing this module imports Prefect.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows import discover_steps
from flows.discover import DiscoverySteps, DiscoverySummary, run_discovery
from flows.discover_sources import SourceSpec
from flows.discovery_settings import load_settings
from flows.events import emit_summary_events


def _start(
    warehouse: str,
    run_id: str,
    mode: str,
    parameters: dict[str, object],
    sources: list[SourceSpec],
) -> None:
    discover_steps.start(
        warehouse, run_id, mode, parameters, sources, prefect_flow_run_id=flow_run.id
    )


PREFECT_STEPS = DiscoverySteps(
    topic=task(name="derive-topic", cache_policy=NONE)(discover_steps.topic),
    start=_start,
    gather=task(name="gather-source", cache_policy=NONE)(discover_steps.gather),
    record=task(
        name="record-candidates", cache_policy=NONE, retries=2, retry_delay_seconds=[2, 10]
    )(discover_steps.record),
    fetch=task(name="fetch-batch", cache_policy=NONE)(discover_steps.fetch),
    process=task(name="extract-batch", cache_policy=NONE)(discover_steps.process),
    land=task(name="land-batch", cache_policy=NONE, retries=2, retry_delay_seconds=[2, 10])(
        discover_steps.land
    ),
    finish=discover_steps.finish,
    validators=discover_steps.validators,
)


def summary_markdown(summary: DiscoverySummary) -> str:
    counts = asdict(summary)
    rows = "\n".join(
        f"| {name.replace('_', ' ')} | {value} |"
        for name, value in counts.items()
        if isinstance(value, int)
    )
    return f"# Discovery run `{summary.run_id}`\n\n| count | value |\n|---|---|\n{rows}\n"


@flow(name="discover", log_prints=False)
def discover(
    warehouse: str = "warehouse/news.duckdb",
    config: str | None = None,
    feeds: list[str] | None = None,
    sitemaps: list[str] | None = None,
    allow_hosts: list[str] | None = None,
    urls: list[str] | None = None,
    relevance_filter: bool = True,
) -> dict:
    """Discover, fetch and land articles on the topic (or fetch `urls`, unfiltered)."""
    settings = load_settings(Path(config) if config else None).with_sources(
        tuple(feeds or ()), tuple(sitemaps or ()), tuple(allow_hosts or ())
    )
    summary = run_discovery(
        settings,
        warehouse,
        PREFECT_STEPS,
        mode="prefect",
        run_id=flow_run.id,
        urls=urls or (),
        relevance_filter=relevance_filter,
    )
    create_markdown_artifact(
        markdown=summary_markdown(summary), key="discover-summary", description="newsflow discover"
    )
    emit_summary_events("discover", summary, warehouse)
    return summary_dict(summary)


def summary_dict(summary: DiscoverySummary) -> dict:
    data = asdict(summary)
    data["failure_lines"] = list(summary.failure_lines)
    return data


def summary_from_dict(data: dict) -> DiscoverySummary:
    return DiscoverySummary(**{**data, "failure_lines": tuple(data.get("failure_lines", ()))})

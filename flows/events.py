"""The events newsflow emits and listens for: names, resource ids and payloads in one place.

Emitted by the Prefect flows at the end of each run (events need a Prefect API; the local
mode never calls `emit_run_events`, so it never imports Prefect):

- `newsflow.run.completed`: resource `newsflow.run.<run_id>`; payload: flow, run_id,
  warehouse, sources and the run's counts.
- `newsflow.articles.landed`: once per run that wrote articles (never one per article);
  resource `newsflow.run.<run_id>`; payload: how many per source, new and updated, and
  up to `MAX_ARTICLE_IDS` article ids.
- `newsflow.source.failing`: per source with an input that failed for the
  `failing_threshold()`-th time or later in this run; resource `newsflow.source.<id>`.

Listened for (by the deployments that `newsflow serve` registers):

- `newsflow.source.reingest-requested`: resource `newsflow.source.<source_id>`.
- `newsflow.seed.created`: resource `newsflow.seed.<absolute file path>`, emitted by the
  seeds watcher in `newsflow serve`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from flows.pipeline import RunSummary

RUN_COMPLETED = "newsflow.run.completed"
ARTICLES_LANDED = "newsflow.articles.landed"
SOURCE_FAILING = "newsflow.source.failing"
REINGEST_REQUESTED = "newsflow.source.reingest-requested"
SEED_CREATED = "newsflow.seed.created"

SOURCE_PREFIX = "newsflow.source."
SEED_PREFIX = "newsflow.seed."
MAX_ARTICLE_IDS = 200
DEFAULT_FAILING_THRESHOLD = 3

Resource = dict[str, str]
logger = logging.getLogger("newsflow.events")


def failing_threshold() -> int:
    """Attempts after which a still-failing input makes its source 'failing repeatedly'."""
    return int(os.environ.get("NEWSFLOW_FAILING_ATTEMPTS", DEFAULT_FAILING_THRESHOLD))


def source_resource(source_id: str) -> Resource:
    return {"prefect.resource.id": f"{SOURCE_PREFIX}{source_id}", "newsflow.source": source_id}


def seed_resource(path: Path) -> Resource:
    path = path.resolve()
    return {
        "prefect.resource.id": f"{SEED_PREFIX}{path}",
        "prefect.resource.name": path.name,
        "newsflow.path": str(path),
        "newsflow.folder": str(path.parent),
    }


def run_resource(flow: str, run_id: str) -> Resource:
    return {
        "prefect.resource.id": f"newsflow.run.{run_id}",
        "prefect.resource.name": f"{flow} {run_id[:8]}",
        "newsflow.flow": flow,
    }


def related_sources(source_ids: Sequence[str], warehouse: str) -> list[Resource]:
    sources = [{**source_resource(s), "prefect.resource.role": "source"} for s in source_ids]
    store = {
        "prefect.resource.id": f"newsflow.warehouse.{Path(warehouse).resolve()}",
        "prefect.resource.role": "warehouse",
    }
    return [*sources, store]


def run_completed_payload(
    flow: str, run_id: str, warehouse: str, sources: Sequence[str], counts: Mapping[str, int]
) -> dict[str, Any]:
    return {
        "flow": flow,
        "run_id": run_id,
        "warehouse": str(Path(warehouse).resolve()),
        "sources": sorted(sources),
        "counts": dict(counts),
    }


def articles_landed_payload(
    run_id: str, counts: Mapping[str, int], landed: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    """`landed`: (source_id, article_id) of every row this run wrote (new or updated)."""
    by_source: dict[str, int] = {}
    for source_id, _ in landed:
        by_source[source_id] = by_source.get(source_id, 0) + 1
    ids = sorted(article_id for _, article_id in landed)
    return {
        "run_id": run_id,
        "articles": len(landed),
        "new": counts.get("articles_new", 0),
        "updated": counts.get("articles_updated", 0),
        "by_source": by_source,
        "article_ids": ids[:MAX_ARTICLE_IDS],
        "article_ids_truncated": len(ids) > MAX_ARTICLE_IDS,
    }


def emit(event: str, resource: Resource, payload: dict[str, Any], related: list[Resource]) -> None:
    """Best effort: a run that landed its rows must not fail because an event did not go."""
    from prefect.events import emit_event

    try:
        emit_event(event=event, resource=resource, payload=payload, related=related)
    except Exception:  # an oversized or malformed event is a bug to log, not a failed run
        logger.warning("could not emit %s", event, exc_info=True)


def emit_run_events(
    flow: str, run_id: str, warehouse: str, sources: Sequence[str], counts: Mapping[str, int]
) -> None:
    """Everything newsflow says when a run under Prefect ends; call it from a flow."""
    related = related_sources(sources, warehouse)
    payload = run_completed_payload(flow, run_id, warehouse, sources, counts)
    emit(RUN_COMPLETED, run_resource(flow, run_id), payload, related)
    landed, failing = read_outcomes(warehouse, run_id)
    if landed:
        landed_payload = articles_landed_payload(run_id, counts, landed)
        emit(ARTICLES_LANDED, run_resource(flow, run_id), landed_payload, related)
    for source in failing:
        emit(SOURCE_FAILING, source_resource(source["source_id"]), source, related[-1:])


def read_outcomes(
    warehouse: str, run_id: str
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """What the run landed and which sources keep failing; nothing if the file is busy."""
    from warehouse.connection import reading
    from warehouse.failing import failing_sources, landed_articles

    try:
        with reading(warehouse, timeout=10) as con:
            return landed_articles(con, run_id), failing_sources(con, run_id, failing_threshold())
    except Exception:  # the rows are landed; a missed event must not fail the run
        logger.warning("could not read run %s back for its events", run_id, exc_info=True)
        return [], []


class Summary(Protocol):
    """Any flow's run summary: a dataclass with a `run_id` and integer counts."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def run_id(self) -> str: ...


def counts_of(summary: Summary) -> dict[str, int]:
    """The integer fields of a summary: what `newsflow.run.completed` carries."""
    return {name: value for name, value in asdict(summary).items() if type(value) is int}


def emit_summary_events(
    flow: str, summary: Summary, warehouse: str, sources: Sequence[str] = ()
) -> None:
    """For any flow's summary (ingest-seeds here; discover can call it the same way)."""
    emit_run_events(flow, summary.run_id, warehouse, sources, counts_of(summary))


def emit_ingest_events(summary: RunSummary, paths: Sequence[Path], warehouse: str) -> None:
    from fetchers.files import root_for

    sources = sorted({root_for(Path(p)).source_id for p in paths})
    emit_summary_events("ingest-seeds", summary, warehouse, sources)

"""The plain step functions: what each batched step does, with no orchestration attached.

The local mode calls these directly; the Prefect flow wraps each one as a task.
"""

from __future__ import annotations

import os
from dataclasses import asdict, replace
from pathlib import Path

from extractors.batch import (
    DEFAULT_DEADLINE_S,
    PendingBatch,
    RulesSpec,
    extract_batch,
    release_workers,
    submit_batch,
)
from extractors.pipeline import document_id
from extractors.records import ArticleRecord, Failure, RawDocument
from flows.pipeline import RunSummary, Steps, versions
from flows.templates import relearn_after_run
from warehouse import rawstore
from warehouse.analysis import after_run
from warehouse.connection import reading, writing
from warehouse.landing import land_batch, terminal_documents
from warehouse.runs import RunTotals, finish_run, start_run, upsert_source
from warehouse.session import close_session, session_for


def start(
    warehouse: str,
    run_id: str,
    mode: str,
    parameters: dict[str, object],
    sources: list[tuple[str, str]],
    prefect_flow_run_id: str | None = None,
) -> None:
    with writing(warehouse) as con:
        for source_id, location in sources:
            upsert_source(con, source_id, "files", location)
        start_run(con, run_id, "ingest-seeds", mode, parameters, versions(), prefect_flow_run_id)


def terminal(warehouse: str, document_ids: list[str]) -> set[str]:
    held = session_for(warehouse).connection()  # this process may not open the file twice
    if held is not None:
        return terminal_documents(held, document_ids)
    with reading(warehouse) as con:
        return terminal_documents(con, document_ids)


def extract_deadline_s() -> float:
    return float(os.environ.get("NEWSFLOW_EXTRACT_DEADLINE", DEFAULT_DEADLINE_S))


def extract(raws: list[RawDocument], rules: RulesSpec) -> list[ArticleRecord | Failure]:
    return extract_batch(raws, rules, deadline_s=extract_deadline_s())


def submit(raws: list[RawDocument], rules: RulesSpec) -> PendingBatch:
    return submit_batch(raws, rules, deadline_s=extract_deadline_s())


def land(
    warehouse: str,
    run_id: str,
    raws: list[RawDocument],
    records: list[ArticleRecord],
    failures: list[Failure],
) -> RunSummary:
    """Raw bytes first (idempotent files), then every row of the batch in one transaction."""
    root = rawstore.raw_root(warehouse)
    documents = [
        (raw, document_id(raw), rawstore.store(root, raw.content_sha256, raw.content))
        for raw in raws
    ]
    with session_for(warehouse).batch() as con:  # one connection for the run's batches
        counts = land_batch(con, run_id, documents, records, failures)
    copies = {d.url for d in counts.duplicates}
    kept = [record for record in records if record.url not in copies]  # their removals count
    return RunSummary(
        run_id=run_id,
        mode="",
        articles_new=counts.articles_new,
        articles_updated=counts.articles_updated,
        articles_unchanged=counts.articles_unchanged,
        removals=sum(len(record.removals) for record in kept),
        lines_removed=sum(m.line_end - m.line_start for r in kept for m in r.removals),
        failures=len(failures),
        duplicates=len(counts.duplicates),
        failure_lines=tuple(f"{f.url}: {f.stage}: {f.reason}" for f in failures),
        duplicate_lines=tuple(f"{d.url}: {d.reason}" for d in counts.duplicates),
    )


def finish(warehouse: str, summary: RunSummary, error: str | None) -> None:
    close_session(warehouse)
    # The workers' memory goes before the end-of-run work (re-cleaning reads the run's
    # extractions; the index build is DuckDB's): they would only sit beside it.
    release_workers()
    if error is None:  # learn the sources' templates again; older articles may change
        moved = relearn_after_run(warehouse, summary.run_id).updated_earlier
        summary = replace(summary, articles_updated=summary.articles_updated + moved)
    fields = {name: value for name, value in asdict(summary).items() if name in _TOTALS}
    with writing(warehouse) as con:
        finish_run(con, summary.run_id, RunTotals(**fields), error)
    after_run(warehouse)  # search index, views and read snapshot, once per run


_TOTALS = set(RunTotals.__dataclass_fields__)

LOCAL_STEPS = Steps(
    start=start, terminal=terminal, extract=extract, land=land, finish=finish, submit=submit
)


def warehouse_path(value: str | Path) -> str:
    return str(Path(value))

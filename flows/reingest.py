"""Re-ingesting one source offline: its stored raw documents through the current code.

Rows of other sources stay byte-identical; the source's articles and removals are
replaced in one transaction; the run says what changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from extractors import runcache
from extractors.batch import (
    DEFAULT_RULES,
    PendingBatch,
    Result,
    RulesSpec,
    release_workers,
    submit_batch,
)
from extractors.records import ArticleRecord, Failure
from flows.pipeline import configured_batch_size, new_run_id, versions
from flows.templates import after_relearning, relearn_after_run, rules_for_run
from warehouse import rawstore
from warehouse.analysis import after_run
from warehouse.connection import writing
from warehouse.reingest import load_documents, replace_source, source_exists, stored_rows
from warehouse.runs import RunTotals, finish_run, start_run


class UnknownSource(LookupError):
    pass


@dataclass(frozen=True)
class ReingestSummary:
    run_id: str
    source_id: str
    documents: int
    updated: int
    unchanged: int
    new: int
    removed: int
    failed: int

    def line(self) -> str:
        return (
            f"newsflow: reingested {self.source_id} "
            f"({self.documents} documents, run {self.run_id}): "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.new} new, "
            f"{self.removed} removed, {self.failed} failed"
        )


def run_reingest(
    source_id: str,
    warehouse: str,
    *,
    mode: str = "local",
    run_id: str | None = None,
    rules: RulesSpec = DEFAULT_RULES,
) -> ReingestSummary:
    run_id = run_id or new_run_id()
    with writing(warehouse) as con:
        if not source_exists(con, source_id):
            raise UnknownSource(f"no source {source_id!r}; `newsflow sources` lists them")
        start_run(con, run_id, "reingest-source", mode, {"source_id": source_id}, versions())
        rows = stored_rows(con, source_id)
    rules = rules_for_run(rules, warehouse)  # newsflow.toml's rules, the learned templates
    with runcache.kept_for_run():  # re-cleaning after re-learning reads, not re-extracts
        results = extract_stored(rows, warehouse, source_id, rules)
        records = [r for r in results if isinstance(r, ArticleRecord)]
        failures = [r for r in results if isinstance(r, Failure)]
        with writing(warehouse) as con:
            counts, removed = replace_source(con, run_id, source_id, records, failures)
        removals = sum(len(r.removals) for r in records)
        del results, records  # landed: only their counts are needed from here on
        release_workers()  # re-cleaning runs here, the index build in DuckDB
        relearned = relearn_after_run(warehouse, run_id, rules, [source_id])
    counts = after_relearning(counts, relearned)
    with writing(warehouse) as con:
        totals = RunTotals(
            len(rows),
            counts.articles_new,
            counts.articles_updated,
            counts.articles_unchanged,
            removals,
            len(failures),
        )
        finish_run(con, run_id, totals)
    after_run(warehouse)  # search index, views and read snapshot, once per run
    return ReingestSummary(
        run_id,
        source_id,
        len(rows),
        counts.articles_updated,
        counts.articles_unchanged,
        counts.articles_new,
        removed,
        len(failures),
    )


def extract_stored(
    rows: Sequence[dict[str, Any]], warehouse: str, source_id: str, rules: RulesSpec
) -> list[Result]:
    """Bytes come back from the raw store a batch at a time and one batch extracts while the
    next is read: memory holds two batches of raw bytes, never the whole source."""
    root = rawstore.raw_root(warehouse)
    results: list[Result] = []
    pending: PendingBatch | None = None
    for batch in _batches(rows, configured_batch_size()):
        documents, missing = load_documents(root, [(source_id, row) for row in batch])
        results.extend(missing)  # bytes gone from the raw store and the WARC archive
        submitted = submit_batch(documents, rules)
        if pending:
            results.extend(pending.result())
        pending = submitted
    if pending:
        results.extend(pending.result())
    return results


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch

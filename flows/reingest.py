"""Re-ingesting one source offline: its stored raw documents through the current code.

Rows of other sources stay byte-identical; the source's articles and removals are
replaced in one transaction; the run says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.batch import DEFAULT_RULES, RulesSpec, extract_batch
from extractors.records import ArticleRecord, Failure
from flows.pipeline import new_run_id, versions
from warehouse.connection import writing
from warehouse.reingest import replace_source, source_exists, stored_documents
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
        raws = stored_documents(con, warehouse, source_id)
    results = extract_batch(raws, rules)
    records = [r for r in results if isinstance(r, ArticleRecord)]
    failures = [r for r in results if isinstance(r, Failure)]
    with writing(warehouse) as con:
        counts, removed = replace_source(con, run_id, source_id, records, failures)
        totals = RunTotals(
            len(raws),
            counts.articles_new,
            counts.articles_updated,
            counts.articles_unchanged,
            sum(len(r.removals) for r in records),
            len(failures),
        )
        finish_run(con, run_id, totals)
    return ReingestSummary(
        run_id,
        source_id,
        len(raws),
        counts.articles_updated,
        counts.articles_unchanged,
        counts.articles_new,
        removed,
        len(failures),
    )

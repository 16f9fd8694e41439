"""Learned templates in a run: the sets go into extraction, and are re-learned at the end.

At its start a run reads every source's learned set (`rules_for_run`), so extraction
removes those lines. At its end (`relearn_after_run`) the sources it wrote to learn
again from their articles' lines as the rules left them (`warehouse/templates.py` says
why those lines). Where a set changed, the articles having a line that came or went are extracted
again from their stored bytes with the new set, and land in the transaction that stores
it: the warehouse never holds articles cleaned with an older set, so running the same
input again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extractors import runcache
from extractors.batch import (
    DEFAULT_RULES,
    Result,
    RulesSpec,
    extract_batch,
    extract_in_process,
    release_workers,
)
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.rulesconfig import configured_spec
from flows.pipeline import configured_batch_size
from warehouse import rawstore
from warehouse.connection import reading, writing
from warehouse.landing import BatchCounts, land_batch
from warehouse.reingest import load_documents
from warehouse.templates import (
    TemplateChange,
    learned_sets,
    record_hashes,
    store_learned,
    template_changes,
    written_by_run,
)


@dataclass(frozen=True)
class Relearned:
    sources: int = 0  # sources whose set changed
    articles: int = 0  # articles extracted again with the new set
    updated: int = 0  # of those, articles whose stored record changed
    updated_earlier: int = 0  # of those, articles the run had not written before


def rules_for_run(rules: RulesSpec, warehouse: str) -> RulesSpec:
    """`rules` (the configured ones for the default), with every source's learned set."""
    chosen = configured_spec() if rules == DEFAULT_RULES else rules
    if not Path(warehouse).exists():
        return chosen
    with reading(warehouse) as con:
        return with_learned(chosen, learned_sets(con))


def with_learned(rules: RulesSpec, learned: Mapping[str, frozenset[str]]) -> RulesSpec:
    pairs = sorted((source_id, lines) for source_id, lines in learned.items() if lines)
    return replace(rules, learned=tuple(pairs))


def relearn_after_run(
    warehouse: str, run_id: str, rules: RulesSpec | None = None, sources: Sequence[str] = ()
) -> Relearned:
    """Re-learn `sources` (default: those `run_id` wrote to); re-clean what a new set changes."""
    with writing(warehouse) as con:
        written = written_by_run(con, run_id)
        chosen = sorted(sources or written)
        changes = template_changes(con, chosen)
        for change in changes:
            if not change.moved:  # the same lines: only how often each was seen moves on
                store_learned(con, change.source_id, change.counts, run_id)
    moved = [change for change in changes if change.moved]
    if not moved:
        return Relearned()
    return _reclean(
        warehouse, run_id, rules or rules_for_run(DEFAULT_RULES, warehouse), moved, written
    )


def _reclean(
    warehouse: str,
    run_id: str,
    rules: RulesSpec,
    changes: Sequence[TemplateChange],
    written: Mapping[str, set[str]],
) -> Relearned:
    new_sets = {change.source_id: frozenset(change.counts) for change in changes}
    spec = with_learned(rules, {**dict(rules.learned), **new_sets})
    results = _extract_again(
        warehouse, [(c.source_id, row) for c in changes for row in c.rows], spec
    )
    records = [result for result in results if isinstance(result, ArticleRecord)]
    failures = [result for result in results if isinstance(result, Failure)]
    earlier = {r.article_id for r in records} - {a for ids in written.values() for a in ids}
    with writing(warehouse) as con:
        for change in changes:
            store_learned(con, change.source_id, change.counts, run_id)
        before = record_hashes(con, earlier)
        counts = land_batch(con, run_id, [], records, failures)
        after = record_hashes(con, earlier)
    changed_earlier = sum(before.get(a) != after.get(a) for a in earlier)
    return Relearned(len(changes), len(results), counts.articles_updated, changed_earlier)


def _extract_again(
    warehouse: str, rows: Sequence[tuple[str, dict[str, Any]]], spec: RulesSpec
) -> list[Result]:
    # A batch of raw bytes at a time: a source's whole archive need not fit in memory.
    root, size, results = rawstore.raw_root(warehouse), configured_batch_size(), []
    for start in range(0, len(rows), size):
        documents, missing = load_documents(root, rows[start : start + size])
        results += [*missing, *_cleaned_again(documents, spec)]
    release_workers()  # a no-op unless _cleaned_again forked them
    return results


def _cleaned_again(documents: Sequence[RawDocument], spec: RulesSpec) -> list[Result]:
    """In input order. Pages this run extracted are only cleaned again, here; the others
    (articles of earlier runs) go to the extraction workers. The run has let its workers
    go by now: forking them again is worth it only for real extraction, and they go again
    when re-cleaning ends, before the run's index build (issue 7)."""
    cache = runcache.current()
    held = [runcache.holds(cache, document) for document in documents]
    here = iter(extract_in_process([d for d, h in zip(documents, held, strict=True) if h], spec))
    workers = [d for d, h in zip(documents, held, strict=True) if not h]
    there = iter(extract_batch(workers, spec) if workers else [])
    return [next(here) if is_held else next(there) for is_held in held]


def after_relearning(counts: BatchCounts, relearned: Relearned) -> BatchCounts:
    """A re-ingest's counts once re-cleaning changed articles it had found unchanged."""
    moved = relearned.updated_earlier
    return replace(
        counts,
        articles_updated=counts.articles_updated + moved,
        articles_unchanged=counts.articles_unchanged - moved,
    )

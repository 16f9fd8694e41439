"""The ingest run as a sequence of batched steps, independent of how it is orchestrated.

`run_ingest` is called by the Prefect flow (steps are Prefect tasks) and by the fast local
mode (steps are the plain functions). Either way one run reads inputs in streamed batches,
extracts each batch in parallel, lands it in one short transaction, and records the run.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from extractors.batch import DEFAULT_RULES, RulesSpec
from extractors.boilerplate import RULES_VERSION
from extractors.pipeline import document_id
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.versions import EXTRACTOR_VERSION
from fetchers.files import iter_inputs, root_for

DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    mode: str
    documents_read: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    removals: int = 0
    lines_removed: int = 0
    failures: int = 0
    skipped: int = 0
    failure_lines: tuple[str, ...] = field(default=())

    @property
    def articles_landed(self) -> int:
        return self.articles_new + self.articles_updated + self.articles_unchanged

    def add(self, other: RunSummary) -> RunSummary:
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in [
                "documents_read",
                "articles_new",
                "articles_updated",
                "articles_unchanged",
                "removals",
                "lines_removed",
                "skipped",
                "failures",
            ]
        }
        return replace(self, failure_lines=self.failure_lines + other.failure_lines, **counts)


ExtractStep = Callable[[list[RawDocument], RulesSpec], list[ArticleRecord | Failure]]
LandStep = Callable[[str, str, list[RawDocument], list[ArticleRecord], list[Failure]], RunSummary]
StartStep = Callable[[str, str, str, dict[str, object], list[tuple[str, str]]], None]
TerminalStep = Callable[[str, list[str]], set[str]]
FinishStep = Callable[[str, RunSummary, str | None], None]


@dataclass(frozen=True)
class Steps:
    start: StartStep
    terminal: TerminalStep
    extract: ExtractStep
    land: LandStep
    finish: FinishStep


def configured_batch_size() -> int:
    return int(os.environ.get("NEWSFLOW_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def new_run_id() -> str:
    return uuid.uuid4().hex


def versions() -> tuple[str, str]:
    return EXTRACTOR_VERSION, RULES_VERSION


def batched(
    items: Iterable[RawDocument | Failure], size: int
) -> Iterator[list[RawDocument | Failure]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def input_stream(paths: Sequence[Path]) -> Iterator[RawDocument | Failure]:
    for path in paths:
        yield from iter_inputs(path)


def run_ingest(
    paths: Sequence[Path],
    warehouse: str,
    steps: Steps,
    *,
    mode: str,
    run_id: str | None = None,
    rules: RulesSpec = DEFAULT_RULES,
    batch_size: int | None = None,
    on_batch: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    run_id = run_id or new_run_id()
    sources = [(root_for(p).source_id, str(root_for(p).folder)) for p in paths]
    parameters: dict[str, object] = {"paths": [str(p) for p in paths], "warehouse": warehouse}
    steps.start(warehouse, run_id, mode, parameters, sources)
    summary = RunSummary(run_id=run_id, mode=mode)
    try:
        for batch in batched(input_stream(paths), batch_size or configured_batch_size()):
            summary = summary.add(_ingest_batch(batch, warehouse, run_id, steps, rules))
            if on_batch:
                on_batch(summary)
    except BaseException as error:
        _record_failed_run(warehouse, summary, error, steps)
        raise
    steps.finish(warehouse, summary, None)
    return summary


def _record_failed_run(
    warehouse: str, summary: RunSummary, error: BaseException, steps: Steps
) -> None:
    # The original error is the one worth raising; recording it is best effort.
    with contextlib.suppress(Exception):
        steps.finish(warehouse, summary, f"{type(error).__name__}: {error}")


def _ingest_batch(
    batch: list[RawDocument | Failure], warehouse: str, run_id: str, steps: Steps, rules: RulesSpec
) -> RunSummary:
    raws = [item for item in batch if isinstance(item, RawDocument)]
    read_failures = [item for item in batch if isinstance(item, Failure)]
    terminal = steps.terminal(warehouse, [document_id(raw) for raw in raws]) if raws else set()
    to_extract = [raw for raw in raws if document_id(raw) not in terminal]
    results = steps.extract(to_extract, rules) if to_extract else []
    records = [r for r in results if isinstance(r, ArticleRecord)]
    failures = read_failures + [r for r in results if isinstance(r, Failure)]
    landed = steps.land(warehouse, run_id, to_extract, records, failures)
    return replace(landed, documents_read=len(batch), skipped=len(raws) - len(to_extract))

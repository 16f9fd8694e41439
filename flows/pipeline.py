"""The ingest run as a sequence of batched steps, independent of how it is orchestrated.

`run_ingest` is called by the Prefect flow (steps are Prefect tasks) and by the fast local
mode (steps are the plain functions). Either way one run reads inputs in streamed batches,
extracts each batch in parallel, lands it in one short transaction, and records the run.
Extraction of one batch overlaps the landing of the one before (`Steps.submit`).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Protocol

from extractors import runcache
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
    duplicates: int = 0  # inputs whose text an article already had: no article of their own
    failure_lines: tuple[str, ...] = field(default=())
    duplicate_lines: tuple[str, ...] = field(default=())

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
                "duplicates",
            ]
        }
        return replace(
            self,
            failure_lines=self.failure_lines + other.failure_lines,
            duplicate_lines=self.duplicate_lines + other.duplicate_lines,
            **counts,
        )


ExtractStep = Callable[[list[RawDocument], RulesSpec], list[ArticleRecord | Failure]]
LandStep = Callable[[str, str, list[RawDocument], list[ArticleRecord], list[Failure]], RunSummary]
StartStep = Callable[[str, str, str, dict[str, object], list[tuple[str, str]]], None]
TerminalStep = Callable[[str, list[str]], set[str]]
FinishStep = Callable[[str, RunSummary, str | None], None]


class PendingResults(Protocol):
    def result(self) -> list[ArticleRecord | Failure]: ...


SubmitStep = Callable[[list[RawDocument], RulesSpec], PendingResults]


@dataclass(frozen=True)
class Steps:
    start: StartStep
    terminal: TerminalStep
    extract: ExtractStep
    land: LandStep
    finish: FinishStep
    # Starts extracting and returns at once, so one batch extracts while the one before
    # it lands; without it, `extract` runs in turn.
    submit: SubmitStep | None = None


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
    for path in sorted(paths, key=_url_prefix):
        yield from iter_inputs(path)


def _url_prefix(path: Path) -> str:
    # Paths in the order of their URLs, so that of two inputs with the same text the one
    # kept (the first to land) does not depend on the order the paths were given in.
    root = root_for(path)
    return f"{root.source_id}/" if path.is_dir() else f"{root.source_id}/{path.name}"


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
    size = batch_size or configured_batch_size()
    return ingest_stream(input_stream(paths), warehouse, steps, summary, rules, size, on_batch)


def ingest_stream(
    stream: Iterable[RawDocument | Failure],
    warehouse: str,
    steps: Steps,
    summary: RunSummary,
    rules: RulesSpec = DEFAULT_RULES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Every batch of an already started run, then its end; any input source will do."""
    with runcache.kept_for_run():  # re-cleaning at the run's end reads, not re-extracts
        try:
            from flows.templates import rules_for_run  # newsflow.toml's rules, templates

            rules = rules_for_run(rules, warehouse)
            for landed in _overlapped(stream, warehouse, summary.run_id, steps, rules, batch_size):
                summary = summary.add(landed)
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


@dataclass(frozen=True)
class _Submitted:
    read: int
    to_extract: list[RawDocument]
    read_failures: list[Failure]
    results: PendingResults


def _overlapped(
    stream: Iterable[RawDocument | Failure],
    warehouse: str,
    run_id: str,
    steps: Steps,
    rules: RulesSpec,
    size: int,
) -> Iterator[RunSummary]:
    # Batch k+1 is read and submitted before batch k lands: the workers never wait for
    # the warehouse, and at most two batches are held in memory.
    previous: _Submitted | None = None
    for batch in batched(stream, size):
        submitted = _submit(batch, warehouse, steps, rules)
        if previous:
            yield _land(previous, warehouse, run_id, steps)
        previous = submitted
    if previous:
        yield _land(previous, warehouse, run_id, steps)


def _submit(
    batch: list[RawDocument | Failure], warehouse: str, steps: Steps, rules: RulesSpec
) -> _Submitted:
    raws = [item for item in batch if isinstance(item, RawDocument)]
    read_failures = [item for item in batch if isinstance(item, Failure)]
    ids = [document_id(raw) for raw in raws]
    terminal = steps.terminal(warehouse, ids) if raws else set()
    to_extract = [raw for raw, doc_id in zip(raws, ids, strict=True) if doc_id not in terminal]
    submit = steps.submit or _in_turn(steps.extract)
    results = submit(to_extract, rules) if to_extract else Done([])
    return _Submitted(len(batch), to_extract, read_failures, results)


def _land(submitted: _Submitted, warehouse: str, run_id: str, steps: Steps) -> RunSummary:
    results = submitted.results.result()
    records = [r for r in results if isinstance(r, ArticleRecord)]
    failures = submitted.read_failures + [r for r in results if isinstance(r, Failure)]
    landed = steps.land(warehouse, run_id, submitted.to_extract, records, failures)
    skipped = submitted.read - len(submitted.read_failures) - len(submitted.to_extract)
    return replace(landed, documents_read=submitted.read, skipped=skipped)


@dataclass(frozen=True)
class Done:
    results: list[ArticleRecord | Failure]

    def result(self) -> list[ArticleRecord | Failure]:
        return self.results


def _in_turn(extract: ExtractStep) -> SubmitStep:
    return lambda raws, rules: Done(extract(raws, rules))

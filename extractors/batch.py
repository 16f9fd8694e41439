"""Extracting many documents at once: in parallel processes, each with a time limit.

trafilatura has no time limit when used as a library, so a pathological page could hold a
batch forever; every document gets a wall-clock deadline (SIGALRM in the process that runs
it) and comes back as a Failure when it overruns. Small batches run in-process, because
starting workers costs more than it saves below a few dozen pages.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from extractors.boilerplate import RuleSet, load_ruleset
from extractors.errors import ExtractionDeadline
from extractors.pipeline import failure_for, process_document
from extractors.records import ArticleRecord, Failure, RawDocument

DEFAULT_DEADLINE_S = 20.0
IN_PROCESS_BELOW = 32


@dataclass(frozen=True)
class RulesSpec:
    """What a worker needs to rebuild the rule set (compiled rules are not shipped)."""

    extra_files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()

    def load(self) -> RuleSet:
        from pathlib import Path

        return load_ruleset([Path(p) for p in self.extra_files], self.disabled)


DEFAULT_RULES = RulesSpec()
Result = ArticleRecord | Failure


def _alarm_handler(seconds: float) -> Callable[[int, FrameType | None], None]:
    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise ExtractionDeadline(f"extraction exceeded its deadline ({seconds:g} s)")

    return on_alarm


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    # Signals only reach the main thread; elsewhere (a thread pool) we run without a limit.
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm_handler(seconds))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process_with_deadline(
    raw: RawDocument, ruleset: RuleSet, deadline_s: float, learned: frozenset[str] = frozenset()
) -> Result:
    try:
        with _deadline(deadline_s):
            return process_document(raw, ruleset, learned)
    except ExtractionDeadline as error:
        return failure_for(raw, "extract", str(error))


def _process_chunk(
    raws: Sequence[RawDocument], spec: RulesSpec, deadline_s: float, learned: frozenset[str]
) -> list[Result]:
    ruleset = spec.load()
    return [process_with_deadline(raw, ruleset, deadline_s, learned) for raw in raws]


_pool: ProcessPoolExecutor | None = None


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 2)
        atexit.register(_pool.shutdown, cancel_futures=True)
    return _pool


def extract_batch(
    raws: Sequence[RawDocument],
    spec: RulesSpec = DEFAULT_RULES,
    deadline_s: float = DEFAULT_DEADLINE_S,
    learned: frozenset[str] = frozenset(),
) -> list[Result]:
    """Results in input order; never raises for a bad document."""
    if len(raws) < IN_PROCESS_BELOW:
        return _process_chunk(raws, spec, deadline_s, learned)
    workers = os.cpu_count() or 2
    size = max(1, -(-len(raws) // (workers * 4)))
    chunks = [raws[i : i + size] for i in range(0, len(raws), size)]
    futures = [
        _worker_pool().submit(_process_chunk, chunk, spec, deadline_s, learned) for chunk in chunks
    ]
    return [result for future in futures for result in future.result()]

"""Extracting many documents at once: in parallel processes, each with a time limit.

trafilatura has no time limit when used as a library, so a pathological page could hold a
batch forever; every document gets a wall-clock deadline (SIGALRM in the process that runs
it) and comes back as a Failure when it overruns. Small batches run in-process, because
starting workers costs more than it saves below a few dozen pages.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from types import FrameType

from extractors import runcache
from extractors.boilerplate import RuleSet, load_ruleset
from extractors.errors import ExtractionDeadline, ExtractionError
from extractors.html import parse_html
from extractors.language import detect_language
from extractors.pipeline import failure_for, process_document
from extractors.records import ArticleRecord, Failure, RawDocument

DEFAULT_DEADLINE_S = 20.0
IN_PROCESS_BELOW = 32
# A worker holds a chunk's pages and results at once; larger chunks (a Prefect flow's
# 500-page batches made 63-page ones) took workers from 195 to 300 MiB (issue 7).
MAX_CHUNK_PAGES = 25


@dataclass(frozen=True)
class RulesSpec:
    """What a worker needs to rebuild the rule set (compiled rules are not shipped), and
    each source's learned template lines (`flows/templates.py`), as (source_id, lines)."""

    extra_files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    learned: tuple[tuple[str, frozenset[str]], ...] = ()

    def load(self) -> RuleSet:
        from pathlib import Path

        return load_ruleset([Path(p) for p in self.extra_files], self.disabled)

    def learned_for(self, source_id: str) -> frozenset[str]:
        return self._learned_by_source.get(source_id, _NONE)

    @cached_property
    def _learned_by_source(self) -> dict[str, frozenset[str]]:
        return dict(self.learned)


_NONE: frozenset[str] = frozenset()
# Learned template lines for every document, or per source_id; None: the spec's own.
Learned = frozenset[str] | Mapping[str, frozenset[str]] | None


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
    raw: RawDocument,
    ruleset: RuleSet,
    deadline_s: float,
    learned: frozenset[str] = frozenset(),
    cache: str | None = None,
) -> Result:
    try:
        with _deadline(deadline_s):
            return process_document(raw, ruleset, learned, cache)
    except ExtractionDeadline as error:
        return failure_for(raw, "extract", str(error))


def _process_chunk(
    raws: Sequence[RawDocument],
    spec: RulesSpec,
    deadline_s: float,
    learned: Learned,
    cache: str | None = None,
) -> list[Result]:
    ruleset = spec.load()
    return [
        process_with_deadline(raw, ruleset, deadline_s, _learned_for(raw, spec, learned), cache)
        for raw in raws
    ]


def _learned_for(raw: RawDocument, spec: RulesSpec, learned: Learned) -> frozenset[str]:
    # A batch may hold documents of several sources, each with its own template lines.
    if learned is None:
        return spec.learned_for(raw.source_id)
    if isinstance(learned, Mapping):
        return learned.get(raw.source_id, _NONE)
    return learned


_pool: ProcessPoolExecutor | None = None
# Long enough for trafilatura's first pass to be strong (extractors/html.py), so the
# warm-up does not run the full cascade: jusText's stoplists (0.4 s) load only in a worker
# that meets a weak page, not in every run before the fork.
_WARM_UP_PAGE = (
    "<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
    + "<p>Officials said talks resumed in the capital after a week of delays.</p>" * 20
    + "</article><footer>Contact us</footer></body></html>"
)


def _warm_up() -> None:
    """Load, before forking, what every worker would otherwise load on its first document:
    the rule set's plan, the language model, trafilatura's lazy set-up. Forked workers
    inherit it and share those pages (issue 7)."""
    DEFAULT_RULES.load().plan_for(None)  # with the index of its patterns
    detect_language("the language model is loaded once, before the workers start")
    with contextlib.suppress(ExtractionError):
        parse_html(_WARM_UP_PAGE)


def _die_with_parent(parent: int) -> None:
    """A worker ends when the run that forked it does, even a SIGKILLed one; otherwise it
    would wait on its queue forever, holding ~200 MiB (Linux; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _warm_up()
        _pool = ProcessPoolExecutor(
            max_workers=os.cpu_count() or 2,
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        )
        atexit.register(_pool.shutdown, cancel_futures=True)
    return _pool


def release_workers() -> None:
    """Stop the worker processes (the next batch forks new ones, cheaply: the parent is
    already warm). A run calls it when its batches are done, so the end-of-run work (the
    full-text index) does not have the workers' memory on top of its own."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        atexit.unregister(pool.shutdown)
        pool.shutdown(wait=True, cancel_futures=True)


class PendingBatch:
    """Results of a submitted batch, in input order, once `result()` is called."""

    def __init__(self, parts: Sequence[Future[list[Result]]]) -> None:
        self.parts = tuple(parts)

    def result(self) -> list[Result]:
        return [result for part in self.parts for result in part.result()]


def _completed(results: list[Result]) -> Future[list[Result]]:
    future: Future[list[Result]] = Future()
    future.set_result(results)
    return future


def submit_batch(
    raws: Sequence[RawDocument],
    spec: RulesSpec = DEFAULT_RULES,
    deadline_s: float = DEFAULT_DEADLINE_S,
    learned: Learned = None,
) -> PendingBatch:
    """Start extracting `raws` and return at once, so the caller can land the batch before.

    Small batches are done before returning, in this thread: SIGALRM needs the main thread.
    """
    cache = runcache.current()  # passed along: a worker forked earlier has not seen it
    if len(raws) < IN_PROCESS_BELOW:
        return PendingBatch([_completed(extract_in_process(raws, spec, learned, deadline_s))])
    workers = os.cpu_count() or 2
    size = max(1, min(MAX_CHUNK_PAGES, -(-len(raws) // (workers * 4))))
    chunks = [raws[i : i + size] for i in range(0, len(raws), size)]
    pool = _worker_pool()
    return PendingBatch(
        [pool.submit(_process_chunk, c, spec, deadline_s, learned, cache) for c in chunks]
    )


def extract_in_process(
    raws: Sequence[RawDocument],
    spec: RulesSpec = DEFAULT_RULES,
    learned: Learned = None,
    deadline_s: float = DEFAULT_DEADLINE_S,
) -> list[Result]:
    """Results in input order, here: for small batches, and for pages the run cache holds
    (only cleaning is left), where shipping them to workers would cost more than it saves."""
    return _process_chunk(raws, spec, deadline_s, learned, runcache.current())


def extract_batch(
    raws: Sequence[RawDocument],
    spec: RulesSpec = DEFAULT_RULES,
    deadline_s: float = DEFAULT_DEADLINE_S,
    learned: Learned = None,
) -> list[Result]:
    """Results in input order; never raises for a bad document."""
    return submit_batch(raws, spec, deadline_s, learned).result()

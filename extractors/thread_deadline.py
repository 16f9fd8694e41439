"""A per-document deadline for extraction on a thread other than the main one.

`extractors.batch` cuts a page off with SIGALRM, which only reaches the main thread. A
Dask worker runs tasks on its own threads, so there a timer thread raises
`ExtractionDeadline` inside the extracting thread instead (CPython's asynchronous
exception). Like a signal handler, it lands at the next Python instruction: a single
long C call (one regular expression) finishes first, exactly as with SIGALRM.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from extractors.boilerplate import RuleSet
from extractors.errors import ExtractionDeadline
from extractors.pipeline import failure_for, process_document
from extractors.records import ArticleRecord, Failure, RawDocument


class TimeUp(ExtractionDeadline):
    """Raised inside the thread. An asynchronous exception is created without arguments,
    so each deadline gets a subclass that knows its seconds (see `_time_up`)."""

    seconds = 0.0

    def __str__(self) -> str:
        return f"extraction exceeded its deadline ({self.seconds:g} s)"


def _time_up(seconds: float) -> type[TimeUp]:
    return type("TimeUp", (TimeUp,), {"seconds": seconds})


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    target = ctypes.py_object(exception) if exception else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


@contextmanager
def thread_deadline(seconds: float) -> Iterator[None]:
    """Raise TimeUp in this thread if the block runs longer than `seconds` (0: no limit)."""
    if seconds <= 0:
        yield
        return
    thread_id, guard, exception = threading.get_ident(), threading.Lock(), _time_up(seconds)
    state = {"armed": True, "fired": False}

    def fire() -> None:
        with guard:
            if state["armed"]:
                state["fired"] = True
                _raise_in(thread_id, exception)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with guard:
            state["armed"] = False
            if state["fired"]:
                _raise_in(thread_id, None)  # not delivered yet: withdraw it
        timer.cancel()


def process_on_thread(
    raw: RawDocument, ruleset: RuleSet, deadline_s: float, learned: frozenset[str] = frozenset()
) -> ArticleRecord | Failure:
    """`process_document` under a thread deadline; the overrun comes back as a Failure."""
    try:
        with thread_deadline(deadline_s):
            return process_document(raw, ruleset, learned)
    except TimeUp:
        return failure_for(raw, "extract", f"extraction exceeded its deadline ({deadline_s:g} s)")

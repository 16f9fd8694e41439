"""Files newsflow keeps between runs to skip start-up work; deleting them is always safe.

`$NEWSFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/newsflow`, else `~/.cache/newsflow`. Every
entry is named after everything it was made from, so a stale one is never read: a new
version of its inputs gets a new name. Writes go to a temporary name first, so a reader
never sees half a file; any failure to read or write just means doing the work again.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from extractors.atomic import replacing

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The folder, or None when there is none to be had (no HOME, say): no caching then."""
    configured = os.environ.get("NEWSFLOW_CACHE_DIR")
    if configured:
        return Path(configured)
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no HOME and no passwd entry for this uid (some containers)
        return None
    return Path(base) / "newsflow"


def pickled(name: str, kind: type[T], build: Callable[[], T]) -> T:
    """The object cached as `name`, else `build()` (cached for next time if possible)."""
    folder = cache_dir()
    if folder is None:
        return build()
    target = folder / name
    with contextlib.suppress(Exception):  # missing, torn or from another layout: rebuild
        with open(target, "rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, kind):
            return found
    made = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        _write(target, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    return made


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as temp:
        temp.write_bytes(data)

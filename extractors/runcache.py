"""A run's extraction outputs, kept on local disk while the run lasts.

At the end of a run the learned templates may change, and the articles a new set touches
are cleaned again (flows/templates.py). Cleaning is cheap; trafilatura is not: on a
source's first big run about one page in seven went through it a second time (issue 7).
So while a run lasts, each worker writes what it extracted (the `Extracted` record, before
any cleaning) to a folder the run owns, under a key naming everything extraction depends
on; a second pass over the same bytes reads it back instead. The folder is removed when
the run ends, so nothing outlives the extractor version or the bytes it was made from. A
worker that cannot reach the folder (another machine) just extracts again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractors.atomic import replacing
from extractors.records import Extracted, RawDocument
from extractors.versions import EXTRACTOR_VERSION

_current: str | None = None


def current() -> str | None:
    """The folder of the run in progress in this process, if it keeps one."""
    return _current


@contextmanager
def kept_for_run() -> Iterator[str]:
    """A fresh folder for this run's extractions; nested runs share the outer one."""
    global _current
    if _current is not None:
        yield _current
        return
    folder = tempfile.mkdtemp(prefix="newsflow-extracted-")
    _current = folder
    try:
        yield folder
    finally:
        _current = None
        shutil.rmtree(folder, ignore_errors=True)


def key(raw: RawDocument) -> str:
    """Everything extraction reads: the bytes, how they are typed and decoded, the URL
    metadata falls back to, and the extractor that made the record."""
    base_url = raw.final_url or raw.requested_url or ""
    parts = (raw.url, base_url, raw.media_type, raw.charset or "", EXTRACTOR_VERSION)
    # The bytes by their hash, which the run has computed once already (RawDocument).
    return hashlib.sha256("\x1f".join((*parts, raw.content_sha256)).encode()).hexdigest()


def holds(folder: str | None, raw: RawDocument) -> bool:
    """Whether this run already extracted `raw` (cleaning it again then costs little)."""
    return folder is not None and os.path.exists(Path(folder) / key(raw))


def load(folder: str | None, key: str) -> Extracted | None:
    if folder is None:
        return None
    try:
        with open(Path(folder) / key, "rb") as handle:
            found = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError):
        return None
    return found if isinstance(found, Extracted) else None


def keep(folder: str | None, key: str, extracted: Extracted) -> None:
    if folder is None or not os.path.isdir(folder):
        return
    data = pickle.dumps(extracted, protocol=pickle.HIGHEST_PROTOCOL)
    # A full disk costs a second extraction later, nothing else.
    with contextlib.suppress(OSError), replacing(Path(folder) / key) as temp:
        temp.write_bytes(data)

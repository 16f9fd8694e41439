"""Writing a file so that no reader ever sees half of it: a temporary name, then a rename."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it when the block succeeds and
    removed when it fails. The name is unique per process and thread, so writers of the
    same target never share one; mkstemp's random names cost a quarter of a raw-store
    write (issue 7)."""
    temp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)  # after a failed write; already gone otherwise

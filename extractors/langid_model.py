"""py3langid's model, kept decompressed in the user's cache so a run does not unpack it.

The model ships as an xz-compressed npz of 65 MB; unpacking it took 0.4 s of every run,
before the extraction workers could fork (issue 7). The first run writes the unpacked npz
to the user cache (`extractors/usercache.py`), named after the model file's size and
mtime and py3langid's version; later runs read it in a quarter of the time. Any problem
with the cache (unwritable, torn, another layout) falls back to py3langid's own loader:
the cache can cost nothing but disk.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from py3langid import modelio
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from extractors.usercache import cache_dir, temporary_for

Model = tuple[Any, Any, list[str], Any, Any, list[Any]]


def identifier() -> LanguageIdentifier:
    """py3langid's identifier with its bundled model and normalised probabilities."""
    cached = cached_model()
    if cached is not None:
        with contextlib.suppress(Exception):  # a torn or foreign file: the stock loader
            return _from_model(_read(cached))
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def cached_model() -> Path | None:
    """The unpacked model in the cache, written now if missing; None if it cannot be."""
    packed = MODEL_DIR / MODEL_FILE
    stat = packed.stat()
    target = cache_dir() / f"langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.exists():
        return target
    with contextlib.suppress(OSError, lzma.LZMAError):
        return _unpack(packed, target)
    return None


def _unpack(packed: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temporary_for(target)
    try:
        with lzma.open(packed) as source, open(temp, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def _read(path: Path) -> Model:
    # The same arrays and conversions as py3langid.modelio.load_model, minus the xz step.
    with np.load(path, allow_pickle=False) as data:
        return (
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            modelio._to_array(data["nextmove"]),
            modelio._to_array(data["nextmove_row"]),
            data["out_feat"].tolist(),
        )


def _from_model(model: Model) -> LanguageIdentifier:
    ptc, pc, classes, nextmove, row, output = model
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row
    )

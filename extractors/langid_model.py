"""py3langid's model, kept unpacked in the user's cache so a run does not unpack it.

The model ships as a 4.4 MB xz file holding a 68 MB npz; unpacking it took 0.4 s of every
run, before the extraction workers could fork (issue 7). The first run writes the npz to
the user cache (`extractors/usercache.py`), named after the packed file's size and mtime
and py3langid's version, and removes older copies; later runs read it in a quarter of the
time. Any problem with the cache (none, unwritable, a torn file) falls back to py3langid's
own loader: the cache can cost nothing but disk.
"""

from __future__ import annotations

import contextlib
import lzma
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from py3langid import modelio
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from extractors.atomic import replacing
from extractors.usercache import cache_dir

Model = tuple[Any, Any, list[str], Any, Any, list[Any]]


def identifier() -> LanguageIdentifier:
    """py3langid's identifier with its bundled model and normalised probabilities."""
    cached = cached_model()
    if cached is not None:
        try:
            return _from_model(_read(cached))
        except Exception:  # a torn or foreign file: gone, so the next run unpacks again
            cached.unlink(missing_ok=True)
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def cached_model() -> Path | None:
    """The unpacked model in the cache, written now if missing; None if it cannot be."""
    folder, packed = cache_dir(), MODEL_DIR / MODEL_FILE
    if folder is None:
        return None
    stat = packed.stat()
    target = folder / f"langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.exists():
        return target
    with contextlib.suppress(OSError, lzma.LZMAError):
        _unpack(packed, target)
        _remove_older(target)
        return target
    return None


def _remove_older(kept: Path) -> None:
    # Each new install of py3langid (a fresh venv) makes a new name; 68 MB each.
    for older in kept.parent.glob("langid-*.npz"):
        if older != kept:
            older.unlink(missing_ok=True)


def _unpack(packed: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as temp, lzma.open(packed) as source, open(temp, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


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

"""Reading seed files and folders: the local half of the input edge.

Folders are walked in name order without following links; a symlink is read only when
it resolves to a regular file inside the folder it was found in. Special files (FIFOs,
devices, sockets) are never opened, and size is checked with stat() before any read, so
a 2 GB sparse file costs nothing. Everything refused becomes a Failure with its reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractors.records import Failure, RawDocument

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class InputRoot:
    """A folder (or a single file's folder) that names the source its files belong to."""

    source_id: str
    folder: Path


def root_for(path: Path) -> InputRoot:
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    return InputRoot(source_id=folder.name or "files", folder=folder)


def url_for(root: InputRoot, path: Path) -> str:
    """`<source_id>/<path inside the folder>`: stable across machines and clones."""
    return f"{root.source_id}/{path.relative_to(root.folder).as_posix()}"


def iter_inputs(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Failure]:
    for _, item in iter_input_paths(path, max_bytes):
        yield item


def iter_input_paths(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[Path, RawDocument | Failure]]:
    """Each file under `path` (or `path` itself) with what reading it gave."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise FileNotFoundError(f"{path}: no such file or folder")
    root = root_for(path)
    candidates = _walk(root.folder) if path.is_dir() else iter([root.folder / path.name])
    for candidate in candidates:
        yield candidate, read_input(root, candidate, max_bytes)


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(current) / name


def read_input(
    root: InputRoot, path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawDocument | Failure:
    url = url_for(root, path)
    refusal = _refusal(root, path, max_bytes)
    if refusal:
        return Failure(root.source_id, url, "read", refusal)
    try:
        content = path.read_bytes()
    except OSError as error:
        return Failure(root.source_id, url, "read", f"cannot read: {error.strerror}")
    if not content.strip():
        return Failure(root.source_id, url, "read", "empty file (no text)")
    media_type = MEDIA_TYPES[path.suffix.lower()]
    return RawDocument(root.source_id, url, content, media_type, datetime.now(UTC))


def _refusal(root: InputRoot, path: Path, max_bytes: int) -> str | None:
    if path.is_symlink() and not path.resolve().is_relative_to(root.folder):
        return "symlink points outside the input folder"
    try:
        info = path.stat()
    except OSError as error:
        return f"cannot read: {error.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if path.suffix.lower() not in MEDIA_TYPES:
        return f"unsupported file type {path.suffix or '(none)'!r}; expected .txt, .html or .htm"
    if info.st_size > max_bytes:
        return f"too large: {info.st_size} bytes (limit {max_bytes})"
    return None

"""The read snapshot: a copy of the warehouse, published atomically after every run.

Any process holding a DuckDB file, even `duckdb -readonly`, blocks every writer until it
exits, so people and tools read `news.read.duckdb` instead of `news.duckdb`. After a run the
pipeline checkpoints the warehouse, copies it to a temporary name beside the snapshot and
renames it over the snapshot. A shell already open keeps the old file (the rename does not
touch open files) and sees the new data when reopened; the pipeline never waits for it.
The snapshot shares its warehouse's raw store (`rawstore.raw_root` of the warehouse) and is
never written to: `writing()` refuses it, since the next publish would replace those rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseError

SNAPSHOT_MARK = ".read"
_COPY_CHUNK = 16 * 1024 * 1024


class SnapshotIsReadOnly(WarehouseError):
    pass


class SnapshotFailed(WarehouseError):
    pass


def is_snapshot(path: Path | str) -> bool:
    return Path(path).stem.endswith(SNAPSHOT_MARK)


def snapshot_path(warehouse: Path | str) -> Path:
    """`warehouse/news.duckdb` -> `warehouse/news.read.duckdb` (a snapshot is its own)."""
    path = Path(warehouse)
    if is_snapshot(path):
        return path
    return path.with_name(f"{path.stem}{SNAPSHOT_MARK}{path.suffix}")


def warehouse_of(snapshot: Path | str) -> Path:
    path = Path(snapshot)
    if not is_snapshot(path):
        return path
    return path.with_name(f"{path.stem.removesuffix(SNAPSHOT_MARK)}{path.suffix}")


def readable_path(warehouse: Path | str) -> Path:
    """Where readers go: the snapshot once one was published, else the warehouse itself."""
    snapshot = snapshot_path(warehouse)
    return snapshot if snapshot.exists() else Path(warehouse)


def refuse_snapshot(path: Path | str) -> None:
    if is_snapshot(path):
        raise SnapshotIsReadOnly(
            f"{path} is the read snapshot, replaced after every run; "
            f"write to {warehouse_of(path)} instead"
        )


def publish(con: duckdb.DuckDBPyConnection, warehouse: Path | str) -> Path:
    """Checkpoint and copy the warehouse over its snapshot; `con` must hold the warehouse.

    Holding the connection keeps any other writer out while the file is copied; after the
    checkpoint every committed change is in the main file and none is in the WAL.
    """
    source = Path(warehouse)
    target = snapshot_path(source)
    _checkpoint(con, source)
    _remove_leftovers(target)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as original:
            shutil.copyfileobj(original, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(source, temporary)  # mkstemp makes it private to its owner
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):  # a full disk, say: one clear line, the run is kept
            raise SnapshotFailed(f"could not publish {target}: {error}") from error
        raise
    return target


def _checkpoint(con: duckdb.DuckDBPyConnection, source: Path) -> None:
    """Move every committed change into the main file: a copy never reads the WAL."""
    wal = source.with_name(source.name + ".wal")
    con.execute("CHECKPOINT")
    if wal.exists():  # a checkpoint can be skipped; the forced one cannot
        con.execute("FORCE CHECKPOINT")
    if wal.exists() and wal.stat().st_size > 0:
        raise SnapshotFailed(f"could not checkpoint {source}; the snapshot was not replaced")


def _remove_leftovers(target: Path) -> None:
    # A copy cut short by a crash, and a WAL left by someone who opened the snapshot for
    # writing: DuckDB would replay that WAL into the next snapshot. Publishers are
    # serialised by the writer lock, so no other publish is in progress.
    for partial in target.parent.glob(f".{target.name}.*.part"):
        partial.unlink(missing_ok=True)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)

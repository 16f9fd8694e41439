"""Watching seed folders: each new seed file becomes one `newsflow.seed.created` event.

The watcher only says that a file appeared; a deployment trigger on the Prefect server
turns the event into an `ingest-seeds` run, so runs are recorded, retried and visible in
the UI like any other. File events come from `watchfiles` (inotify on Linux) when it is
installed; without it, a one-second listing of each folder stands in.

Only files directly inside a watched folder count, so that a file landed on its own gets
the same source id and URL as when its whole folder is ingested.

The watcher sees only files that appear while it runs. Those that arrived while serve
was down are found at start-up by `unseen_seed_files`: seed files in the folders that
the warehouse has no row of (no document, article or failure under their URL).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from fetchers.files import MEDIA_TYPES, root_for, url_for
from warehouse.connection import reading
from warehouse.seedfiles import known_urls

POLL_INTERVAL_S = 1.0

logger = logging.getLogger("newsflow.seedwatch")


def is_seed_file(path: Path, folders: Sequence[Path]) -> bool:
    return (
        path.parent in folders
        and not path.name.startswith(".")
        and path.suffix.lower() in MEDIA_TYPES
        and path.is_file()
    )


def listing(folder: Path) -> set[Path]:
    try:
        return {path for path in folder.iterdir() if not path.name.startswith(".")}
    except OSError:  # the folder was removed or renamed while we watch it
        return set()


def unseen_seed_files(folders: Sequence[Path], warehouse: Path) -> list[Path]:
    """Seed files in `folders` that no run has read yet; without a warehouse, all of them.

    Raises WarehouseError when the warehouse cannot be read (held past the lock timeout).
    """
    folders = list(dict.fromkeys(folder.resolve() for folder in folders))
    present = {f: sorted(p for p in listing(f) if is_seed_file(p, folders)) for f in folders}
    urls = {path: url_for(root_for(f), path) for f, paths in present.items() for path in paths}
    if not warehouse.exists():
        return list(urls)
    with reading(warehouse) as con:
        known = {
            folder: known_urls(con, root_for(folder).source_id, [urls[p] for p in paths])
            for folder, paths in present.items()
        }
    return [path for f, paths in present.items() for path in paths if urls[path] not in known[f]]


def polled_new_files(folders: Sequence[Path], stop: threading.Event) -> Iterator[set[Path]]:
    seen = {folder: listing(folder) for folder in folders}
    while not stop.wait(POLL_INTERVAL_S):
        appeared: set[Path] = set()
        for folder in folders:
            current = listing(folder)
            appeared |= current - seen[folder]
            seen[folder] = current
        if appeared:
            yield appeared


def watched_new_files(folders: Sequence[Path], stop: threading.Event) -> Iterator[set[Path]]:
    try:
        from watchfiles import Change, watch
    except ImportError:
        logger.warning("watchfiles is not installed; listing %s every second", folders)
        yield from polled_new_files(folders, stop)
        return
    for changes in watch(*folders, stop_event=stop, recursive=False):
        yield {Path(name) for change, name in changes if change == Change.added}


def new_seed_files(folders: Sequence[Path], stop: threading.Event) -> Iterator[Path]:
    """Each seed file that appears in `folders` (created, or moved in), until `stop` is set."""
    folders = [folder.resolve() for folder in folders]
    for appeared in watched_new_files(folders, stop):
        yield from sorted(path for path in appeared if is_seed_file(path, folders))


def announce(paths: Iterable[Path]) -> None:
    from prefect.events import emit_event

    from flows.events import SEED_CREATED, seed_resource

    for path in paths:
        emit_event(event=SEED_CREATED, resource=seed_resource(path), payload={"path": str(path)})
        logger.info("new seed file %s: emitted %s", path, SEED_CREATED)


def watch_and_announce(folders: Sequence[Path], stop: threading.Event) -> None:
    try:
        announce(new_seed_files(folders, stop))
    except Exception:  # e.g. a watched folder removed: say so rather than go quiet
        logger.exception("the seed watcher stopped; new seed files are not noticed any more")


def start_watcher(folders: Sequence[Path], stop: threading.Event) -> threading.Thread:
    """A daemon thread that announces new seed files until `stop` is set."""
    thread = threading.Thread(
        target=watch_and_announce, args=(folders, stop), name="seed-watcher", daemon=True
    )
    thread.start()
    return thread

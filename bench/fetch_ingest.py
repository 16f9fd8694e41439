"""Fetch pages over HTTP from 127.0.0.1 and land them: comparison (2), two ways.

- `discovery_fetch`: what `newsflow fetch URL...` runs (`flows.discover.run_discovery` with
  the relevance filter off), with politeness set for a local host (no delay, 16 requests
  per host at once, the host allow-listed) and batches as large as the file ingest's.
- `fetch_and_ingest`: the network edge (`fetchers.fetch_many`) streamed into the file
  ingest's batch loop (`flows.pipeline.ingest_stream`, local steps): a thread fetches batch
  k+1 while batch k extracts and lands; the queue between them holds at most two batches.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from extractors.records import Failure, RawDocument
from fetchers import FetchConfig, Fetched, FetchError, TransientFetchError, fetch_many
from flows.pipeline import RunSummary, configured_batch_size, ingest_stream, new_run_id, versions
from flows.steps import LOCAL_STEPS
from warehouse.connection import writing
from warehouse.runs import start_run, upsert_source

SOURCE_ID = "bench-http"
_END = object()


LOCAL_PACING = {"delay_s": 0.0, "per_host_concurrency": 16, "max_in_flight": 32}


def hosts_of(urls: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({urlsplit(url).netloc for url in urls}))


def local_host_config(urls: Sequence[str]) -> FetchConfig:
    """Pacing for a server on this machine: no delay, many requests at once, allow-listed."""
    return FetchConfig(allow_hosts=hosts_of(urls), **LOCAL_PACING)  # type: ignore[arg-type]


def discovery_fetch(urls: Sequence[str], warehouse: str) -> Any:
    """`newsflow fetch URL...` in local mode, paced for a local host."""
    from dataclasses import replace

    from flows.discover import run_discovery
    from flows.discover_steps import LOCAL_STEPS as DISCOVERY_STEPS
    from flows.discovery_settings import Settings

    base = Settings()
    settings = replace(
        base,
        allow_hosts=hosts_of(urls),
        politeness=replace(base.politeness, **LOCAL_PACING),  # type: ignore[arg-type]
        limits=replace(base.limits, max_pages=len(urls), batch_size=configured_batch_size()),
    )
    return run_discovery(
        settings, warehouse, DISCOVERY_STEPS, mode="local", urls=urls, relevance_filter=False
    )


def raw_document(fetched: Fetched) -> RawDocument:
    return RawDocument(
        source_id=SOURCE_ID,
        url=fetched.final_url,
        content=fetched.content,
        media_type=fetched.media_type or "text/html",
        retrieved_at=fetched.fetched_at,
        charset=fetched.charset,
        requested_url=fetched.requested_url,
        final_url=fetched.final_url,
        http_status=fetched.status,
    )


def as_input(result: Fetched | FetchError) -> RawDocument | Failure:
    if isinstance(result, Fetched):
        return raw_document(result)
    transient = isinstance(result, TransientFetchError)
    return Failure(SOURCE_ID, result.url, "fetch", str(result)[:500], transient=transient)


def fetched_stream(
    urls: Sequence[str], config: FetchConfig, size: int
) -> Iterator[RawDocument | Failure]:
    """Inputs in URL order; fetching runs one batch ahead of whoever consumes them."""
    ahead: queue.Queue[object] = queue.Queue(maxsize=2)

    def fetch_batches() -> None:
        for start in range(0, len(urls), size):
            ahead.put([as_input(r) for r in fetch_many(urls[start : start + size], config)])
        ahead.put(_END)

    threading.Thread(target=fetch_batches, name="bench-fetch", daemon=True).start()
    while (batch := ahead.get()) is not _END:
        yield from batch  # type: ignore[misc]


def fetch_and_ingest(urls: Sequence[str], warehouse: str) -> RunSummary:
    run_id = new_run_id()
    with writing(warehouse) as con:
        upsert_source(con, SOURCE_ID, "web", urlsplit(urls[0]).netloc if urls else "")
        start_run(con, run_id, "bench-fetch", "local", {"urls": len(urls)}, versions())
    size = configured_batch_size()
    stream = fetched_stream(urls, local_host_config(urls), size)
    return ingest_stream(
        stream, warehouse, LOCAL_STEPS, RunSummary(run_id, "local"), batch_size=size
    )

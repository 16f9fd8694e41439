"""Fetch pages over HTTP and land them through the ingest steps: comparison (2).

There is no fetch-and-land command in `flows/` yet (discovery is being built), so this joins
the network edge (`fetchers.fetch_many`) to the same batch loop the file ingest uses
(`flows.pipeline.ingest_stream` with the local steps). A thread fetches batch k+1 while
batch k extracts and lands; the queue between them holds at most two batches.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from extractors.records import Failure, RawDocument
from fetchers import FetchConfig, Fetched, FetchError, TransientFetchError, fetch_many
from flows.pipeline import RunSummary, configured_batch_size, ingest_stream, new_run_id, versions
from flows.steps import LOCAL_STEPS
from warehouse.connection import writing
from warehouse.runs import start_run, upsert_source

SOURCE_ID = "bench-http"
_END = object()


def local_host_config(urls: Sequence[str]) -> FetchConfig:
    """Pacing for a server on this machine: no delay, many requests at once, allow-listed."""
    hosts = tuple(sorted({urlsplit(url).netloc for url in urls}))
    return FetchConfig(delay_s=0.0, per_host_concurrency=16, max_in_flight=32, allow_hosts=hosts)


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

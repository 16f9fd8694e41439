"""A discovery run's connection to the network: fetchers kept for the whole run.

Pacing and robots.txt verdicts live inside a `Fetcher`, so one fetcher per run (not per
batch) is what keeps a host's requests at least `delay_s` apart across batches and asks
for robots.txt once. The fetchers run on an event loop in a background thread (an anyio
blocking portal), and the run's plain, synchronous steps call into it; that is why
steps take the session as an argument. Sites share one fetcher; each search provider
has its own, whose per-host delay is the provider's minimum interval between calls.

Every response the fetchers receive (pages, feeds, sitemaps, search answers, robots.txt;
error statuses, each redirect hop and each retried attempt too) is appended to the run's
WARC file as it arrives, through the fetchers' `on_response` seam, with newsflow's
provenance in its headers. A result's `warc` names the record of its final response.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Self

import anyio
from anyio.from_thread import BlockingPortal, start_blocking_portal

from fetchers import FetchConfig, Fetched, Fetcher, FetchError, Received
from fetchers.config import FEED_TYPES, PAGE_TYPES
from flows.discovery_settings import Politeness, Settings
from warehouse.warcarchive import WarcArchive, WarcPosition, warc_root

# Feeds and sitemaps are often served with a generic type (a static server that does not
# know .rss, a gzipped sitemap); their parsers decide what the bytes are, within the
# same size cap, so any of these is worth reading. Pages must say they are HTML.
SOURCE_TYPES = FEED_TYPES | {
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "text/plain",
    "text/html",
}
CONTENT_TYPES = types.MappingProxyType(
    {"page": PAGE_TYPES, "feed": SOURCE_TYPES, "sitemap": SOURCE_TYPES}
)
SITE = "site"


@dataclass(frozen=True)
class FetchRequest:
    url: str
    kind: str  # page | feed | sitemap
    etag: str | None = None
    last_modified: str | None = None
    meta: tuple[tuple[str, str], ...] = ()  # provenance for the WARC record
    form: tuple[tuple[str, str], ...] = ()  # fields to POST (urlencoded); none: a GET


@dataclass(frozen=True)
class FetchResult:
    """One request and what came of it: a response, or the reason there was none."""

    request: FetchRequest
    fetched: Fetched | None = None
    error: FetchError | None = None
    warc: WarcPosition | None = None


# The request a task of `_fetch_all` is fetching. The fetchers call the archive observer
# in a worker thread that runs in the task's context, so each response is recorded with
# its own request's provenance, even when a batch asks one URL several times (the POSTs
# of Google News links all go to one endpoint).
_FETCHING: ContextVar[FetchRequest | None] = ContextVar("newsflow_fetching", default=None)


def site_config(politeness: Politeness, allow_hosts: Sequence[str]) -> FetchConfig:
    return FetchConfig(
        user_agent=politeness.user_agent,
        per_host_concurrency=max(1, politeness.per_host_concurrency),
        delay_s=politeness.delay_s,
        crawl_delay_cap_s=politeness.crawl_delay_cap_s,
        max_in_flight=max(1, politeness.max_in_flight),
        max_retries=politeness.max_retries,
        backoff_base_s=politeness.backoff_base_s,
        max_retry_after_s=politeness.max_retry_after_s,
        deadline_s=politeness.deadline_s,
        max_body_bytes=politeness.max_body_bytes,
        allow_hosts=tuple(allow_hosts),
        respect_robots=politeness.respect_robots,
        content_types=CONTENT_TYPES,
    )


def provider_config(site: FetchConfig, interval_s: float) -> FetchConfig:
    """Search APIs invite programmatic calls, so robots.txt (a crawler rule) is not asked;
    one call at a time, `interval_s` apart, and a 429 backs off at least that long."""
    return replace(
        site,
        per_host_concurrency=1,
        delay_s=interval_s,
        backoff_base_s=max(site.backoff_base_s, interval_s),
        respect_robots=False,
    )


class FetchSession:
    """``with FetchSession(settings, warehouse, run_id) as session: session.fetch(...)``."""

    def __init__(self, settings: Settings, warehouse: str, run_id: str) -> None:
        site = site_config(settings.politeness, settings.allow_hosts)
        self._configs = {SITE: site}
        for name, provider in (("gdelt", settings.gdelt), ("google_news", settings.google_news)):
            if provider is not None:
                self._configs[name] = provider_config(site, provider.min_interval_s)
        self.archive = WarcArchive(warc_root(warehouse), run_id)
        self._stack = ExitStack()
        self._portal: BlockingPortal | None = None
        self._fetchers: dict[str, Fetcher] = {}
        # Per fetch() call: record positions by response id.
        self._positions: dict[tuple[str, int], WarcPosition] = {}

    def __enter__(self) -> Self:
        self._portal = self._stack.enter_context(start_blocking_portal())
        for name, config in self._configs.items():
            observer = functools.partial(self._archive, name)
            self._fetchers[name] = self._portal.call(
                functools.partial(Fetcher, config, on_response=observer)
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            for fetcher in self._fetchers.values():
                self._call(fetcher.aclose)
        finally:
            self._stack.close()
            self.archive.close()

    def fetch(self, requests: Sequence[FetchRequest], via: str = SITE) -> list[FetchResult]:
        """Fetch concurrently (pacing applies); results in request order, archived."""
        fetcher = self._fetchers[via]
        try:
            results: list[FetchResult] = self._call(_fetch_all, fetcher, list(requests))
            return [self._positioned(via, result) for result in results]
        finally:
            self._positions = {}

    def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        if self._portal is None:
            raise RuntimeError("FetchSession used outside its `with` block")
        return self._portal.call(function, *args)

    def _archive(self, via: str, received: Received) -> None:
        """The fetchers' observer, called from a worker thread for every response."""
        meta = {"Kind": received.kind} | _provenance(received.requested_url)
        meta["Requested-URL"] = received.requested_url
        position = self.archive.write(
            received.url,
            received.status,
            received.headers,
            received.content,
            received.received_at,
            meta,
            reason=received.reason,
            truncated=received.truncated,
        )
        self._positions[via, received.response_id] = position

    def _positioned(self, via: str, result: FetchResult) -> FetchResult:
        fetched = result.fetched
        if fetched is None or fetched.response_id is None:
            return result
        position = self._positions.get((via, fetched.response_id))
        return FetchResult(result.request, fetched, None, position)


def _provenance(requested_url: str) -> dict[str, str]:
    """The meta of the request being fetched, for its own responses (not its robots.txt)."""
    request = _FETCHING.get()
    return dict(request.meta) if request and request.url == requested_url else {}


async def _fetch_all(fetcher: Fetcher, requests: list[FetchRequest]) -> list[FetchResult]:
    results = [FetchResult(request) for request in requests]

    async def one(index: int, request: FetchRequest) -> None:
        _FETCHING.set(request)  # this task's own context, which its observer calls inherit
        try:
            fetched = await fetcher.fetch(
                request.url,
                kind=request.kind,
                etag=request.etag,
                last_modified=request.last_modified,
                form=dict(request.form) or None,
            )
            results[index] = FetchResult(request, fetched)
        except FetchError as error:
            results[index] = FetchResult(request, error=error)
        except Exception as error:  # a bug or an odd URL must not end the whole batch
            detail = f"{type(error).__name__}: {error}"
            results[index] = FetchResult(request, error=FetchError(request.url, detail))

    async with anyio.create_task_group() as tasks:
        for index, request in enumerate(requests):
            tasks.start_soon(one, index, request)
    return results

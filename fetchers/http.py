"""The fetcher: the only code in newsflow that talks to the network.

    async with Fetcher(FetchConfig()) as fetcher:
        page = await fetcher.fetch("https://example.org/news", kind="page")

One `fetch` checks the URL against the guard, asks robots.txt, waits for its turn on the
host, follows redirects itself (re-checking every hop), retries transient failures with
backoff and Retry-After, and returns a `Fetched` or raises a `FetchError`. With a `form`
it is a POST, checked, paced, retried and observed like any other request.

An `on_response` observer sees every response the fetcher receives, as a `Received`: each
redirect hop, each retried attempt, error statuses, robots.txt, cut-short bodies. That is
the seam an archive hangs on, so this package never needs to know where responses are kept.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Self
from urllib.parse import urlencode

import anyio
import httpx

from fetchers.config import ROBOTS_KIND, FetchConfig, Fetched, ResponseObserver
from fetchers.errors import (
    ConnectFailed,
    FetchError,
    FetchTimeout,
    NetworkError,
    TransientFetchError,
    TransientHTTPStatus,
)
from fetchers.exchange import Exchange, exchange
from fetchers.headers import FORM_CONTENT_TYPE, request_headers
from fetchers.netguard import Destination, NetGuard
from fetchers.pacing import HostPacer
from fetchers.robots import RobotsPolicy
from fetchers.trail import Trail
from fetchers.transport import Resolver, guarded_transport

__all__ = ["FetchConfig", "Fetched", "Fetcher", "fetch_many"]

# Deadline and robots deferrals are transient too, but retrying them at once would only
# repeat the same wait (see fetchers.errors).
RETRIED_ERRORS = (ConnectFailed, FetchTimeout, NetworkError, TransientHTTPStatus)


class Fetcher:
    """Polite, guarded HTTP fetching. Use as ``async with Fetcher(config) as fetcher``.

    `transport` replaces the guarded transport (tests only: a foreign transport bypasses
    the per-connection address check, leaving only the up-front URL checks). `resolver`
    replaces the system DNS resolver inside the guarded transport. Proxy variables are
    never read: requests go to the transport directly, with no httpx client in between.
    `on_response` is called with every response received (see `fetchers.ResponseObserver`).
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        on_response: ResponseObserver | None = None,
    ) -> None:
        self.config = config = config or FetchConfig()
        self._on_response = on_response
        self._response_ids = itertools.count(1)
        self._guard = NetGuard(config.allow_hosts)
        self._transport = transport or guarded_transport(self._guard, resolver)
        self._pacer = HostPacer(
            per_host=config.per_host_concurrency,
            delay_s=config.delay_s,
            crawl_delay_cap_s=config.crawl_delay_cap_s,
            max_in_flight=config.max_in_flight,
        )
        self._robots = RobotsPolicy(
            self._load_robots,
            config.user_agent,
            ttl_s=config.robots_ttl_s,
            defer_s=config.robots_defer_s,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def fetch(
        self,
        url: str,
        *,
        kind: str = "page",
        etag: str | None = None,
        last_modified: str | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Fetched:
        """Fetch `url` as a `kind` ("page" or "feed"); raise a `FetchError` on failure.

        With `etag`/`last_modified` the request is conditional, and a 304 comes back as
        ``not_modified=True`` with empty content. With `form` it is a POST of the form
        (urlencoded), never conditional; a redirect it gets is followed with GET.
        """
        if kind not in self.config.content_types:
            raise ValueError(f"unknown kind {kind!r}; known: {sorted(self.config.content_types)}")
        started = time.monotonic()
        trail = Trail(url, body=None if form is None else urlencode(form).encode())
        if form is not None:  # its answer is not the page a validator stands for
            etag = last_modified = None
        headers = request_headers(self.config, kind, etag, last_modified)
        response = await self._follow(trail, kind, headers, robots=self.config.respect_robots)
        return trail.fetched(response, time.monotonic() - started)

    async def fetch_all(
        self, urls: Sequence[str], *, kind: str = "page"
    ) -> list[Fetched | FetchError]:
        """Fetch `urls` concurrently (pacing still applies); results in input order."""
        results: list[Fetched | FetchError] = []
        async with anyio.create_task_group() as tasks:
            for index, url in enumerate(urls):
                results.append(FetchError(url, "not fetched"))
                tasks.start_soon(self._fetch_into, results, index, url, kind)
        return results

    async def _fetch_into(
        self, results: list[Fetched | FetchError], index: int, url: str, kind: str
    ) -> None:
        try:
            results[index] = await self.fetch(url, kind=kind)
        except FetchError as exc:
            results[index] = exc

    async def _follow(
        self, trail: Trail, kind: str, headers: dict[str, str], *, robots: bool
    ) -> Exchange:
        """Request, then follow redirects by hand so each hop is checked like the first."""
        url = trail.requested_url
        while True:
            destination = self._guard.check_url(url)
            if robots:
                delay = await self._robots.check(destination)
                self._pacer.set_crawl_delay(destination.authority, delay)
            retries = 0 if kind == ROBOTS_KIND else self.config.max_retries
            response = await self._with_retries(destination, trail, kind, headers, retries)
            if response.location is None:
                return response
            url = trail.follow(response.location, self.config.max_redirects)

    async def _with_retries(
        self,
        destination: Destination,
        trail: Trail,
        kind: str,
        headers: dict[str, str],
        retries: int,
    ) -> Exchange:
        attempt = 0
        while True:
            attempt += 1
            trail.attempts += 1
            try:
                return await self._exchange(destination, trail, kind, headers)
            except RETRIED_ERRORS as exc:
                if not self._backed_off(destination, exc, attempt, retries):
                    raise

    async def _exchange(
        self, destination: Destination, trail: Trail, kind: str, headers: dict[str, str]
    ) -> Exchange:
        """One request on the host's turn. Its response, if any, is observed outside the
        turn (archiving must not hold the host back) and before its error is raised."""
        if trail.body is not None:  # the form goes with its type; a redirected GET has neither
            headers = headers | {"Content-Type": FORM_CONTENT_TYPE}
        async with self._pacer.slot(destination.authority):
            url = str(destination.url)
            response = await exchange(self._transport, url, kind, headers, self.config, trail.body)
        trail.response_id = next(self._response_ids)
        if self._on_response is not None:
            received = response.received(trail.response_id, trail.requested_url, kind)
            await anyio.to_thread.run_sync(self._on_response, received)
        if response.error is not None:
            raise response.error
        return response

    def _backed_off(
        self, destination: Destination, exc: TransientFetchError, attempt: int, retries: int
    ) -> bool:
        """Hold the host back before the next attempt; False to give up instead."""
        retry_after = getattr(exc, "retry_after_s", None)
        cap = self.config.max_retry_after_s
        if retry_after is not None:  # it speaks for the whole host, retry or not
            self._pacer.hold(destination.authority, min(retry_after, cap))
        if attempt > retries or (retry_after or 0.0) > cap:
            return False  # asked to wait longer than we would: leave it to a later run
        backoff = self.config.backoff_base_s * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
        self._pacer.hold(destination.authority, min(backoff, cap))
        return True

    async def _load_robots(self, robots_url: str) -> bytes:
        trail = Trail(robots_url)
        headers = request_headers(self.config, ROBOTS_KIND, None, None)
        response = await self._follow(trail, ROBOTS_KIND, headers, robots=False)
        return response.content


def fetch_many(
    urls: Sequence[str],
    config: FetchConfig | None = None,
    *,
    kind: str = "page",
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> list[Fetched | FetchError]:
    """Synchronous convenience: fetch `urls` concurrently; results in input order."""

    async def run() -> list[Fetched | FetchError]:
        async with Fetcher(config, transport=transport, resolver=resolver) as fetcher:
            return await fetcher.fetch_all(urls, kind=kind)

    return anyio.run(run)

"""The fetcher: the only code in newsflow that talks to the network.

    async with Fetcher(FetchConfig()) as fetcher:
        page = await fetcher.fetch("https://example.org/news", kind="page")

One `fetch` checks the URL against the guard, asks robots.txt, waits for its turn on the
host, follows redirects itself (re-checking every hop), retries transient failures with
backoff and Retry-After, and returns a `Fetched` or raises a `FetchError`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import anyio
import httpx

from fetchers.config import ROBOTS_KIND, FetchConfig, Fetched
from fetchers.errors import (
    ConnectFailed,
    FetchError,
    FetchTimeout,
    NetworkError,
    RedirectLoop,
    TooManyRedirects,
    TransientFetchError,
    TransientHTTPStatus,
)
from fetchers.exchange import Exchange, exchange, request_headers
from fetchers.netguard import Destination, NetGuard
from fetchers.pacing import HostPacer
from fetchers.robots import RobotsPolicy
from fetchers.transport import Resolver, guarded_transport

__all__ = ["FetchConfig", "Fetched", "Fetcher", "fetch_many"]

# Deadline and robots deferrals are transient too, but retrying them at once would only
# repeat the same wait (see fetchers.errors).
RETRIED_ERRORS = (ConnectFailed, FetchTimeout, NetworkError, TransientHTTPStatus)


@dataclass
class _Trail:
    """The redirects and requests of one fetch, so far."""

    requested_url: str
    redirects: list[str] = field(default_factory=list)
    attempts: int = 0

    def follow(self, location: str, max_redirects: int) -> str:
        """Record one more hop, refusing loops and chains over the cap."""
        if _comparable(location) in map(_comparable, (self.requested_url, *self.redirects)):
            raise RedirectLoop(self.requested_url, f"{location} was already visited")
        if len(self.redirects) >= max_redirects:
            detail = f"more than {max_redirects} redirects (next: {location})"
            raise TooManyRedirects(self.requested_url, detail)
        self.redirects.append(location)
        return location


def _comparable(url: str) -> str:
    """A URL as httpx normalises it (case, default port, no fragment), for loop checks."""
    try:
        return str(httpx.URL(url).copy_with(fragment=None))
    except httpx.InvalidURL:
        return url


class Fetcher:
    """Polite, guarded HTTP fetching. Use as ``async with Fetcher(config) as fetcher``.

    `transport` replaces the guarded transport (tests only: a foreign transport bypasses
    the per-connection address check, leaving only the up-front URL checks). `resolver`
    replaces the system DNS resolver inside the guarded transport. Proxy variables are
    never read: requests go to the transport directly, with no httpx client in between.
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.config = config = config or FetchConfig()
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
    ) -> Fetched:
        """Fetch `url` as a `kind` ("page" or "feed"); raise a `FetchError` on failure.

        With `etag`/`last_modified` the request is conditional, and a 304 comes back as
        ``not_modified=True`` with empty content.
        """
        if kind not in self.config.content_types:
            raise ValueError(f"unknown kind {kind!r}; known: {sorted(self.config.content_types)}")
        started = time.monotonic()
        trail = _Trail(url)
        headers = request_headers(self.config, kind, etag, last_modified)
        response = await self._follow(trail, kind, headers, robots=self.config.respect_robots)
        return _fetched(trail, response, time.monotonic() - started)

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
        self, trail: _Trail, kind: str, headers: dict[str, str], *, robots: bool
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
        trail: _Trail,
        kind: str,
        headers: dict[str, str],
        retries: int,
    ) -> Exchange:
        attempt = 0
        while True:
            attempt += 1
            trail.attempts += 1
            try:
                async with self._pacer.slot(destination.authority):
                    url = str(destination.url)
                    return await exchange(self._transport, url, kind, headers, self.config)
            except RETRIED_ERRORS as exc:
                if not self._backed_off(destination, exc, attempt, retries):
                    raise

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
        trail = _Trail(robots_url)
        headers = request_headers(self.config, ROBOTS_KIND, None, None)
        response = await self._follow(trail, ROBOTS_KIND, headers, robots=False)
        return response.content


def _fetched(trail: _Trail, response: Exchange, elapsed_s: float) -> Fetched:
    return Fetched(
        requested_url=trail.requested_url,
        final_url=response.url,
        status=response.status,
        headers=tuple(response.headers.multi_items()),
        content=response.content,
        media_type=response.media_type,
        charset=response.charset,
        fetched_at=datetime.now(UTC),
        redirects=tuple(trail.redirects),
        not_modified=response.status == 304,
        elapsed_s=elapsed_s,
        attempts=trail.attempts,
    )


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

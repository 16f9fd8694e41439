"""Per-host politeness: how many requests a host gets at once, and how often.

Each host (``host:port``) has at most `per_host` requests in flight and at least `delay_s`
seconds between request starts. robots.txt Crawl-delay raises a host's delay, up to a cap,
and a 429/503 Retry-After holds the whole host back, not just the URL that got it. Hosts
are independent, so different hosts proceed in parallel, within a global `max_in_flight`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio


@dataclass
class _HostState:
    slots: anyio.Semaphore
    delay_s: float
    next_start: float = field(default=0.0)


class HostPacer:
    """Hands out request slots per host; use ``async with pacer.slot(host):`` per request."""

    def __init__(
        self,
        *,
        per_host: int = 1,
        delay_s: float = 1.0,
        crawl_delay_cap_s: float = 10.0,
        max_in_flight: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_host = per_host
        self._delay_s = delay_s
        self._crawl_delay_cap_s = crawl_delay_cap_s
        self._global = anyio.Semaphore(max_in_flight)
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}

    def delay_for(self, host: str) -> float:
        """The current gap between request starts on `host`."""
        return self._state(host).delay_s

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Apply a robots.txt Crawl-delay: it can slow a host down, never speed it up."""
        if seconds is not None:
            capped = min(max(seconds, 0.0), self._crawl_delay_cap_s)
            self._state(host).delay_s = max(self._delay_s, capped)

    def hold(self, host: str, seconds: float) -> None:
        """Start nothing on `host` for `seconds` (the server asked us to back off)."""
        state = self._state(host)
        state.next_start = max(state.next_start, self._clock() + seconds)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for a free slot on `host` and for its turn, then hold both while inside."""
        state = self._state(host)
        async with state.slots:
            await self._wait_turn(state)
            try:
                yield
            finally:
                self._global.release()

    async def _wait_turn(self, state: _HostState) -> None:
        """Sleep until the host is due, then take global capacity and mark the start."""
        while True:
            await anyio.sleep(max(0.0, state.next_start - self._clock()))
            await self._global.acquire()
            # Re-check after waiting for capacity: another slot holder may have started.
            if self._clock() >= state.next_start:
                state.next_start = self._clock() + state.delay_s
                return
            self._global.release()

    def _state(self, host: str) -> _HostState:
        if host not in self._hosts:
            self._hosts[host] = _HostState(anyio.Semaphore(self._per_host), self._delay_s)
        return self._hosts[host]

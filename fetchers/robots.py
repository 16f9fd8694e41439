"""robots.txt per origin (scheme, host, port), following RFC 9309.

- 2xx: parse with protego; disallowed URLs are never requested.
- 4xx (and other permanent failures: too many redirects, refused redirect target, ...):
  "unavailable", so everything is allowed (RFC 9309 2.3.1.3).
- 5xx, 429, timeouts, unreachable: "unreachable", so the whole origin is deferred and
  every fetch on it raises `RobotsUnavailable` (transient) until `defer_s` has passed.

The file is fetched through the fetcher's own guarded, paced client, and each answer is
cached for `ttl_s` (or the fetcher's life if shorter). One fetch per origin at a time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
from protego import Protego

from fetchers.errors import (
    PermanentFetchError,
    RobotsDisallowed,
    RobotsUnavailable,
    TransientFetchError,
)
from fetchers.netguard import Destination

RobotsLoader = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True)
class _Verdict:
    """What one robots.txt fetch said about an origin, and until when it holds."""

    expires_at: float
    rules: Protego | None = None  # None: no usable file, so everything is allowed
    deferred_because: str | None = None  # set: the origin is unreachable for now


class RobotsPolicy:
    """Answers "may we fetch this URL, and how slowly?" from each origin's robots.txt."""

    def __init__(
        self,
        load: RobotsLoader,
        user_agent: str,
        *,
        ttl_s: float = 3600.0,
        defer_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._user_agent = user_agent
        self._ttl_s = ttl_s
        self._defer_s = defer_s
        self._clock = clock
        self._verdicts: dict[str, _Verdict] = {}
        self._locks: dict[str, anyio.Lock] = {}

    async def check(self, destination: Destination) -> float | None:
        """The origin's Crawl-delay for us (or None); raises if the URL may not be fetched."""
        verdict = await self._verdict(destination)
        url = str(destination.url)
        if verdict.deferred_because is not None:
            raise RobotsUnavailable(url, verdict.deferred_because)
        if verdict.rules is None:
            return None
        if not verdict.rules.can_fetch(url, self._user_agent):
            raise RobotsDisallowed(url, f"disallowed by {destination.robots_url}")
        return verdict.rules.crawl_delay(self._user_agent)

    async def _verdict(self, destination: Destination) -> _Verdict:
        lock = self._locks.setdefault(destination.origin, anyio.Lock())
        async with lock:  # concurrent fetches on one origin share a single robots request
            verdict = self._verdicts.get(destination.origin)
            if verdict is None or verdict.expires_at <= self._clock():
                verdict = await self._fetch_verdict(destination.robots_url)
                self._verdicts[destination.origin] = verdict
        return verdict

    async def _fetch_verdict(self, robots_url: str) -> _Verdict:
        try:
            body = await self._load(robots_url)
        except TransientFetchError as exc:
            reason = f"{robots_url} is unreachable ({exc.reason}); host deferred"
            return _Verdict(self._clock() + self._defer_s, deferred_because=reason)
        except PermanentFetchError:
            return _Verdict(self._clock() + self._ttl_s)
        return _Verdict(self._clock() + self._ttl_s, rules=Protego.parse(_robots_text(body)))


def _robots_text(body: bytes) -> str:
    # RFC 9309 says UTF-8; a stray byte should cost one rule at most, not the whole file.
    return body.decode("utf-8", errors="replace").lstrip("\ufeff")

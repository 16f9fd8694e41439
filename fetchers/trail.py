"""What one fetch has been through so far: its redirect hops, requests and responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from fetchers.config import Fetched
from fetchers.errors import RedirectLoop, TooManyRedirects
from fetchers.exchange import Exchange


@dataclass
class Trail:
    """The redirects and requests of one fetch, so far."""

    requested_url: str
    redirects: list[str] = field(default_factory=list)
    attempts: int = 0
    response_id: int | None = None  # the last response received; the final one, at the end
    body: bytes | None = None  # the next request's body: a POST's form, None for a GET

    def follow(self, location: str, max_redirects: int) -> str:
        """Record one more hop, refusing loops and chains over the cap."""
        if comparable(location) in map(comparable, (self.requested_url, *self.redirects)):
            raise RedirectLoop(self.requested_url, f"{location} was already visited")
        if len(self.redirects) >= max_redirects:
            detail = f"more than {max_redirects} redirects (next: {location})"
            raise TooManyRedirects(self.requested_url, detail)
        self.redirects.append(location)
        self.body = None  # the form was for the URL it was posted to: the next hop is a GET
        return location

    def fetched(self, response: Exchange, elapsed_s: float) -> Fetched:
        """The fetch's result, once `response` (its last) is a usable one."""
        return Fetched(
            requested_url=self.requested_url,
            final_url=response.url,
            status=response.status,
            headers=tuple(response.headers.multi_items()),
            content=response.content,
            media_type=response.media_type,
            charset=response.charset,
            fetched_at=datetime.now(UTC),
            redirects=tuple(self.redirects),
            not_modified=response.status == 304,
            elapsed_s=elapsed_s,
            attempts=self.attempts,
            response_id=self.response_id,
        )


def comparable(url: str) -> str:
    """A URL as httpx normalises it (case, default port, no fragment), for loop checks."""
    try:
        return str(httpx.URL(url).copy_with(fragment=None))
    except httpx.InvalidURL:
        return url

"""What the fetcher is told (`FetchConfig`), what it hands back (`Fetched`), and what it
shows an observer of every response it receives (`Received`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

USER_AGENT = "newsflow/0.1 (+https://github.com/newsflow/newsflow)"

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
    }
)
ROBOTS_KIND = "robots"  # internal: robots.txt is read whatever type it claims


def _default_content_types() -> Mapping[str, frozenset[str]]:
    return MappingProxyType({"page": PAGE_TYPES, "feed": FEED_TYPES})


@dataclass(frozen=True)
class FetchConfig:
    """Politeness, limits and policy for one `Fetcher`. Times are seconds."""

    user_agent: str = USER_AGENT
    per_host_concurrency: int = 1
    delay_s: float = 1.0  # minimum gap between request starts on one host
    crawl_delay_cap_s: float = 10.0  # robots.txt Crawl-delay is honoured up to this
    max_in_flight: int = 16  # requests in flight across all hosts
    max_retries: int = 3  # retries after the first attempt, for transient failures
    backoff_base_s: float = 0.5  # first retry waits about this, doubling each time
    max_retry_after_s: float = 120.0  # a longer Retry-After gives up instead of waiting
    deadline_s: float = 30.0  # one exchange, start to last body byte; each retry/hop anew
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 15.0  # inactivity between two reads, not the total
    max_body_bytes: int = 5 * 1024 * 1024  # decoded size
    max_robots_bytes: int = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB
    max_redirects: int = 5
    allow_hosts: tuple[str, ...] = ()  # "HOST[:PORT]" entries that may be non-public
    respect_robots: bool = True
    robots_ttl_s: float = 3600.0
    robots_defer_s: float = 60.0  # how long an unreachable robots.txt defers its host
    content_types: Mapping[str, frozenset[str]] = field(
        default_factory=_default_content_types, hash=False
    )

    def __post_init__(self) -> None:
        if min(self.per_host_concurrency, self.max_in_flight) < 1:
            raise ValueError("per_host_concurrency and max_in_flight must be at least 1")

    def accepts(self, kind: str, media_type: str | None) -> bool:
        """Whether a response of `media_type` is acceptable for a fetch of `kind`."""
        if kind == ROBOTS_KIND:
            return True
        return media_type is not None and media_type in self.content_types[kind]

    def accept_header(self, kind: str) -> str:
        if kind == ROBOTS_KIND:
            return "text/plain, */*;q=0.1"
        return ", ".join(sorted(self.content_types[kind])) + ", */*;q=0.1"


@dataclass(frozen=True)
class Fetched:
    """One successful fetch. `content` is the decoded body (empty when not modified)."""

    requested_url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    media_type: str | None  # e.g. "text/html", lower case, from Content-Type
    charset: str | None  # from the Content-Type header only; sniffing is the caller's job
    fetched_at: datetime  # UTC
    redirects: tuple[str, ...]  # every URL after the requested one, in order
    not_modified: bool
    elapsed_s: float  # wall time of the whole fetch, waits included
    attempts: int  # HTTP requests sent for this fetch: retries and redirect hops
    response_id: int | None = None  # the `Received.response_id` of the final response

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Received:
    """One HTTP response as it arrived, for an archive: every redirect hop, every retried
    attempt, error statuses, robots.txt. Failures before a response (a refused destination,
    no connection, no status line in time) have none, so nothing is received for them.

    `content` is the decoded body, at most the kind's size cap. `truncated` says why it is
    incomplete, in the words of WARC-Truncated: "length" (over the cap, or declared over
    it and not read), "time" (the deadline ran out mid-body), "disconnect" (the connection
    broke mid-body), "unspecified" (not read or not decodable: a media type the kind does
    not accept, an unknown or corrupt Content-Encoding); None when the body is whole.
    """

    response_id: int  # unique within one Fetcher; `Fetched.response_id` names the final one
    requested_url: str  # what the fetch was asked for: the first URL of its redirect chain
    url: str  # what this request asked for
    kind: str  # the fetch's kind, or "robots"
    status: int
    reason: str  # the status line's reason phrase, as the server sent it
    headers: tuple[tuple[str, str], ...]
    content: bytes
    truncated: str | None
    received_at: datetime  # UTC


# Called from a worker thread, once per response and before the fetch goes on (a retry, the
# next hop, the result), so it may block on disk but must be thread-safe. What it raises
# ends the fetch: an archive that cannot be written is not skipped silently.
ResponseObserver = Callable[[Received], None]

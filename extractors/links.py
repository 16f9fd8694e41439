"""The records discovery hands from stage to stage, before and after a page is fetched.

    feed / sitemap / search bytes --parse--> FoundLink --+ provenance--> Candidate

A `FoundLink` is what one source document said about a URL (title, date, publisher), as
parsed from bytes we fetched; a `Candidate` adds who found it, with which query, and when,
plus the canonical URL that is its identity. Both are pure data: nothing here fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_URL_CHARS = 2048  # longer "URLs" in feeds are junk or attacks; they are skipped

# What became of a candidate (candidates.status).
PENDING = "pending"  # found, not fetched yet (or over the run's page cap)
LANDED = "landed"
DUPLICATE = "duplicate"  # same canonical URL or same text as an article already there
OFF_TOPIC = "off_topic"
ROBOTS_DISALLOWED = "robots_disallowed"
REFUSED = "refused"  # the network guard: private address, host not allowed, bad scheme
FAILED = "failed"  # a permanent fetch or extraction failure (404, too large, not HTML)
DEFERRED = "deferred"  # transient: robots.txt unreachable, 503 after retries, timeout
RETRIED_STATUSES = (PENDING, FAILED, DEFERRED)  # tried again next run, up to max_attempts


@dataclass(frozen=True)
class FoundLink:
    """A URL named by a feed, sitemap or search result, with what that document said."""

    url: str  # absolute, as found (tracking parameters and all)
    title: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    publisher: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A URL that may be an article on the topic, with the provenance of its sighting."""

    url: str  # as found
    canonical_url: str  # identity: tracking parameters and fragment dropped
    source_id: str  # the feed, sitemap, search provider or web source that named it
    query: str | None  # the search query, or None for feeds and sitemaps
    found_at: datetime
    title: str | None = None
    published_at: datetime | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class SitemapDocument:
    """One parsed sitemap: article links, or (for an index) the child sitemaps."""

    links: tuple[FoundLink, ...] = ()
    children: tuple[str, ...] = ()
    truncated: bool = False  # more entries than the cap; the rest were not read


@dataclass(frozen=True)
class SearchResults:
    """One search API answer: its links, and whether it hit the provider's record cap."""

    links: tuple[FoundLink, ...]
    capped: bool = False


@dataclass(frozen=True)
class PlannedFetch:
    """A candidate chosen for this run's fetches, with what is known from earlier runs."""

    canonical_url: str  # also the URL requested
    source_id: str
    query: str | None
    status: str  # before this run: pending, landed, off_topic, ...
    article_id: str | None = None
    score: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0
    final_url: str | None = None  # where the last fetch ended (a Google News link's article)
    profile_hash: str | None = None  # of the topic profile its score was computed against
    content_sha256: str | None = None  # the last full response's bytes, in the raw store
    stored_copy: str | None = None  # their file, when known: a 304 may re-score them


@dataclass(frozen=True)
class CandidateOutcome:
    """What one fetch of a candidate came to; `status` None keeps the earlier one (304)."""

    canonical_url: str
    status: str | None
    checked_at: datetime
    score: float | None = None
    reason: str | None = None
    article_id: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    failed: bool = False  # counts towards the attempts that end in giving up
    warc_file: str | None = None
    warc_offset: int | None = None
    profile_hash: str | None = None  # the topic profile `score` was computed against


@dataclass(frozen=True)
class Validators:
    """What to send next time to ask "changed since?", and where the bytes are kept."""

    url: str
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    status: int
    fetched_at: datetime

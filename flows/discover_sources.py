"""Reading one source (a feed or a sitemap) into candidates, politely and within bounds.

Source documents are fetched conditionally like pages. On a 304 the body last received
is read back from the raw store (`http_validators.content_sha256` names it), so an
unchanged feed still yields its candidates, and those are re-checked with conditional
requests of their own. Problems are failures with stage "discover", never exceptions.

Sitemaps are read breadth-first: an index's children are followed to `sitemap_depth`
levels, each sitemap URL at most once (an index that lists itself, or two that list each
other, end there), at most `max_sitemaps` files and `max_links_per_source` links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from extractors.feeds import FeedRefused, parse_feed
from extractors.links import Candidate, FoundLink, Validators
from extractors.normalise import content_sha256, digest
from extractors.records import Failure
from extractors.sitemaps import SitemapRefused, parse_sitemap
from extractors.urls import canonical_url
from fetchers import TransientFetchError
from flows.discover_fetch import FetchRequest, FetchResult, FetchSession
from flows.discovery_settings import Limits
from warehouse import rawstore

ValidatorLookup = Callable[[Sequence[str]], Mapping[str, Validators]]


@dataclass(frozen=True)
class SourceSpec:
    source_id: str
    kind: str  # feed | sitemap | search | web
    location: str  # the URL, or for search the provider's base URL
    provider: str | None = None  # gdelt | google_news, for kind search


@dataclass(frozen=True)
class Gathered:
    """What reading one source gave: candidates, problems, validators to keep."""

    source: SourceSpec
    candidates: tuple[Candidate, ...] = ()
    failures: tuple[Failure, ...] = ()
    validators: tuple[Validators, ...] = ()
    responses: int = 0


@dataclass(frozen=True)
class GatherContext:
    session: FetchSession
    raw_root: Path
    validators: ValidatorLookup
    limits: Limits
    found_at: datetime
    queries: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SourceDocument:
    url: str  # where it came from, after redirects
    content: bytes
    content_type: str | None


def source_id_for(kind: str, url: str) -> str:
    """``feed:host:port/path``: readable, stable, and short enough to type."""
    parts = urlsplit(url)
    text = f"{kind}:{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return text if len(text) <= 120 else f"{text[:100]}~{digest(url, length=12)}"


def candidate_for(
    link: FoundLink, source: SourceSpec, query: str | None, at: datetime
) -> Candidate:
    return Candidate(
        url=link.url,
        canonical_url=canonical_url(link.url),
        source_id=source.source_id,
        query=query,
        found_at=at,
        title=link.title,
        published_at=link.published_at,
        publisher=link.publisher,
    )


def fetch_documents(
    context: GatherContext, source: SourceSpec, urls: Sequence[str], kind: str, via: str = "site"
) -> tuple[list[SourceDocument | Failure], list[Validators]]:
    """Each URL's body (fresh, or stored when unchanged) or the failure that stopped it.

    Search calls (`via` a provider) are never conditional: their answers change by the
    minute and their URLs carry the time window, so validators would only pile up."""
    known = context.validators(urls) if via == "site" else {}
    requests = [_request(url, kind, source, known.get(url)) for url in urls]
    results = context.session.fetch(requests, via=via)
    documents = [_document(context, source, result, known) for result in results]
    kept = [v for r in results if (v := validators_of(r)) is not None] if via == "site" else []
    return documents, kept


def _request(url: str, kind: str, source: SourceSpec, known: Validators | None) -> FetchRequest:
    meta = (("Source-Id", source.source_id), ("Kind", kind))
    if known is None or known.content_sha256 is None:
        return FetchRequest(url, kind, meta=meta)
    return FetchRequest(url, kind, known.etag, known.last_modified, meta)


def _document(
    context: GatherContext, source: SourceSpec, result: FetchResult, known: Mapping[str, Validators]
) -> SourceDocument | Failure:
    fetched, url = result.fetched, result.request.url
    if fetched is None:
        error = result.error
        reason = f"{error.reason}: {error.detail}" if error and error.detail else "not fetched"
        transient = isinstance(error, TransientFetchError)
        return Failure(source.source_id, url, "discover", reason[:500], transient=transient)
    if not fetched.not_modified:
        rawstore.store(context.raw_root, content_sha256(fetched.content), fetched.content)
        return SourceDocument(fetched.final_url, fetched.content, fetched.header("content-type"))
    stored = known[url].content_sha256 if url in known else None
    path = rawstore.relative_path(stored) if stored else ""
    if not stored or not (context.raw_root / path).exists():
        return Failure(source.source_id, url, "discover", "304 but no stored copy", True)
    return SourceDocument(url, rawstore.load(context.raw_root, path), None)


def validators_of(result: FetchResult) -> Validators | None:
    fetched = result.fetched
    if fetched is None:
        return None
    sha = None if fetched.not_modified else content_sha256(fetched.content)
    etag, modified = fetched.header("etag"), fetched.header("last-modified")
    return Validators(result.request.url, etag, modified, sha, fetched.status, fetched.fetched_at)


def gather_feed(context: GatherContext, source: SourceSpec) -> Gathered:
    documents, validators = fetch_documents(context, source, [source.location], "feed")
    document = documents[0]
    if isinstance(document, Failure):
        return Gathered(source, failures=(document,), responses=len(validators))
    try:
        links = parse_feed(document.content, document.url, document.content_type)
    except FeedRefused as error:
        problem = Failure(source.source_id, source.location, "discover", f"feed refused: {error}")
        return Gathered(source, failures=(problem,), validators=tuple(validators), responses=1)
    links = links[: context.limits.max_links_per_source]
    found = tuple(candidate_for(link, source, None, context.found_at) for link in links)
    return Gathered(source, found, (), tuple(validators), 1)


def gather_sitemap(context: GatherContext, source: SourceSpec) -> Gathered:
    walk = _SitemapWalk(context, source)
    level, depth = [source.location], 0
    while level and walk.has_room():
        level = walk.read_level(level, depth)
        depth += 1
    if level:
        walk.note(f"{len(level)} sitemaps not read: a cap was reached")
    return walk.result()


class _SitemapWalk:
    """The state of one breadth-first sitemap read: visited URLs, links, problems."""

    def __init__(self, context: GatherContext, source: SourceSpec) -> None:
        self.context, self.source, self.limits = context, source, context.limits
        self.visited: set[str] = set()
        self.links: list[FoundLink] = []
        self.failures: list[Failure] = []
        self.validators: list[Validators] = []

    def has_room(self) -> bool:
        full = len(self.links) >= self.limits.max_links_per_source
        return not full and len(self.visited) < self.limits.max_sitemaps

    def read_level(self, urls: list[str], depth: int) -> list[str]:
        fresh = list(dict.fromkeys(u for u in urls if canonical_url(u) not in self.visited))
        room = self.limits.max_sitemaps - len(self.visited)
        if len(fresh) > room:
            self.note(f"more than {self.limits.max_sitemaps} sitemaps")
        fresh = fresh[:room]
        self.visited.update(canonical_url(u) for u in fresh)
        documents, validators = fetch_documents(self.context, self.source, fresh, "sitemap")
        self.validators.extend(validators)
        children = [c for d in documents for c in self._read(d)]
        if children and depth + 1 > self.limits.sitemap_depth:
            self.note(f"indexes nested deeper than {self.limits.sitemap_depth}: not followed")
            return []
        return children

    def _read(self, document: SourceDocument | Failure) -> list[str]:
        if isinstance(document, Failure):
            self.failures.append(document)
            return []
        room = self.limits.max_links_per_source - len(self.links)
        try:
            parsed = parse_sitemap(document.content, document.url, max_urls=max(room, 1))
        except SitemapRefused as error:
            self._problem(document.url, f"sitemap refused: {error}")
            return []
        self.links.extend(parsed.links[:room])
        if parsed.truncated or len(parsed.links) > room:
            self._problem(document.url, f"over {self.limits.max_links_per_source} links: cut")
        return list(parsed.children)

    def note(self, reason: str) -> None:
        self._problem(self.source.location, reason)

    def _problem(self, url: str, reason: str) -> None:
        self.failures.append(Failure(self.source.source_id, url, "discover", reason))

    def result(self) -> Gathered:
        at = self.context.found_at
        found = tuple(candidate_for(link, self.source, None, at) for link in self.links)
        failures = tuple({(f.url, f.reason): f for f in self.failures}.values())
        return Gathered(self.source, found, failures, tuple(self.validators), len(self.visited))

"""From fetched pages to what each candidate became: no network, no warehouse.

A fetch error becomes a status (robots_disallowed, refused, deferred, failed) with its
reason; a 304 keeps what the candidate already was and costs no extraction, unless the
topic changed since its score: then its stored copy (the raw store file the plan names)
is extracted and scored again against the current topic, as if just fetched; a page is
identified by its canonical URL (its ``rel=canonical`` when that names a page on the same
site, else where the redirects ended), extracted and cleaned by the seed pipeline,
scored against the topic, and fingerprinted for the near-duplicate clusters. Whether
it really lands (or duplicates an article already there) is decided when landing.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from extractors.batch import DEFAULT_DEADLINE_S, RulesSpec, extract_batch
from extractors.fingerprint import sketch
from extractors.links import (
    DEFERRED,
    FAILED,
    LANDED,
    OFF_TOPIC,
    REFUSED,
    ROBOTS_DISALLOWED,
    CandidateOutcome,
    PlannedFetch,
    Validators,
)
from extractors.normalise import digest
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.relevance import is_on_topic, relevance
from extractors.topic import TopicProfile
from extractors.urls import article_url
from fetchers import (
    Fetched,
    FetchError,
    InvalidURL,
    RefusedDestination,
    RobotsDisallowed,
    TransientFetchError,
    UnsupportedScheme,
)
from flows.discover_fetch import FetchRequest, FetchResult
from flows.discover_sources import validators_of
from warehouse import rawstore

_REFUSED = (RefusedDestination, UnsupportedScheme, InvalidURL)


@dataclass(frozen=True)
class PageResult:
    planned: PlannedFetch
    outcome: CandidateOutcome
    raw: RawDocument | None = None  # bytes kept as a document (landed, or failed extraction)
    record: ArticleRecord | None = None  # the article to land
    failure: Failure | None = None
    sketch: tuple[int, ...] = ()
    validators: Validators | None = None
    kept: bytes = b""  # an off-topic page's bytes: stored (not a document) for a re-score


def page_requests(planned: Sequence[PlannedFetch]) -> list[FetchRequest]:
    return [
        FetchRequest(
            p.canonical_url,
            "page",
            p.etag,
            p.last_modified,
            (("Source-Id", p.source_id), ("Candidate", p.canonical_url), ("Kind", "page"))
            + ((("Query", p.query),) if p.query else ()),
        )
        for p in planned
    ]


def extract_deadline_s() -> float:
    return float(os.environ.get("NEWSFLOW_EXTRACT_DEADLINE", DEFAULT_DEADLINE_S))


def process_pages(
    planned: Sequence[PlannedFetch],
    results: Sequence[FetchResult],
    profile: TopicProfile | None,
    rules: RulesSpec,
) -> list[PageResult]:
    """One PageResult per planned fetch, in order; `profile` None lands every article."""
    topic = _Topic(profile, profile_digest(profile) if profile else None)
    first = [_fetch_outcome(p, r, topic) for p, r in zip(planned, results, strict=True)]
    raws = [item for item in first if isinstance(item, RawDocument)]
    extracted = iter(extract_batch(raws, rules, deadline_s=extract_deadline_s()) if raws else [])
    return [
        _extracted(p, _unarchived(r), item, next(extracted), topic)
        if isinstance(item, RawDocument)
        else item
        for p, r, item in zip(planned, results, first, strict=True)
    ]


@dataclass(frozen=True)
class _Topic:
    profile: TopicProfile | None
    digest: str | None


def profile_digest(profile: TopicProfile) -> str:
    """Names a topic profile by what scoring reads: its terms, weights and threshold."""
    terms = sorted(f"{t.kind}:{' '.join(t.key)}:{t.weight:.6f}" for t in profile.terms)
    return digest(f"{profile.threshold:.6f}", *terms, length=16)


def _unarchived(result: FetchResult) -> FetchResult:
    # A re-scored 304 has no response of its own to point at: its WARC record is empty.
    fetched = result.fetched
    return replace(result, warc=None) if fetched and fetched.not_modified else result


def _fetch_outcome(
    planned: PlannedFetch, result: FetchResult, topic: _Topic
) -> PageResult | RawDocument:
    fetched = result.fetched
    if fetched is None:
        error = result.error or FetchError(planned.canonical_url, "not fetched")
        return _fetch_failed(planned, error)
    if fetched.not_modified:
        stored = _stored_copy(planned) if _scored_elsewhere(planned, topic) else None
        if stored is not None:
            return _stored_document(planned, fetched, stored)
        outcome = _outcome(planned, result, None)
        return PageResult(planned, outcome, validators=validators_of(result))
    return RawDocument(
        source_id=planned.source_id,
        url=article_url(fetched.final_url, fetched.content),
        content=fetched.content,
        media_type=fetched.media_type or "application/octet-stream",
        retrieved_at=fetched.fetched_at,
        charset=fetched.charset,
        requested_url=fetched.requested_url,
        final_url=fetched.final_url,
        http_status=fetched.status,
    )


def _scored_elsewhere(planned: PlannedFetch, topic: _Topic) -> bool:
    """Whether the candidate's verdict was made against another topic than this run's."""
    judged = planned.status in (LANDED, OFF_TOPIC) and planned.score is not None
    return topic.digest is not None and judged and planned.profile_hash != topic.digest


def _stored_copy(planned: PlannedFetch) -> bytes | None:
    if planned.stored_copy is None:
        return None
    path = Path(planned.stored_copy)
    try:
        return rawstore.load(path.parent, path.name)
    except (OSError, EOFError, gzip.BadGzipFile):  # gone or torn: keep the old verdict
        return None


def _stored_document(planned: PlannedFetch, fetched: Fetched, content: bytes) -> RawDocument:
    final_url = planned.final_url or fetched.final_url
    return RawDocument(
        source_id=planned.source_id,
        url=article_url(final_url, content),
        content=content,
        media_type="text/html",  # only HTML pages are fetched as pages
        retrieved_at=fetched.fetched_at,  # the 304 says the copy is still current
        requested_url=fetched.requested_url,
        final_url=final_url,
        http_status=200,
    )


def _fetch_failed(planned: PlannedFetch, error: FetchError) -> PageResult:
    reason = f"{error.reason}: {error.detail}"[:500] if error.detail else error.reason
    at = datetime.now(UTC)
    if isinstance(error, (RobotsDisallowed, *_REFUSED)):
        status = ROBOTS_DISALLOWED if isinstance(error, RobotsDisallowed) else REFUSED
        outcome = CandidateOutcome(planned.canonical_url, status, at, reason=reason)
        return PageResult(planned, outcome)
    transient = isinstance(error, TransientFetchError)
    status = DEFERRED if transient else FAILED
    outcome = CandidateOutcome(planned.canonical_url, status, at, reason=reason, failed=True)
    failure = Failure(planned.source_id, planned.canonical_url, "fetch", reason, transient)
    return PageResult(planned, outcome, failure=failure)


def _outcome(
    planned: PlannedFetch,
    result: FetchResult,
    status: str | None,
    *,
    score: float | None = None,
    reason: str | None = None,
    article_id: str | None = None,
    failed: bool = False,
    profile_hash: str | None = None,
) -> CandidateOutcome:
    fetched, warc = result.fetched, result.warc
    return CandidateOutcome(
        planned.canonical_url,
        status,
        fetched.fetched_at if fetched else datetime.now(UTC),
        score=score,
        reason=reason,
        article_id=article_id,
        final_url=fetched.final_url if fetched else None,
        http_status=fetched.status if fetched else None,
        failed=failed,
        warc_file=warc.file if warc else None,
        warc_offset=warc.offset if warc else None,
        profile_hash=profile_hash,
    )


def _extracted(
    planned: PlannedFetch,
    result: FetchResult,
    raw: RawDocument,
    extracted: ArticleRecord | Failure,
    topic: _Topic,
) -> PageResult:
    validators, profile = validators_of(result), topic.profile
    if isinstance(extracted, Failure):
        outcome = _outcome(planned, result, FAILED, reason=extracted.reason, failed=True)
        return PageResult(planned, outcome, raw, failure=extracted, validators=validators)
    score = relevance(profile, extracted.title, extracted.body) if profile else None
    digest = topic.digest
    if profile is not None and score is not None and not is_on_topic(profile, score):
        reason = f"relevance {score:.3f} below threshold {profile.threshold:g}"
        outcome = _outcome(
            planned, result, OFF_TOPIC, score=score, reason=reason, profile_hash=digest
        )
        return PageResult(planned, outcome, validators=validators, kept=raw.content)
    outcome = _outcome(
        planned, result, LANDED, score=score, article_id=extracted.article_id, profile_hash=digest
    )
    fingerprint = sketch(extracted.body)
    return PageResult(planned, outcome, raw, extracted, None, fingerprint, validators)


def with_status(page: PageResult, status: str, reason: str, article_id: str) -> PageResult:
    """The same page, decided otherwise at landing (a duplicate): nothing of it lands."""
    outcome = replace(page.outcome, status=status, reason=reason, article_id=article_id)
    return replace(page, outcome=outcome, raw=None, record=None, sketch=())

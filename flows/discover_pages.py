"""From fetched pages to what each candidate became: pure, no network, no warehouse.

A fetch error becomes a status (robots_disallowed, refused, deferred, failed) with its
reason; a 304 keeps what the candidate already was and costs no extraction; a page is
identified by its canonical URL (its ``rel=canonical`` when that names a page on the same
site, else where the redirects ended), extracted and cleaned by the seed pipeline,
scored against the topic, and fingerprinted for the near-duplicate clusters. Whether
it really lands (or duplicates an article already there) is decided when landing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

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
from extractors.records import ArticleRecord, Failure, RawDocument
from extractors.relevance import is_on_topic, relevance
from extractors.topic import TopicProfile
from extractors.urls import article_url
from fetchers import (
    FetchError,
    InvalidURL,
    RefusedDestination,
    RobotsDisallowed,
    TransientFetchError,
    UnsupportedScheme,
)
from flows.discover_fetch import FetchRequest, FetchResult
from flows.discover_sources import validators_of

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
    first = [_fetch_outcome(p, r) for p, r in zip(planned, results, strict=True)]
    raws = [item for item in first if isinstance(item, RawDocument)]
    extracted = iter(extract_batch(raws, rules, deadline_s=extract_deadline_s()) if raws else [])
    return [
        _extracted(p, r, item, next(extracted), profile) if isinstance(item, RawDocument) else item
        for p, r, item in zip(planned, results, first, strict=True)
    ]


def _fetch_outcome(planned: PlannedFetch, result: FetchResult) -> PageResult | RawDocument:
    fetched = result.fetched
    if fetched is None:
        error = result.error or FetchError(planned.canonical_url, "not fetched")
        return _fetch_failed(planned, error)
    if fetched.not_modified:
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
    )


def _extracted(
    planned: PlannedFetch,
    result: FetchResult,
    raw: RawDocument,
    extracted: ArticleRecord | Failure,
    profile: TopicProfile | None,
) -> PageResult:
    validators = validators_of(result)
    if isinstance(extracted, Failure):
        outcome = _outcome(planned, result, FAILED, reason=extracted.reason, failed=True)
        return PageResult(planned, outcome, raw, failure=extracted, validators=validators)
    score = relevance(profile, extracted.title, extracted.body) if profile else None
    if profile is not None and score is not None and not is_on_topic(profile, score):
        reason = f"relevance {score:.3f} below threshold {profile.threshold:g}"
        outcome = _outcome(planned, result, OFF_TOPIC, score=score, reason=reason)
        return PageResult(planned, outcome, validators=validators)
    outcome = _outcome(planned, result, LANDED, score=score, article_id=extracted.article_id)
    fingerprint = sketch(extracted.body)
    return PageResult(planned, outcome, raw, extracted, None, fingerprint, validators)


def with_status(page: PageResult, status: str, reason: str, article_id: str) -> PageResult:
    """The same page, decided otherwise at landing (a duplicate): nothing of it lands."""
    outcome = replace(page.outcome, status=status, reason=reason, article_id=article_id)
    return replace(page, outcome=outcome, raw=None, record=None, sketch=())

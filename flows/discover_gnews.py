"""Fetching a batch of pages, Google News article links included: each link's publisher
page comes back as if the link had redirected to it.

A Google News link (``/rss/articles/<id>``, found by the Google News search or on
news.google.com) reaches its article the cheapest way that works:

1. a link fetched before whose fetch ended at the publisher asks the publisher directly,
   with its validators (`candidates.final_url`); Google is not asked again;
2. an older id that holds the URL is decoded, and the publisher is asked directly;
3. otherwise the link is fetched as a page: an HTTP redirect is followed by the fetcher
   (checked hop by hop, like any redirect); a page that answers 200 with the JS form
   (``data-n-a-sg``/``data-n-a-ts``) is resolved by one ``garturlreq`` POST to the
   batchexecute endpoint of the link's own origin, and then the publisher is asked.

Every request goes through the run's `FetchSession` (the site fetcher: robots.txt, pacing,
the guard, the WARC). A link that cannot be resolved (no signature on its page, an
error or garbled answer) is a fetch failure of the candidate with reason
``google_news_unresolved`` and what went wrong, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from extractors.googlenews import (
    GoogleNewsRefused,
    article_id,
    batchexecute_form,
    batchexecute_url,
    decode_article_id,
    page_signature,
    parse_batchexecute,
)
from extractors.links import PlannedFetch
from fetchers import PermanentFetchError, TransientFetchError
from flows.discover_fetch import FetchRequest, FetchResult, FetchSession
from flows.discover_pages import page_requests

GOOGLE_NEWS_SOURCE = "search:google_news"  # as `flows.discover.configured_sources` names it
GOOGLE_NEWS_HOST = "news.google.com"

Pending = FetchRequest | FetchResult  # the next request of a link, or what it came to


class GoogleNewsUnresolved(PermanentFetchError):
    reason_code = "google_news_unresolved"


class GoogleNewsDeferred(TransientFetchError):
    reason_code = "google_news_unresolved"


def fetch_pages(session: FetchSession, planned: Sequence[PlannedFetch]) -> list[FetchResult]:
    """One result per planned page, in order, each under its own request."""
    requests = page_requests(planned)
    first = [_first_request(p, r) for p, r in zip(planned, requests, strict=True)]
    answers = session.fetch(first)
    results = [_as_link(r, a) for r, a in zip(requests, answers, strict=True)]
    waiting = [n for n, p in enumerate(planned) if _on_google(p, results[n])]
    if waiting:
        resolved = _resolve(session, [requests[n] for n in waiting], [results[n] for n in waiting])
        for n, result in zip(waiting, resolved, strict=True):
            results[n] = result
    return results


def is_google_news_link(planned: PlannedFetch) -> bool:
    url = planned.canonical_url
    from_google = planned.source_id == GOOGLE_NEWS_SOURCE or _host(url) == GOOGLE_NEWS_HOST
    return from_google and article_id(url) is not None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _still_on_google(url: str, link: str) -> bool:
    """Whether `url` is an article link on the link's own origin (a publisher's
    ``/articles/<slug>`` is not)."""
    try:
        same = urlsplit(url).netloc.lower() == urlsplit(link).netloc.lower()
    except ValueError:
        return False
    return same and article_id(url) is not None


def _first_request(planned: PlannedFetch, request: FetchRequest) -> FetchRequest:
    """The publisher's URL when it is known without asking Google, else the link."""
    if not is_google_news_link(planned):
        return request
    known = planned.final_url
    if known and not _still_on_google(known, request.url):
        return replace(request, url=known)
    decoded = decode_article_id(article_id(request.url) or "")
    return replace(request, url=decoded) if decoded else request


def _on_google(planned: PlannedFetch, result: FetchResult) -> bool:
    """A link whose fetch ended on Google's article page: the JS form (or a stranger)."""
    fetched = result.fetched
    if fetched is None or fetched.not_modified or not is_google_news_link(planned):
        return False
    return _still_on_google(fetched.final_url, planned.canonical_url)


def _resolve(
    session: FetchSession, pages: list[FetchRequest], found: list[FetchResult]
) -> list[FetchResult]:
    """JS-form pages: all POSTs of the batch together, then all publisher pages."""
    steps: list[Pending] = [
        _post_for(page, result) for page, result in zip(pages, found, strict=True)
    ]
    steps = _stage(session, steps, pages, _publisher_request)
    steps = _stage(session, steps, pages, _as_link)
    return [step for step in steps if isinstance(step, FetchResult)]  # all are, by now


def _stage(
    session: FetchSession,
    steps: list[Pending],
    pages: list[FetchRequest],
    then: Callable[[FetchRequest, FetchResult], Pending],
) -> list[Pending]:
    """Send every pending request at once; `then` makes each answer the next step."""
    waiting = [n for n, step in enumerate(steps) if isinstance(step, FetchRequest)]
    requests = [step for step in steps if isinstance(step, FetchRequest)]
    answers = session.fetch(requests) if requests else []
    done = list(steps)
    for n, answer in zip(waiting, answers, strict=True):
        done[n] = then(pages[n], answer)
    return done


def _post_for(page: FetchRequest, result: FetchResult) -> Pending:
    content = result.fetched.content if result.fetched else b""
    try:
        signature = page_signature(content, article_id(page.url) or "")
    except GoogleNewsRefused as error:
        return _unresolved(page, str(error))
    meta = tuple((k, "resolve" if k == "Kind" else v) for k, v in page.meta)
    form = tuple(batchexecute_form(signature).items())
    return FetchRequest(batchexecute_url(page.url), "feed", meta=meta, form=form)


def _publisher_request(page: FetchRequest, answer: FetchResult) -> Pending:
    if answer.fetched is None:
        error = answer.error
        detail = f"batchexecute: {error.reason}: {error.detail}" if error else "batchexecute"
        return _unresolved(page, detail, transient=isinstance(error, TransientFetchError))
    try:
        return replace(page, url=parse_batchexecute(answer.fetched.content))
    except GoogleNewsRefused as error:
        return _unresolved(page, str(error))


def _as_link(request: FetchRequest, result: FetchResult) -> FetchResult:
    """`result` of a request sent elsewhere, shown as the link's: requested as the link,
    redirected to where it was sent."""
    fetched = result.fetched
    if result.request.url == request.url:
        return result
    if fetched is None:
        return replace(result, request=request)
    hops = (fetched.requested_url, *fetched.redirects)
    return replace(
        result, request=request, fetched=replace(fetched, requested_url=request.url, redirects=hops)
    )


def _unresolved(page: FetchRequest, detail: str, transient: bool = False) -> FetchResult:
    kind = GoogleNewsDeferred if transient else GoogleNewsUnresolved
    return FetchResult(page, error=kind(page.url, detail))

"""Topic search: the GDELT DOC 2.0 API and Google News RSS, one query at a time.

GDELT answers at most 250 articles per call, so the lookback period is cut into slices
(`slice_hours`), and a slice whose answer is full is halved and asked again, down to
`min_slice_minutes`, within `max_calls` calls per run. The provider's own fetcher keeps
calls `min_interval_s` apart (GDELT asks for one per 5 s) and backs off on 429 with its
Retry-After; a provider still refusing after the retries is left for the next run.
Google News RSS answers one feed per query; its links go through news.google.com and are
resolved when their page is fetched (`flows.discover_gnews`: decoded, redirected, or
through the JS form's batchexecute call).
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from extractors.links import Candidate, Validators
from extractors.records import Failure
from extractors.search import (
    SearchRefused,
    Window,
    gdelt_url,
    google_news_url,
    halves,
    parse_gdelt,
    parse_google_news,
    time_slices,
)
from flows.discover_sources import (
    GatherContext,
    Gathered,
    SourceDocument,
    SourceSpec,
    candidate_for,
    fetch_documents,
)
from flows.discovery_settings import Gdelt, GoogleNews


class _Search:
    """Candidates, problems and validators collected over one provider's calls."""

    def __init__(self, context: GatherContext, source: SourceSpec, via: str) -> None:
        self.context, self.source, self.via = context, source, via
        self.found: list[Candidate] = []
        self.failures: list[Failure] = []
        self.validators: list[Validators] = []
        self.calls = 0

    def call(self, url: str) -> SourceDocument | None:
        """One API call; None (and a recorded failure) when it brought nothing usable."""
        self.calls += 1
        documents, validators = fetch_documents(self.context, self.source, [url], "feed", self.via)
        self.validators.extend(validators)
        if isinstance(documents[0], Failure):
            self.failures.append(documents[0])
            return None
        return documents[0]

    def refused(self, url: str, error: Exception) -> None:
        self.failures.append(Failure(self.source.source_id, url, "discover", str(error)[:500]))

    def result(self) -> Gathered:
        return Gathered(
            self.source,
            tuple(self.found),
            tuple(self.failures),
            tuple(self.validators),
            self.calls,
        )


def gather_gdelt(context: GatherContext, source: SourceSpec, settings: Gdelt) -> Gathered:
    search = _Search(context, source, "gdelt")
    for query in context.queries:
        if not _gdelt_query(search, settings, query):
            break  # refused or rate-limited: spare the provider until the next run
    return search.result()


def _gdelt_query(search: _Search, settings: Gdelt, query: str) -> bool:
    """All windows of one query; False when the provider stopped answering."""
    slices = time_slices(
        search.context.found_at,
        timedelta(hours=settings.lookback_hours),
        timedelta(hours=settings.slice_hours),
    )
    windows: deque[Window] = deque(slices)
    smallest = timedelta(minutes=settings.min_slice_minutes)
    while windows and search.calls < settings.max_calls:
        window = windows.popleft()
        answer = _gdelt_call(search, settings, query, window)
        if answer is None:
            return False
        if answer and window[1] - window[0] >= 2 * smallest:
            windows.extendleft(reversed(halves(window)))  # full: the window holds more
    return True


def _gdelt_call(search: _Search, settings: Gdelt, query: str, window: Window) -> bool | None:
    """True when the answer was capped (full), False when not, None when it failed."""
    url = gdelt_url(settings.base_url, query, window, settings.max_records)
    document = search.call(url)
    if document is None:
        return None
    try:
        results = parse_gdelt(document.content, settings.max_records)
    except SearchRefused as error:
        search.refused(url, error)
        return None
    at = search.context.found_at
    search.found.extend(candidate_for(link, search.source, query, at) for link in results.links)
    return results.capped


def gather_google_news(
    context: GatherContext, source: SourceSpec, settings: GoogleNews
) -> Gathered:
    search = _Search(context, source, "google_news")
    for query in context.queries:
        url = google_news_url(
            settings.base_url, query, settings.language, settings.country, settings.when
        )
        document = search.call(url)
        if document is None:
            break
        try:
            results = parse_google_news(document.content, document.url)
        except ValueError as error:  # FeedRefused: hostile or not a feed
            search.refused(url, error)
            break
        at = context.found_at
        search.found.extend(candidate_for(link, source, query, at) for link in results.links)
    return search.result()

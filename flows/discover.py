"""A discovery run as a sequence of batched steps, independent of how it is orchestrated.

    topic -> start -> gather (one step per source) -> record candidates
          -> per batch of pages: fetch -> extract and score -> land -> finish

`run_discovery` is called by the Prefect flow `discover` (steps are tasks, see
`flows.discover_flow`) and by the local mode (steps are the plain functions of
`flows.discover_steps`); this module never imports Prefect. Steps are per source and per
batch of pages, never per article. `newsflow fetch URL...` is the same run with only the
given URLs, as candidates of a `web:HOST` source each, and no relevance filter.
`refetch_source` (`newsflow reingest SOURCE --refetch`) is the fetch, extract and land
part alone, over the pages one source was fetched from, with conditional requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from extractors.batch import DEFAULT_RULES, RulesSpec
from extractors.links import Candidate, PlannedFetch
from extractors.topic import TopicProfile
from extractors.urls import canonical_url
from flows.discover_fetch import FetchResult, FetchSession
from flows.discover_land import Recorded
from flows.discover_pages import PageResult
from flows.discover_sources import (
    GatherContext,
    Gathered,
    SourceSpec,
    ValidatorLookup,
    source_id_for,
)
from flows.discover_topic import NoTopic, default_queries
from flows.discovery_settings import Settings, load_settings
from flows.pipeline import new_run_id
from flows.refetch import RefetchSummary, plan_refetch, refetch_steps, refetched, start_refetch
from flows.templates import rules_for_run
from warehouse.rawstore import raw_root

COUNTS = (
    "sources",
    "source_failures",
    "found",
    "new_candidates",
    "over_cap",
    "fetched",
    "not_modified",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "duplicates",
    "off_topic",
    "robots_disallowed",
    "refused",
    "failed",
    "deferred",
    "removals",
)


@dataclass(frozen=True)
class DiscoverySummary:
    run_id: str
    mode: str
    sources: int = 0
    source_failures: int = 0
    found: int = 0  # distinct candidate URLs named by the sources this run
    new_candidates: int = 0
    over_cap: int = 0  # planned but left for the next run (max_pages)
    fetched: int = 0  # full responses
    not_modified: int = 0  # 304: nothing re-extracted
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    duplicates: int = 0
    off_topic: int = 0
    robots_disallowed: int = 0
    refused: int = 0
    failed: int = 0
    deferred: int = 0
    removals: int = 0
    failure_lines: tuple[str, ...] = field(default=())

    def add(self, other: DiscoverySummary) -> DiscoverySummary:
        counts = {name: getattr(self, name) + getattr(other, name) for name in COUNTS}
        return replace(self, failure_lines=self.failure_lines + other.failure_lines, **counts)

    @property
    def failures(self) -> int:
        return self.failed + self.deferred + self.source_failures


@dataclass(frozen=True)
class DiscoverySteps:
    topic: Callable[[str, Settings], TopicProfile | None]
    start: Callable[[str, str, str, dict[str, object], list[SourceSpec]], None]
    gather: Callable[[GatherContext, SourceSpec, Settings], Gathered]
    record: Callable[[str, str, list[Gathered], list[Candidate], int], Recorded]
    fetch: Callable[[FetchSession, list[PlannedFetch]], list[FetchResult]]
    process: Callable[
        [list[PlannedFetch], list[FetchResult], TopicProfile | None, RulesSpec], list[PageResult]
    ]
    land: Callable[[str, str, list[PageResult]], DiscoverySummary]
    finish: Callable[[str, DiscoverySummary, str | None], None]
    validators: Callable[[str], ValidatorLookup]


def configured_sources(settings: Settings) -> list[SourceSpec]:
    sources = [SourceSpec(source_id_for("feed", url), "feed", url) for url in settings.feeds]
    sources += [SourceSpec(source_id_for("sitemap", u), "sitemap", u) for u in settings.sitemaps]
    for name, provider in (("gdelt", settings.gdelt), ("google_news", settings.google_news)):
        if provider is not None:
            sources.append(SourceSpec(f"search:{name}", "search", provider.base_url, name))
    return list({source.source_id: source for source in sources}.values())


def web_candidates(urls: Sequence[str], at: datetime) -> tuple[list[SourceSpec], list[Candidate]]:
    """`newsflow fetch` URLs: one `web:HOST` source per host, each URL a candidate."""
    sources: dict[str, SourceSpec] = {}
    found = []
    for url in urls:
        host = urlsplit(url).netloc or "unknown"
        source = sources.setdefault(host, SourceSpec(f"web:{host}", "web", f"http://{host}/"))
        found.append(Candidate(url, canonical_url(url), source.source_id, None, at))
    return list(sources.values()), found


@dataclass(frozen=True)
class _Run:
    """What every phase of one run needs to know."""

    settings: Settings
    warehouse: str
    steps: DiscoverySteps
    run_id: str
    profile: TopicProfile | None
    rules: RulesSpec


def run_discovery(
    settings: Settings,
    warehouse: str,
    steps: DiscoverySteps,
    *,
    mode: str,
    run_id: str | None = None,
    urls: Sequence[str] = (),
    relevance_filter: bool = True,
    rules: RulesSpec = DEFAULT_RULES,
) -> DiscoverySummary:
    """One run; raises NoTopic before anything is written if the topic is needed and empty."""
    run = _new_run(settings, warehouse, steps, run_id, rules, relevance_filter)
    web_sources, direct = web_candidates(urls, datetime.now(UTC))
    sources = web_sources if urls else configured_sources(settings)
    parameters: dict[str, object] = {"config": settings.path, "urls": list(urls)}
    steps.start(warehouse, run.run_id, mode, parameters, sources)
    summary = DiscoverySummary(run.run_id, mode, sources=len(sources))
    return _in_session(run, summary, lambda session, s: _discover(run, session, sources, direct, s))


def refetch_source(
    source_id: str,
    warehouse: str,
    settings: Settings | None = None,
    *,
    mode: str = "local",
    prefect_flow_run_id: str | None = None,
) -> RefetchSummary:
    """Conditional requests for every page SOURCE_ID was fetched from; a page that changed
    lands as discovery lands it (a new document, its article updated with the earlier
    version kept), a 304 changes nothing. `settings` default to ./newsflow.toml's."""
    from flows.discover_steps import LOCAL_STEPS  # it imports this module

    plan = plan_refetch(warehouse, source_id)  # UnknownSource before anything is sent
    if not plan.pages:
        return RefetchSummary(source_id, plan.kind)
    settings = settings or load_settings()
    steps = refetch_steps(LOCAL_STEPS)
    run = _new_run(settings, warehouse, steps, None, DEFAULT_RULES, plan.relevance_filter)
    start_refetch(warehouse, run.run_id, mode, plan, prefect_flow_run_id)
    pages = list(plan.pages)
    summary = _in_session(
        run,
        DiscoverySummary(run.run_id, mode, sources=1),
        lambda session, s: _fetch_pages(run, session, pages, s),
    )
    return refetched(plan, summary)


def _new_run(
    settings: Settings,
    warehouse: str,
    steps: DiscoverySteps,
    run_id: str | None,
    rules: RulesSpec,
    relevance_filter: bool,
) -> _Run:
    """Raises NoTopic, before anything is written, if the topic is needed and empty."""
    profile = steps.topic(warehouse, settings) if relevance_filter else None
    if relevance_filter and profile is None:
        raise NoTopic("no topic: ingest seed articles first, or set [topic] terms in newsflow.toml")
    rules = rules_for_run(rules, warehouse)  # newsflow.toml's rules, learned templates
    return _Run(settings, warehouse, steps, run_id or new_run_id(), profile, rules)


def _in_session(
    run: _Run,
    summary: DiscoverySummary,
    body: Callable[[FetchSession, DiscoverySummary], DiscoverySummary],
) -> DiscoverySummary:
    """`body` with the run's fetchers; the run is finished (or failed) in the warehouse."""
    try:
        with FetchSession(run.settings, run.warehouse, run.run_id) as session:
            summary = body(session, summary)
    except BaseException as error:
        with contextlib.suppress(Exception):  # the original error is the one to raise
            run.steps.finish(run.warehouse, summary, f"{type(error).__name__}: {error}")
        raise
    run.steps.finish(run.warehouse, summary, None)
    return summary


def _discover(
    run: _Run,
    session: FetchSession,
    sources: Sequence[SourceSpec],
    direct: Sequence[Candidate],
    summary: DiscoverySummary,
) -> DiscoverySummary:
    settings, steps = run.settings, run.steps
    context = GatherContext(
        session,
        raw_root(run.warehouse),
        steps.validators(run.warehouse),
        settings.limits,
        datetime.now(UTC),
        tuple(settings.queries or default_queries(run.profile)),
    )
    gathered = [steps.gather(context, s, settings) for s in sources if s.kind != "web"]
    summary = _gathered(summary, gathered, direct)
    limits = settings.limits
    recorded = steps.record(run.warehouse, run.run_id, gathered, list(direct), limits.max_attempts)
    planned = list(recorded.planned[: limits.max_pages])
    summary = replace(
        summary,
        new_candidates=recorded.new_candidates,
        over_cap=len(recorded.planned) - len(planned),
    )
    return _fetch_pages(run, session, planned, summary)


def _gathered(
    summary: DiscoverySummary, gathered: Sequence[Gathered], direct: Sequence[Candidate]
) -> DiscoverySummary:
    found = {c.canonical_url for g in gathered for c in g.candidates}
    found |= {c.canonical_url for c in direct}
    problems = [f for g in gathered for f in g.failures]
    lines = tuple(f"{f.url}: {f.stage}: {f.reason}" for f in problems)
    return replace(summary, found=len(found), source_failures=len(problems), failure_lines=lines)


def _fetch_pages(
    run: _Run, session: FetchSession, planned: list[PlannedFetch], summary: DiscoverySummary
) -> DiscoverySummary:
    """Fetch, extract and land the planned pages, one batch at a time."""
    size = max(1, run.settings.limits.batch_size)
    for start in range(0, len(planned), size):
        batch = planned[start : start + size]
        results = run.steps.fetch(session, batch)
        pages = run.steps.process(batch, results, run.profile, run.rules)
        summary = summary.add(run.steps.land(run.warehouse, run.run_id, pages))
    return summary

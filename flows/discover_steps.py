"""The plain step functions of a discovery run: the local mode calls them directly, the
Prefect flow (`flows.discover_flow`) wraps each one as a task. No Prefect import here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from extractors.batch import RulesSpec
from extractors.links import (
    DEFERRED,
    DUPLICATE,
    FAILED,
    OFF_TOPIC,
    REFUSED,
    ROBOTS_DISALLOWED,
    Candidate,
    PlannedFetch,
    Validators,
)
from extractors.topic import TopicProfile
from flows.discover import DiscoverySteps, DiscoverySummary
from flows.discover_fetch import FetchResult, FetchSession
from flows.discover_gnews import fetch_pages
from flows.discover_land import Recorded, land_pages, record_candidates
from flows.discover_pages import PageResult, process_pages
from flows.discover_search import gather_gdelt, gather_google_news
from flows.discover_sources import (
    GatherContext,
    Gathered,
    SourceSpec,
    ValidatorLookup,
    gather_feed,
    gather_sitemap,
)
from flows.discover_topic import load_profile
from flows.discovery_settings import Settings
from flows.pipeline import versions
from flows.templates import relearn_after_run
from warehouse.analysis import after_run
from warehouse.connection import reading, writing
from warehouse.runs import RunTotals, finish_run, start_run, upsert_source
from warehouse.validators import stored_validators

FLOW_NAME = "discover"


def topic(warehouse: str, settings: Settings) -> TopicProfile | None:
    return load_profile(warehouse, settings)


def start(
    warehouse: str,
    run_id: str,
    mode: str,
    parameters: dict[str, object],
    sources: list[SourceSpec],
    prefect_flow_run_id: str | None = None,
) -> None:
    with writing(warehouse) as con:
        for source in sources:
            upsert_source(con, source.source_id, source.kind, source.location)
        start_run(con, run_id, FLOW_NAME, mode, parameters, versions(), prefect_flow_run_id)


def validators(warehouse: str) -> ValidatorLookup:
    def lookup(urls: Sequence[str]) -> Mapping[str, Validators]:
        with reading(warehouse) as con:
            return stored_validators(con, urls)

    return lookup


def gather(context: GatherContext, source: SourceSpec, settings: Settings) -> Gathered:
    if source.kind == "feed":
        return gather_feed(context, source)
    if source.kind == "sitemap":
        return gather_sitemap(context, source)
    if source.provider == "gdelt" and settings.gdelt is not None:
        return gather_gdelt(context, source, settings.gdelt)
    if source.provider == "google_news" and settings.google_news is not None:
        return gather_google_news(context, source, settings.google_news)
    return Gathered(source)


def record(
    warehouse: str,
    run_id: str,
    gathered: list[Gathered],
    direct: list[Candidate],
    max_attempts: int,
) -> Recorded:
    return record_candidates(warehouse, run_id, gathered, direct, max_attempts)


def fetch(session: FetchSession, planned: list[PlannedFetch]) -> list[FetchResult]:
    return fetch_pages(session, planned)  # Google News links resolved on the way


def process(
    planned: list[PlannedFetch],
    results: list[FetchResult],
    profile: TopicProfile | None,
    rules: RulesSpec,
) -> list[PageResult]:
    return process_pages(planned, results, profile, rules)


def land(warehouse: str, run_id: str, pages: list[PageResult]) -> DiscoverySummary:
    decided, counts = land_pages(warehouse, run_id, pages)
    statuses = Counter(page.outcome.status for page in decided)
    fetched = [p for p in decided if p.outcome.http_status is not None]
    failures = [p.failure for p in decided if p.failure is not None]
    return DiscoverySummary(
        run_id=run_id,
        mode="",
        fetched=sum(1 for p in fetched if p.outcome.http_status != 304),
        not_modified=sum(1 for p in fetched if p.outcome.http_status == 304),
        articles_new=counts.articles_new,
        articles_updated=counts.articles_updated,
        articles_unchanged=counts.articles_unchanged,
        duplicates=statuses[DUPLICATE],
        off_topic=statuses[OFF_TOPIC],
        robots_disallowed=statuses[ROBOTS_DISALLOWED],
        refused=statuses[REFUSED],
        failed=statuses[FAILED],
        deferred=statuses[DEFERRED],
        removals=sum(len(p.record.removals) for p in decided if p.record is not None),
        failure_lines=tuple(f"{f.url}: {f.stage}: {f.reason}" for f in failures),
    )


def finish(warehouse: str, summary: DiscoverySummary, error: str | None) -> None:
    if error is None:  # the fetched sources learn their templates (flows/templates.py)
        relearn_after_run(warehouse, summary.run_id)
    totals = RunTotals(
        documents_read=summary.fetched,
        articles_new=summary.articles_new,
        articles_updated=summary.articles_updated,
        articles_unchanged=summary.articles_unchanged,
        removals=summary.removals,
        failures=summary.failures,
    )
    with writing(warehouse) as con:
        finish_run(con, summary.run_id, totals, error)
    after_run(warehouse)  # search index, views and read snapshot, once per run


LOCAL_STEPS = DiscoverySteps(
    topic=topic,
    start=start,
    gather=gather,
    record=record,
    fetch=fetch,
    process=process,
    land=land,
    finish=finish,
    validators=validators,
)

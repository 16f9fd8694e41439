"""Re-ingesting discovered pages from WARC files, with no network at all.

Every page response of a run's WARC carries its provenance (source, candidate URL,
query) in `Newsflow-*` record headers, so replaying a WARC into a warehouse runs the
same steps as the live run from the point where the bytes arrived: canonical URL,
extraction, relevance, duplicates, clusters, landing. No fetcher is created, so nothing
can reach the network; 304 answers, error responses, redirect hops, truncated bodies and
responses to feeds, sitemaps, searches and robots.txt are skipped (they carry no article).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from extractors.batch import DEFAULT_RULES, RulesSpec
from extractors.links import Candidate, PlannedFetch
from extractors.urls import canonical_url
from fetchers import Fetched
from fetchers.headers import parse_content_type
from flows import discover_steps
from flows.discover import DiscoverySummary
from flows.discover_fetch import FetchRequest, FetchResult
from flows.discover_pages import process_pages
from flows.discover_topic import NoTopic
from flows.discovery_settings import Settings
from flows.pipeline import new_run_id, versions
from warehouse import clusters
from warehouse.connection import writing
from warehouse.discovery import ensure_sources, plan_fetches, record_sightings
from warehouse.runs import start_run
from warehouse.warcarchive import ArchivedResponse, iter_responses

NEVER_GIVE_UP = 2**31 - 1


def archived_pages(paths: Sequence[Path]) -> list[ArchivedResponse]:
    """The full page responses of the WARC files, the last one per candidate URL."""
    pages = [
        response
        for path in paths
        for response in iter_responses(path)
        if response.meta.get("Kind") == "page"
        and response.status == 200
        and response.truncated is None  # a cut-short body was never landed either
    ]
    return list({page.meta.get("Candidate", page.url): page for page in pages}.values())


def run_replay(
    paths: Sequence[Path], warehouse: str, settings: Settings, rules: RulesSpec = DEFAULT_RULES
) -> DiscoverySummary:
    profile = discover_steps.topic(warehouse, settings)
    if profile is None:
        raise NoTopic("no topic: ingest seed articles first, or set [topic] terms in newsflow.toml")
    run_id = new_run_id()
    pages = archived_pages(paths)
    candidates = [_candidate(page) for page in pages]
    planned = _start(warehouse, run_id, [str(p) for p in paths], candidates)
    by_url = {p.canonical_url: p for p in planned}
    summary = DiscoverySummary(run_id, "local", found=len(candidates))
    pairs = [(by_url[c.canonical_url], p) for c, p in zip(candidates, pages, strict=True)]
    size = max(1, settings.limits.batch_size)
    for start in range(0, len(pairs), size):
        chosen = pairs[start : start + size]
        results = [_result(plan, page) for plan, page in chosen]
        processed = process_pages([plan for plan, _ in chosen], results, profile, rules)
        summary = summary.add(discover_steps.land(warehouse, run_id, processed))
    discover_steps.finish(warehouse, summary, None)
    return summary


def _candidate(page: ArchivedResponse) -> Candidate:
    found = page.meta.get("Candidate") or page.url
    return Candidate(
        url=found,
        canonical_url=canonical_url(found),
        source_id=page.meta.get("Source-Id") or "warc",
        query=page.meta.get("Query"),
        found_at=_date(page.date),
    )


def _start(
    warehouse: str, run_id: str, paths: list[str], candidates: Sequence[Candidate]
) -> list[PlannedFetch]:
    sources = [(c.source_id, c.source_id.split(":", 1)[0], c.source_id) for c in candidates]
    with writing(warehouse) as con:
        ensure_sources(con, sources)
        start_run(con, run_id, "replay-warc", "local", {"warcs": paths}, versions())
        record_sightings(con, run_id, candidates)
        clusters.backfill_all(con, run_id)  # as a live run does before its pages land
        return plan_fetches(con, [c.canonical_url for c in candidates], NEVER_GIVE_UP)


def _result(planned: PlannedFetch, page: ArchivedResponse) -> FetchResult:
    media_type, charset = parse_content_type(_header(page, "content-type"))
    fetched = Fetched(
        requested_url=page.meta.get("Requested-URL") or planned.canonical_url,
        final_url=page.url,
        status=page.status,
        headers=page.headers,
        content=page.content,
        media_type=media_type,
        charset=charset,
        fetched_at=_date(page.date),
        redirects=(),
        not_modified=False,
        elapsed_s=0.0,
        attempts=0,
    )
    request = FetchRequest(planned.canonical_url, "page")
    return FetchResult(request, fetched, None, page.position)


def _header(page: ArchivedResponse, name: str) -> str | None:
    return next((v for k, v in page.headers if k.lower() == name), None)


def _date(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, AttributeError):
        return datetime.now(UTC)

"""Landing discovery's results: candidates first, then each batch of pages, each in one
short transaction.

Identity rules, applied inside the landing transaction so that no concurrent run can
slip between the check and the write: one article per canonical URL (a second candidate
that resolves to an article already there, or earlier in the batch, is a duplicate of
it, unless it is the candidate that landed that article and is re-checking it), and one
article per cleaned text (a body whose content_hash another article has is a duplicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from extractors.links import DUPLICATE, LANDED, Candidate, PlannedFetch
from extractors.normalise import content_sha256
from extractors.pipeline import document_id
from flows.discover_pages import PageResult, with_status
from flows.discover_sources import Gathered
from warehouse import clusters, rawstore
from warehouse.connection import writing
from warehouse.discovery import plan_fetches, record_sightings, resolve_source_failures
from warehouse.discovery_landing import (
    DiscoveredBatch,
    KnownIdentities,
    known_identities,
    land_discovered,
)
from warehouse.landing import BatchCounts, land_batch
from warehouse.validators import record_validators

NO_ATTEMPT_CAP = 2**31 - 1


@dataclass(frozen=True)
class Recorded:
    new_candidates: int
    planned: tuple[PlannedFetch, ...]


def record_candidates(
    warehouse: str,
    run_id: str,
    gathered: Sequence[Gathered],
    direct: Sequence[Candidate],
    max_attempts: int,
) -> Recorded:
    """Every sighting, every source problem, and the plan of this run's page fetches."""
    found = [c for g in gathered for c in g.candidates] + list(direct)
    problems = [f for g in gathered for f in g.failures]
    urls = list(dict.fromkeys(c.canonical_url for c in found))
    with writing(warehouse) as con:
        new = record_sightings(con, run_id, found)
        record_validators(con, run_id, [v for g in gathered for v in g.validators])
        land_batch(con, run_id, [], [], problems)
        sources = [g.source.source_id for g in gathered]
        resolve_source_failures(con, sources, [f.url for f in problems])
        # `newsflow fetch` (direct URLs) fetches what it was given whatever happened
        # before, and nothing else: its pages skip the topic filter.
        cap = NO_ATTEMPT_CAP if direct else max_attempts
        planned = plan_fetches(con, urls, cap, retry_earlier=not direct)
        clusters.backfill_all(con, run_id)  # articles from before clusters: the seeds
    root = rawstore.raw_root(warehouse)
    return Recorded(new, tuple(with_stored_copy(p, root) for p in planned))


def with_stored_copy(planned: PlannedFetch, root: Path) -> PlannedFetch:
    """The plan with the file of its last full response, so a 304 can be re-scored."""
    if planned.content_sha256 is None:
        return planned
    return replace(planned, stored_copy=str(root / rawstore.relative_path(planned.content_sha256)))


def land_pages(
    warehouse: str, run_id: str, pages: Sequence[PageResult]
) -> tuple[list[PageResult], BatchCounts]:
    """Decide duplicates and land one batch; returns the pages as decided and the counts."""
    root = rawstore.raw_root(warehouse)
    for page in pages:
        content = page.raw.content if page.raw is not None else page.kept
        if content:
            rawstore.store(root, content_sha256(content), content)
    records = [p.record for p in pages if p.record is not None]
    with writing(warehouse) as con:
        decided = decide_duplicates(pages, known_identities(con, records))
        counts = land_discovered(con, run_id, discovered_batch(decided))
    return decided, counts


def discovered_batch(pages: Sequence[PageResult]) -> DiscoveredBatch:
    kept = [(p, p.raw) for p in pages if p.raw is not None]
    documents = [
        (raw, document_id(raw), rawstore.relative_path(raw.content_sha256)) for _, raw in kept
    ]
    return DiscoveredBatch(
        documents=documents,
        records=[p.record for p in pages if p.record is not None],
        failures=[p.failure for p in pages if p.failure is not None],
        warc_positions=[
            (document_id(raw), p.outcome.warc_file, p.outcome.warc_offset or 0)
            for p, raw in kept
            if p.outcome.warc_file
        ],
        members=[
            clusters.Member(p.record.article_id, p.record.content_hash, p.sketch)
            for p in pages
            if p.record is not None
        ],
        outcomes=[p.outcome for p in pages],
        validators=[p.validators for p in pages if p.validators is not None],
    )


def decide_duplicates(pages: Sequence[PageResult], known: KnownIdentities) -> list[PageResult]:
    texts = dict(known.texts)
    batch: dict[str, str] = {}  # article_id -> url, of articles landing in this batch
    decided = []
    for page in pages:
        duplicate = _duplicate_of(page, known.article_ids, texts, batch)
        if duplicate is not None:
            page = with_status(page, DUPLICATE, duplicate[1], duplicate[0])
        elif page.record is not None:
            batch[page.record.article_id] = page.record.url
            texts.setdefault(page.record.content_hash, (page.record.article_id, page.record.url))
        decided.append(page)
    return decided


def _duplicate_of(
    page: PageResult,
    existing: frozenset[str],
    texts: dict[str, tuple[str, str]],
    batch: dict[str, str],
) -> tuple[str, str] | None:
    """(article_id, reason) of the article this page duplicates, or None."""
    record, planned = page.record, page.planned
    if record is None:
        return None
    if record.article_id in batch:
        return record.article_id, f"same canonical URL as {batch[record.article_id]}"
    owner = planned.status == LANDED and planned.article_id == record.article_id
    if record.article_id in existing and not owner:
        return record.article_id, f"same canonical URL as article {record.article_id}"
    same_text = texts.get(record.content_hash)
    if same_text and same_text[0] != record.article_id:
        return same_text[0], f"same text as {same_text[1]}"
    return None

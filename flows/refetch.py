"""`reingest --refetch`: what is asked again, how the run is recorded, and what it says.

The run itself is `flows.discover.refetch_source`: the fetch, extract and land steps of a
discovery run, over the pages of one source instead of newly found candidates, so that
whatever changed lands exactly as discovery would land it. This module never imports
Prefect.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from extractors.links import REFUSED, ROBOTS_DISALLOWED, PlannedFetch
from flows.pipeline import versions
from flows.reingest import UnknownSource
from warehouse.connection import reading, writing
from warehouse.refetch import requested_pages, source_kind
from warehouse.runs import start_run

if TYPE_CHECKING:  # flows.discover imports this module
    from flows.discover import DiscoverySteps, DiscoverySummary
    from flows.discover_pages import PageResult

FLOW_NAME = "refetch-source"
UNFILTERED_KINDS = ("web",)  # `newsflow fetch` pages: landed without the relevance filter
MAX_FAILURES_SHOWN = 20


@dataclass(frozen=True)
class RefetchPlan:
    source_id: str
    kind: str
    pages: tuple[PlannedFetch, ...]

    @property
    def relevance_filter(self) -> bool:
        return self.kind not in UNFILTERED_KINDS


def plan_refetch(warehouse: str, source_id: str) -> RefetchPlan:
    """Raises UnknownSource before anything is sent or written."""
    with reading(warehouse) as con:
        kind = source_kind(con, source_id)
        if kind is None:
            raise UnknownSource(f"no source {source_id!r}; `newsflow sources` lists them")
        return RefetchPlan(source_id, kind, tuple(requested_pages(con, source_id)))


def refetch_steps(steps: DiscoverySteps) -> DiscoverySteps:
    """Discovery's steps, except that a request never sent (refused by the network guard,
    disallowed by robots.txt) lands nothing: it says nothing about its page, and the
    candidate must stay what it was (a landed page that a refetch without `--allow-host`
    marked refused would no longer own its article)."""

    def land(warehouse: str, run_id: str, pages: list[PageResult]) -> DiscoverySummary:
        sent = [page for page in pages if page.outcome.status not in (REFUSED, ROBOTS_DISALLOWED)]
        statuses = Counter(page.outcome.status for page in pages)
        summary = steps.land(warehouse, run_id, sent)
        return replace(
            summary, refused=statuses[REFUSED], robots_disallowed=statuses[ROBOTS_DISALLOWED]
        )

    return replace(steps, land=land)


def start_refetch(
    warehouse: str, run_id: str, mode: str, plan: RefetchPlan, prefect_flow_run_id: str | None
) -> None:
    parameters: dict[str, object] = {"source_id": plan.source_id, "pages": len(plan.pages)}
    with writing(warehouse) as con:
        start_run(con, run_id, FLOW_NAME, mode, parameters, versions(), prefect_flow_run_id)


@dataclass(frozen=True)
class RefetchSummary:
    source_id: str
    kind: str
    run_id: str | None = None  # None: nothing was asked, so no run was recorded
    requests: int = 0  # sent
    not_modified: int = 0  # 304: the stored bytes still hold
    changed: int = 0  # full responses: landed as new documents when their bytes are new
    failed: int = 0  # no usable answer (error status, timeout, too large): in `failures`
    not_sent: int = 0  # refused by the network guard or disallowed by robots.txt
    articles_new: int = 0
    articles_updated: int = 0
    failure_lines: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """What `newsflow reingest --refetch` prints before the re-ingest's own line."""
        if self.run_id is None:
            return [f"newsflow: {self.source_id}: {self._nothing()}; re-ingesting offline"]
        head = (
            f"newsflow: refetched {self.source_id} (run {self.run_id}): {self.requests} "
            f"requests sent, {self.not_modified} not modified, {self.changed} changed "
            f"(articles: {self.articles_updated} updated, {self.articles_new} new), "
            f"{self.failed} failed"
        )
        if self.not_sent:
            head += (
                f", {self.not_sent} not sent (refused by the network guard or robots.txt; "
                "--allow-host lets a non-public host through)"
            )
        shown = [f"    ! {line}" for line in self.failure_lines[:MAX_FAILURES_SHOWN]]
        return [head, *shown]

    def _nothing(self) -> str:
        if self.kind == "files":
            return "read from seed files, not fetched over HTTP: nothing to refetch"
        return "no page of this source has been fetched over HTTP yet: nothing to refetch"


def refetched(plan: RefetchPlan, summary: DiscoverySummary) -> RefetchSummary:
    """A discovery summary of the refetch run, told as what was asked and answered."""
    not_sent = summary.refused + summary.robots_disallowed
    sent = len(plan.pages) - not_sent
    return RefetchSummary(
        plan.source_id,
        plan.kind,
        summary.run_id,
        requests=sent,
        not_modified=summary.not_modified,
        changed=summary.fetched,
        failed=sent - summary.not_modified - summary.fetched,
        not_sent=not_sent,
        articles_new=summary.articles_new,
        articles_updated=summary.articles_updated,
        failure_lines=summary.failure_lines,
    )

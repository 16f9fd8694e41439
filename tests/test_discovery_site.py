"""Issue 3's "Done when", against a news site on loopback that the code has never seen.

One site (feed with tracking-parameter links, news sitemap, robots.txt), a second
loopback host that is not allowed, the seeds ingested for the topic, then two
`newsflow discover` runs through the real CLI into a real DuckDB file.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SEEDS, query, run_cli
from tests.httpfixture import LocalServer, RecordedRequest, Reply
from tests.newssite import NewsSite, write_config
from tests.newsstories import FLAKY_STORY, OFF_TOPIC, ON_TOPIC, PRIVATE, SYNDICATED

pytestmark = [pytest.mark.network, pytest.mark.timeout(120)]

TABLES = [
    "articles",
    "documents",
    "removals",
    "candidates",
    "candidate_sightings",
    "clusters",
    "cluster_members",
    "article_versions",
    "failures",
]
LANDING = (*ON_TOPIC, FLAKY_STORY, SYNDICATED)


@dataclass
class Herald:
    site: NewsSite
    other: LocalServer
    warehouse: Path
    first_output: str
    second_output: str
    first_requests: list[RecordedRequest]
    second_requests: list[RecordedRequest]
    counts_after_first: dict[str, int]
    statuses_after_first: list[tuple]

    def url(self, path: str) -> str:
        return self.site.url(path)


def counts(warehouse: Path) -> dict[str, int]:
    return {table: query(warehouse, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def statuses(warehouse: Path) -> list[tuple]:
    return query(warehouse, "SELECT canonical_url, status, article_id FROM candidates ORDER BY 1")


def build_site(server: LocalServer, other: LocalServer) -> NewsSite:
    site = NewsSite(server)
    for story in (*ON_TOPIC, OFF_TOPIC, PRIVATE, SYNDICATED):
        site.publish(story)
    retry = Reply(status=503, headers=(("Retry-After", "1"),))
    server.route(FLAKY_STORY.path, retry, retry, site.page(FLAKY_STORY))
    site.stories.append(FLAKY_STORY)
    server.route("/world/huge.html", Reply.huge_declared(100_000_000))
    server.route(
        "/docs/report.pdf", Reply(body=b"%PDF-1.4", headers=(("Content-Type", "application/pdf"),))
    )
    site.feed_links += [site.url(p) for p in ("/world/missing.html", "/world/huge.html")]
    site.feed_links += [site.url("/docs/report.pdf"), other.url("/world/elsewhere.html")]
    site.serve()
    return site


@pytest.fixture(scope="module")
def herald(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Herald]:
    root = tmp_path_factory.mktemp("herald")
    warehouse = root / "wh" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse).exit_code == 0
    with LocalServer() as server, LocalServer("127.0.0.2") as other:
        site = build_site(server, other)
        config = write_config(root / "newsflow.toml", [server.authority])
        args = ["discover", "--feed", site.url("/feed.xml"), "--sitemap"]
        args += [site.url("/news-sitemap.xml"), "--config", str(config), "--mode", "local"]
        first = run_cli(*args, warehouse=warehouse)
        first_requests, after_first = server.requests, counts(warehouse)
        first_statuses = statuses(warehouse)
        server.clear()
        second = run_cli(*args, warehouse=warehouse)
        assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
        yield Herald(
            site,
            other,
            warehouse,
            first.output,
            second.output,
            first_requests,
            server.requests,
            after_first,
            first_statuses,
        )


def site_articles(herald: Herald) -> dict[str, tuple]:
    rows = query(
        herald.warehouse,
        "SELECT url, title, authors, published_at, body, source_id FROM articles "
        "WHERE source_id <> 'seeds'",
    )
    return {row[0]: row[1:] for row in rows}


def test_every_on_topic_article_lands_once_with_author_and_date(herald: Herald) -> None:
    articles = site_articles(herald)
    assert sorted(articles) == sorted(herald.url(story.path) for story in LANDING)
    for story in LANDING:
        title, authors, published_at, body, _ = articles[herald.url(story.path)]
        assert title == story.title
        assert authors == [story.author]
        assert published_at.date().isoformat() == story.published[:10]
        assert story.paragraphs[1] in body


def test_bodies_are_clean(herald: Herald) -> None:
    for _, _, _, body, _ in site_articles(herald).values():
        for boilerplate in ("Reader42", "All rights reserved", "More from", "Subscribe"):
            assert boilerplate not in body


def test_off_topic_page_is_recorded_with_its_score_not_landed(herald: Herald) -> None:
    row = query(
        herald.warehouse,
        "SELECT status, score, reason FROM candidates WHERE canonical_url = ?",
        [herald.url(OFF_TOPIC.path)],
    )
    assert row and row[0][0] == "off_topic" and row[0][1] < 0.12 and "below" in row[0][2]
    assert herald.url(OFF_TOPIC.path) not in site_articles(herald)


@pytest.mark.reliability
def test_robots_disallowed_page_is_never_requested(herald: Herald) -> None:
    requested = [r.path for r in herald.first_requests + herald.second_requests]
    assert PRIVATE.path not in requested
    assert "/robots.txt" in requested
    status = query(
        herald.warehouse,
        "SELECT status FROM candidates WHERE canonical_url = ?",
        [herald.url(PRIVATE.path)],
    )
    assert status == [("robots_disallowed",)]


@pytest.mark.reliability
def test_host_that_is_not_allowed_is_never_contacted(herald: Herald) -> None:
    assert herald.other.connections == 0
    status = query(
        herald.warehouse,
        "SELECT status, reason FROM candidates WHERE canonical_url = ?",
        [herald.other.url("/world/elsewhere.html")],
    )
    assert status[0][0] == "refused" and "loopback" in status[0][1]


def test_404_oversize_and_non_html_are_recorded_as_failures(herald: Herald) -> None:
    rows = dict(query(herald.warehouse, "SELECT url, reason FROM failures WHERE stage = 'fetch'"))
    assert rows[herald.url("/world/missing.html")].startswith("http_404")
    assert rows[herald.url("/world/huge.html")].startswith("too_large")
    assert rows[herald.url("/docs/report.pdf")].startswith("unsupported_content_type")
    failed = query(herald.warehouse, "SELECT count(*) FROM candidates WHERE status = 'failed'")
    assert failed == [(3,)]


@pytest.mark.reliability
def test_503_with_retry_after_twice_lands_on_the_third_try(herald: Herald) -> None:
    tries = [r for r in herald.first_requests if r.path == FLAKY_STORY.path]
    assert len(tries) == 3
    starts = [r.started_at for r in tries]
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(starts))
    assert herald.url(FLAKY_STORY.path) in site_articles(herald)


@pytest.mark.reliability
def test_tracking_parameters_collapse_into_the_canonical_article(herald: Herald) -> None:
    story = herald.url(ON_TOPIC[0].path)
    seen = query(
        herald.warehouse,
        "SELECT source_id, url FROM candidate_sightings WHERE canonical_url = ? ORDER BY 1",
        [story],
    )
    assert [source.split(":")[0] for source, _ in seen] == ["feed", "sitemap"]
    assert "utm_source=rss" in seen[0][1] and seen[1][1] == story
    assert query(
        herald.warehouse, "SELECT count(*) FROM articles WHERE url LIKE ?", [story + "%"]
    ) == [(1,)]
    fetched = [r.target for r in herald.first_requests if r.path == ON_TOPIC[0].path]
    assert fetched == [ON_TOPIC[0].path]  # fetched once, without the tracking parameters


@pytest.mark.reliability
def test_second_run_sends_conditional_requests_and_changes_no_counts(herald: Herald) -> None:
    pages = [r for r in herald.second_requests if r.path in {s.path for s in LANDING}]
    assert len(pages) == len(LANDING)
    assert all(r.header("if-none-match") and r.header("if-modified-since") for r in pages)
    assert "0 new, 0 updated" in herald.second_output
    assert f"{len(LANDING) + 1} not modified" in herald.second_output  # and the off-topic one
    assert counts(herald.warehouse) == herald.counts_after_first
    assert statuses(herald.warehouse) == herald.statuses_after_first


def test_syndicated_copy_joins_the_original_in_one_cluster(herald: Herald) -> None:
    rows = query(
        herald.warehouse,
        "SELECT a.url, m.cluster_id, m.similarity FROM cluster_members m "
        "JOIN articles a USING (article_id) WHERE a.url IN (?, ?)",
        [herald.url(ON_TOPIC[0].path), herald.url(SYNDICATED.path)],
    )
    assert len(rows) == 2 and rows[0][1] == rows[1][1]
    assert max(similarity for _, _, similarity in rows if similarity < 1.0) >= 0.5


def test_every_candidate_says_what_found_it_and_what_became_of_it(herald: Herald) -> None:
    rows = query(herald.warehouse, "SELECT source_id, found_at, status FROM candidates")
    assert len(rows) == len(LANDING) + 2 + 4  # off topic, robots; 404, huge, pdf, elsewhere
    assert all(source.startswith(("feed:", "sitemap:")) and found for source, found, _ in rows)
    assert {status for _, _, status in rows} == {
        "landed",
        "off_topic",
        "robots_disallowed",
        "refused",
        "failed",
    }


def test_runs_are_recorded(herald: Herald) -> None:
    runs = query(
        herald.warehouse,
        "SELECT status, articles_new FROM runs WHERE flow = 'discover' ORDER BY started_at",
    )
    assert runs == [("completed", len(LANDING)), ("completed", 0)]

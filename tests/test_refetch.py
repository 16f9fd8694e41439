"""`newsflow reingest SOURCE --refetch`: conditional requests for a source's fetched pages,
what changed landed as discovery lands it, then the offline re-ingest.

Two sites on loopback fetched with `newsflow fetch` (sources `web:127.0.0.1:P` and
`web:127.0.0.2:Q`) next to the seeds; one page changes, one disappears, the rest stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer, Reply, conditional
from tests.newssite import NewsSite, article_html, write_config
from tests.newsstories import KREMLIN_REACTS, OFF_TOPIC, SANCTIONS, SUMMIT_OFF, ZELENSKY_EUROPE

pytestmark = [pytest.mark.network, pytest.mark.timeout(180)]

PAGES = (SUMMIT_OFF, KREMLIN_REACTS, SANCTIONS, ZELENSKY_EUROPE)
CHANGED, GONE = SUMMIT_OFF, ZELENSKY_EUROPE
UPDATE = "Update: envoys said on Friday that talks could resume next month."
TABLES = (
    "articles",
    "documents",
    "removals",
    "article_versions",
    "failures",
    "candidates",
    "http_validators",
)
# Every row another source owns, in full: a refetch of one source must leave them as they are.
OTHER_ROWS = {
    "articles": "SELECT * FROM articles WHERE source_id = ? ORDER BY article_id",
    "documents": "SELECT * FROM documents WHERE source_id = ? ORDER BY document_id",
    "removals": "SELECT r.* FROM removals r JOIN articles a USING (article_id) "
    "WHERE a.source_id = ? ORDER BY r.article_id, r.seq",
    "failures": "SELECT * FROM failures WHERE source_id = ? ORDER BY url, stage",
    "candidates": "SELECT * FROM candidates WHERE source_id = ? ORDER BY canonical_url",
}


@dataclass
class Fetched:
    warehouse: Path
    config: Path
    site: NewsSite
    other: LocalServer

    @property
    def source(self) -> str:
        return f"web:{self.site.server.authority}"

    def refetch(self, *extra: str) -> tuple[int, str]:
        args = ["reingest", self.source, "--refetch", "--config", str(self.config)]
        args += ["--allow-host", self.site.server.authority, *extra]
        result = run_cli(*args, warehouse=self.warehouse)
        return result.exit_code, result.output


@pytest.fixture
def fetched(tmp_path: Path, ingested: Path) -> Iterator[Fetched]:
    """The seeds, four pages of one site and one of another, each fetched once."""
    config = write_config(tmp_path / "newsflow.toml", [])  # hosts come from --allow-host
    with LocalServer() as server, LocalServer("127.0.0.2") as other:
        site = NewsSite(server)
        urls = [site.publish(story) for story in PAGES]
        site.serve()
        elsewhere = NewsSite(other).publish(OFF_TOPIC)
        for authority, targets in ((server.authority, urls), (other.authority, [elsewhere])):
            args = ["fetch", *targets, "--allow-host", authority, "--config", str(config)]
            result = run_cli(*args, "--mode", "local", warehouse=ingested)
            assert result.exit_code == 0 and "0 failed" in result.output, result.output
        yield Fetched(ingested, config, site, other)


def counts(warehouse: Path) -> dict[str, int]:
    return {table: query(warehouse, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def rows_of(warehouse: Path, source_id: str) -> dict[str, list[tuple]]:
    return {name: query(warehouse, sql, [source_id]) for name, sql in OTHER_ROWS.items()}


def change_the_site(site: NewsSite) -> None:
    url = site.url(CHANGED.path)
    revised = replace(CHANGED, paragraphs=(*CHANGED.paragraphs, UPDATE))
    answer = conditional(
        Reply.html(article_html(revised, url)),
        etag=f'"{CHANGED.slug}-v2"',
        last_modified="Fri, 24 Oct 2025 08:00:00 GMT",
    )
    site.server.route(CHANGED.path, answer)
    site.server.route(GONE.path, Reply.text("gone", status=404))


def test_refetch_lands_the_changed_page_and_leaves_the_rest(fetched: Fetched) -> None:
    others = {s: rows_of(fetched.warehouse, s) for s in ("seeds", f"web:{fetched.other.authority}")}
    contacts_elsewhere = fetched.other.connections
    change_the_site(fetched.site)
    fetched.site.server.clear()
    code, output = fetched.refetch()
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith(f"newsflow: refetched {fetched.source} (run ")
    assert lines[0].endswith(
        "4 requests sent, 2 not modified, 1 changed (articles: 1 updated, 0 new), 1 failed"
    )
    assert lines[1].startswith(f"    ! {fetched.site.url(GONE.path)}: fetch: http_404")
    assert lines[-1].startswith(f"newsflow: reingested {fetched.source} (4 documents")
    assert_conditional_requests(fetched)
    assert_changed_article(fetched)
    assert fetched.other.connections == contacts_elsewhere
    assert {s: rows_of(fetched.warehouse, s) for s in others} == others


def assert_conditional_requests(fetched: Fetched) -> None:
    """Every page asked again with the validators of its last full response."""
    site = fetched.site
    pages = [r for r in site.server.requests if r.path != "/robots.txt"]
    assert sorted(r.path for r in pages) == sorted(story.path for story in PAGES)
    for request in pages:
        slug = request.path.rsplit("/", 1)[1].removesuffix(".html")
        assert request.header("if-none-match") == f'"{slug}-v1"'
        assert request.header("if-modified-since") == "Wed, 22 Oct 2025 12:00:00 GMT"
    answered = dict(
        query(
            fetched.warehouse,
            "SELECT canonical_url, http_status FROM candidates WHERE source_id = ?",
            [fetched.source],
        )
    )
    unchanged = (KREMLIN_REACTS, SANCTIONS)
    assert {site.url(s.path): answered[site.url(s.path)] for s in unchanged} == {
        site.url(s.path): 304 for s in unchanged
    }


def assert_changed_article(fetched: Fetched) -> None:
    url = fetched.site.url(CHANGED.path)
    body = query(fetched.warehouse, "SELECT body FROM articles WHERE url = ?", [url])[0][0]
    assert body.endswith(UPDATE)
    earlier = query(
        fetched.warehouse,
        "SELECT v.body FROM article_versions v JOIN articles a USING (article_id) WHERE a.url = ?",
        [url],
    )
    assert len(earlier) == 1 and UPDATE not in earlier[0][0]
    documents = query(fetched.warehouse, "SELECT count(*) FROM documents WHERE url = ?", [url])
    assert documents == [(2,)]  # the earlier bytes are kept too
    failures = query(
        fetched.warehouse,
        "SELECT stage, reason FROM failures WHERE url = ?",
        [fetched.site.url(GONE.path)],
    )
    assert [(stage, reason[:8]) for stage, reason in failures] == [("fetch", "http_404")]


def test_refetching_twice_changes_no_counts(fetched: Fetched) -> None:
    change_the_site(fetched.site)
    assert fetched.refetch()[0] == 0
    after_first = counts(fetched.warehouse)
    code, output = fetched.refetch()
    assert code == 0, output
    assert "4 requests sent, 3 not modified, 0 changed" in output
    assert "0 updated, 4 unchanged, 0 new, 0 removed, 0 failed" in output
    assert counts(fetched.warehouse) == after_first


def test_a_host_that_is_not_allowed_is_not_contacted_and_stays_refetchable(
    fetched: Fetched,
) -> None:
    contacts = fetched.site.server.connections
    before = rows_of(fetched.warehouse, fetched.source)
    args = ["reingest", fetched.source, "--refetch", "--config", str(fetched.config)]
    refused = run_cli(*args, warehouse=fetched.warehouse)
    assert refused.exit_code == 0, refused.output
    assert "0 requests sent" in refused.output and ", 4 not sent (refused" in refused.output
    assert fetched.site.server.connections == contacts
    assert rows_of(fetched.warehouse, fetched.source) == before  # candidates stay landed
    change_the_site(fetched.site)
    code, output = fetched.refetch()
    assert code == 0 and "4 requests sent, 2 not modified, 1 changed" in output, output
    assert_changed_article(fetched)  # still its page's article: updated, not a duplicate


def test_a_seed_source_has_nothing_to_refetch_and_is_reingested(ingested: Path) -> None:
    result = run_cli("reingest", "seeds", "--refetch", warehouse=ingested)
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    assert first == (
        "newsflow: seeds: read from seed files, not fetched over HTTP: nothing to refetch; "
        "re-ingesting offline"
    )
    assert "0 updated, 5 unchanged" in second
    runs = query(ingested, "SELECT count(*) FROM runs WHERE flow = 'refetch-source'")
    assert runs == [(0,)]


def test_refetch_of_an_unknown_source_is_one_line_and_sends_nothing(ingested: Path) -> None:
    with LocalServer() as server:
        args = ["reingest", "web:nowhere", "--refetch", "--allow-host", server.authority]
        result = run_cli(*args, warehouse=ingested)
        assert server.connections == 0
    assert result.exit_code == 1
    assert (
        result.output == "newsflow: error: no source 'web:nowhere'; `newsflow sources` lists them\n"
    )


def test_hosts_and_config_without_refetch_are_a_usage_error(ingested: Path) -> None:
    result = run_cli("reingest", "seeds", "--allow-host", "127.0.0.1:1", warehouse=ingested)
    assert result.exit_code == 2 and "only with --refetch" in result.output


@pytest.mark.prefect
def test_the_reingest_flow_refetches_first(tmp_path: Path, fetched: Fetched) -> None:
    """`reingest-source` with refetch=true, as the deployment runs it, on a real server."""
    from flows.modes import configure_prefect_environment

    configure_prefect_environment(tmp_path / "prefect-home")
    from prefect.testing.utilities import prefect_test_harness

    from flows.reingest_flow import reingest_source

    change_the_site(fetched.site)
    with prefect_test_harness(server_startup_timeout=120):
        result = reingest_source(
            fetched.source,
            str(fetched.warehouse),
            refetch=True,
            config=str(fetched.config),
            allow_hosts=[fetched.site.server.authority],
        )
    assert result["refetch"]["not_modified"] == 2 and result["refetch"]["changed"] == 1
    assert result["unchanged"] == 4
    assert_changed_article(fetched)
    runs = "SELECT mode, prefect_flow_run_id FROM runs WHERE flow = 'refetch-source'"
    assert query(fetched.warehouse, runs) == [("prefect", result["run_id"])]

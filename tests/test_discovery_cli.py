"""`newsflow topic`, `fetch`, revisions, re-ingesting a discovery source, and the
one-line errors of `discover`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import cli
from tests.conftest import SEEDS, query, run_cli
from tests.httpfixture import LocalServer, Reply, conditional
from tests.newssite import NewsSite, article_html, write_config
from tests.newsstories import OFF_TOPIC, SUMMIT_OFF

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with LocalServer() as server:
        yield NewsSite(server)


def invoke(*args: str, warehouse: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--warehouse", str(warehouse), *args])
    return result.exit_code, result.stdout, result.stderr


def test_topic_shows_who_where_and_what_from_the_seeds(ingested: Path) -> None:
    result = run_cli("topic", warehouse=ingested)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("topic from seed articles in the warehouse (5)")
    who = next(line for line in lines if line.strip().startswith("who"))
    assert "Vladimir Putin" in who and "Donald Trump" in who
    assert "Ukraine" in next(line for line in lines if line.strip().startswith("where"))
    data = json.loads(run_cli("topic", "--format", "json", warehouse=ingested).output)
    assert data["threshold"] == 0.12 and data["queries"] and data["what"]


def test_topic_reads_the_seed_folder_before_any_ingest(tmp_path: Path, warehouse: Path) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[topic]\nseeds = "{SEEDS}"\nextra_terms = ["Budapest summit"]\n')
    result = run_cli("topic", "--config", str(config), warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert "seed files in" in result.output and "Budapest summit (1.00)" in result.output


def test_configured_terms_replace_the_derived_topic(tmp_path: Path, ingested: Path) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text('[topic]\nterms = ["harbour festival", "regatta"]\nthreshold = 0.3\n')
    result = run_cli("topic", "--config", str(config), warehouse=ingested)
    assert "topic from newsflow.toml; on topic at relevance >= 0.3" in result.output
    assert "harbour festival (1.00), regatta (1.00)" in result.output


def test_discover_errors_are_one_line(tmp_path: Path, warehouse: Path) -> None:
    code, _, err = invoke("discover", "--mode", "local", warehouse=warehouse)
    assert code == 2 and err.strip().count("\n") == 0 and "no sources" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmax_pages = -1\n")
    code, _, err = invoke(
        "discover", "--config", str(bad), "--feed", "http://x/", warehouse=warehouse
    )
    assert code == 2 and err.strip() == (
        f"newsflow: error: {bad}: limits.max_pages: must not be negative, got -1"
    )
    empty = tmp_path / "empty.toml"
    empty.write_text(f'[topic]\nseeds = "{tmp_path / "none"}"\n')
    code, _, err = invoke(
        "discover",
        "--config",
        str(empty),
        "--feed",
        "http://x/",
        "--mode",
        "local",
        warehouse=warehouse,
    )
    assert code == 1 and err.startswith("newsflow: error: no topic") and err.count("\n") == 1
    assert not warehouse.exists()  # nothing was written for a run that could not happen


@pytest.mark.network
def test_fetch_lands_single_pages_without_the_relevance_filter(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    url = site.publish(OFF_TOPIC)
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority])
    result = run_cli(
        "fetch",
        url + "?utm_campaign=x",
        "--config",
        str(config),
        "--mode",
        "local",
        warehouse=warehouse,
    )
    assert result.exit_code == 0, result.output
    host = site.server.authority
    assert query(warehouse, "SELECT url, source_id FROM articles") == [(url, f"web:{host}")]
    assert query(warehouse, "SELECT kind FROM sources") == [("web",)]


@pytest.mark.network
def test_fetch_without_allow_host_is_refused_and_sends_nothing(
    warehouse: Path, site: NewsSite
) -> None:
    url = site.publish(OFF_TOPIC)
    result = run_cli("fetch", url, "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0 and "refused              1" in result.output
    assert site.server.connections == 0


@pytest.mark.network
def test_a_changed_page_updates_its_article_and_keeps_the_earlier_version(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    url = site.url(SUMMIT_OFF.path)
    revised = replace(SUMMIT_OFF, paragraphs=(*SUMMIT_OFF.paragraphs, "Update: talks resume."))
    first = conditional(Reply.html(article_html(SUMMIT_OFF, url)), etag='"v1"')
    second = conditional(Reply.html(article_html(revised, url)), etag='"v2"')
    site.server.route(SUMMIT_OFF.path, first, second)
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority])
    for _ in range(2):
        result = run_cli(
            "fetch", url, "--config", str(config), "--mode", "local", warehouse=warehouse
        )
        assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    assert site.server.requests_to(SUMMIT_OFF.path)[1].header("if-none-match") == '"v1"'
    body = query(warehouse, "SELECT body FROM articles")[0][0]
    versions = query(warehouse, "SELECT body FROM article_versions")
    assert body.endswith("Update: talks resume.") and len(versions) == 1
    assert not versions[0][0].endswith("Update: talks resume.")


@pytest.mark.network
def test_a_discovery_source_can_be_reingested_offline(
    tmp_path: Path, ingested: Path, site: NewsSite
) -> None:
    site.publish(SUMMIT_OFF)
    site.serve()
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority])
    feed = site.url("/feed.xml")
    result = run_cli(
        "discover", "--feed", feed, "--config", str(config), "--mode", "local", warehouse=ingested
    )
    assert result.exit_code == 0, result.output
    source_id = query(ingested, "SELECT source_id FROM sources WHERE kind = 'feed'")[0][0]
    site.server.stop()
    result = run_cli("reingest", source_id, warehouse=ingested)
    assert result.exit_code == 0, result.output
    assert "0 updated, 1 unchanged, 0 new, 0 removed, 0 failed" in result.output


@pytest.mark.network
def test_an_unchanged_feed_still_yields_its_candidates(
    tmp_path: Path, ingested: Path, site: NewsSite
) -> None:
    site.publish(SUMMIT_OFF)
    site.serve()
    site.server.route("/feed.xml", conditional(Reply.text(_feed_text(site)), etag='"feed-1"'))
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority])
    args = ["discover", "--feed", site.url("/feed.xml"), "--config", str(config)]
    for _ in range(2):
        result = run_cli(*args, "--mode", "local", warehouse=ingested)
        assert result.exit_code == 0, result.output
    feed = site.server.requests_to("/feed.xml")
    assert [r.header("if-none-match") for r in feed] == [None, '"feed-1"']
    pages = site.server.requests_to(SUMMIT_OFF.path)
    assert len(pages) == 2 and pages[1].header("if-none-match")
    assert "1 found, 0 new" in result.output and "1 not modified" in result.output


def _feed_text(site: NewsSite) -> str:
    from tests.newssite import rss

    return rss(site.stories, site.url)


@pytest.mark.reliability
@pytest.mark.network
def test_an_unreachable_robots_txt_defers_the_host(
    tmp_path: Path, ingested: Path, site: NewsSite
) -> None:
    article = site.publish(SUMMIT_OFF)
    site.server.route("/robots.txt", Reply(status=503))
    with LocalServer("127.0.0.2") as aggregator:
        aggregator.route("/feed.xml", Reply.text(_feed_text(site), content_type="text/xml"))
        hosts = [site.server.authority, aggregator.authority]
        config = write_config(tmp_path / "newsflow.toml", hosts)
        args = ["discover", "--feed", aggregator.url("/feed.xml"), "--config", str(config)]
        result = run_cli(*args, "--mode", "local", warehouse=ingested)
    assert result.exit_code == 0 and "1 deferred" in result.output
    assert site.server.requests_to(SUMMIT_OFF.path) == []
    rows = query(ingested, "SELECT canonical_url, status, attempts FROM candidates")
    assert rows == [(article, "deferred", 1)]
    assert query(ingested, "SELECT stage, transient FROM failures") == [("fetch", True)]

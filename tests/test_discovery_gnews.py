"""Google News links in all three forms, through `newsflow discover`, against the fake
Google News (tests/fakesearch.py) and a publisher on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import query, run_cli
from tests.fakesearch import BATCHEXECUTE_PATH, FakeGoogleNews
from tests.httpfixture import LocalServer, Reply
from tests.newssite import NewsSite, write_config
from tests.newsstories import KREMLIN_REACTS, SANCTIONS, SUMMIT_OFF
from warehouse.warcarchive import warc_root

pytestmark = [pytest.mark.network, pytest.mark.timeout(120)]

STORIES = (SUMMIT_OFF, KREMLIN_REACTS, SANCTIONS)
TOPIC = '[topic]\nterms = ["Putin", "Trump", "summit", "Kremlin"]\n'
SLUG_PATH = "/articles/kremlinreactstosummit"


@pytest.fixture
def api() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def publisher() -> Iterator[tuple[LocalServer, list[str]]]:
    with LocalServer() as server:
        site = NewsSite(server)
        urls = [site.publish(story) for story in STORIES]
        server.route(SLUG_PATH, site.page(KREMLIN_REACTS))  # what Google's links look like
        site.serve()
        yield server, urls


def discover(tmp_path: Path, warehouse: Path, api: LocalServer, site: LocalServer) -> str:
    fake_url = api.url("/rss/search")
    extra = TOPIC + '[search]\nqueries = ["Putin Trump"]\n'
    extra += f'[search.google_news]\nbase_url = "{fake_url}"\nmin_interval_s = 0.1\n'
    config = write_config(tmp_path / "newsflow.toml", [api.authority, site.authority], extra)
    result = run_cli("discover", "--config", str(config), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def archived_posts(warehouse: Path) -> list[dict[str, str]]:
    """The Newsflow-* headers of each archived batchexecute answer."""
    posts = []
    for warc in sorted(warc_root(warehouse).glob("*.warc.gz")):
        with open(warc, "rb") as stream:
            for record in ArchiveIterator(stream):
                headers = dict(record.rec_headers.headers)
                if urlsplit(headers.get("WARC-Target-URI", "")).path == BATCHEXECUTE_PATH:
                    posts.append({k: v for k, v in headers.items() if k.startswith("Newsflow-")})
    return posts


def outcomes(warehouse: Path) -> list[tuple]:
    return query(
        warehouse,
        "SELECT c.canonical_url, c.status, c.final_url, a.url, c.reason FROM candidates c "
        "LEFT JOIN articles a USING (article_id) ORDER BY c.url",
    )


def test_older_links_are_decoded_and_google_is_not_asked(
    tmp_path: Path, warehouse: Path, api: LocalServer, publisher: tuple[LocalServer, list[str]]
) -> None:
    site, urls = publisher
    listed = [urls[0], site.url(SLUG_PATH), urls[2]]  # a publisher's /articles/<slug> too
    FakeGoogleNews(api, [(url, "Headline") for url in listed], form="decodable")
    discover(tmp_path, warehouse, api, site)
    rows = outcomes(warehouse)
    assert sorted(row[3] for row in rows) == sorted(urls)  # the slug page's rel=canonical
    assert all(row[0].startswith(api.url("/rss/articles/CBMi")) for row in rows)
    assert sorted(row[2] for row in rows) == sorted(listed)
    assert all(row[1] == "landed" for row in rows)
    assert not [r for r in api.requests if r.path.startswith("/rss/articles/")]


def test_a_google_page_without_a_signature_is_a_failure_that_says_so(
    tmp_path: Path, warehouse: Path, api: LocalServer, publisher: tuple[LocalServer, list[str]]
) -> None:
    site, urls = publisher
    fake = FakeGoogleNews(api, [(url, "Headline") for url in urls], form="js")
    api.route(fake.article_path(0), Reply.html("<html><body>Before you continue</body></html>"))
    discover(tmp_path, warehouse, api, site)
    stranger = api.url(fake.article_path(0))
    status = query(
        warehouse, "SELECT status, reason FROM candidates WHERE url LIKE ?", [stranger + "%"]
    )
    reason = "google_news_unresolved: article page has no element with data-n-a-sg and data-n-a-ts"
    assert status == [("failed", reason)]
    failure = query(
        warehouse, "SELECT stage, reason FROM failures WHERE url LIKE ?", [stranger + "%"]
    )
    assert failure == [("fetch", reason)]
    assert query(
        warehouse, "SELECT count(*) FROM articles WHERE url LIKE ?", [api.url("/") + "%"]
    ) == [(0,)]


def test_js_links_resolve_through_batchexecute_once(
    tmp_path: Path, warehouse: Path, api: LocalServer, publisher: tuple[LocalServer, list[str]]
) -> None:
    site, urls = publisher
    fake = FakeGoogleNews(api, [(url, "Headline") for url in urls], form="js")
    discover(tmp_path, warehouse, api, site)
    rows = outcomes(warehouse)
    assert sorted(row[3] for row in rows) == sorted(urls)
    assert all(row[1] == "landed" and row[2] == row[3] for row in rows)
    assert sorted(fake.resolved) == sorted(fake.article_id(n) for n in range(3))
    posts = archived_posts(warehouse)  # each POST's record names its own link
    assert [meta["Newsflow-Kind"] for meta in posts] == ["resolve"] * 3
    assert sorted(meta["Newsflow-Candidate"] for meta in posts) == sorted(r[0] for r in rows)
    endpoint = api.url(BATCHEXECUTE_PATH)  # its answer is no page's validator
    assert query(warehouse, "SELECT url FROM http_validators WHERE url = ?", [endpoint]) == []
    api.clear()
    site.clear()
    discover(tmp_path, warehouse, api, site)  # known links: the publisher is asked directly
    assert [r.path for r in api.requests] == ["/rss/search"]
    pages = [r for r in site.requests if r.path in {s.path for s in STORIES}]
    assert len(pages) == 3 and all(r.header("if-none-match") for r in pages)


def test_error_and_garbled_answers_are_failures_and_the_rest_lands(
    tmp_path: Path, warehouse: Path, api: LocalServer, publisher: tuple[LocalServer, list[str]]
) -> None:
    site, urls = publisher
    fake = FakeGoogleNews(api, [(url, "Headline") for url in urls], form="js")
    fake.answers.update({0: "error", 1: "garbled"})
    discover(tmp_path, warehouse, api, site)
    reasons = {row[0]: (row[1], row[4]) for row in outcomes(warehouse)}
    link = api.url(fake.article_path(0)) + "?oc=5"
    assert reasons[link] == (
        "failed",
        "google_news_unresolved: batchexecute gave no URL (error [3])",
    )
    link = api.url(fake.article_path(1)) + "?oc=5"
    assert reasons[link][0] == "failed" and "garbled batchexecute answer" in reasons[link][1]
    link = api.url(fake.article_path(2)) + "?oc=5"
    assert reasons[link][0] == "landed"
    assert query(warehouse, "SELECT count(*) FROM failures WHERE stage = 'fetch'") == [(2,)]

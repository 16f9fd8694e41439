"""Politeness against local servers: robots.txt rules, deferral and Crawl-delay, and
per-host pacing (concurrency and start gaps), with hosts proceeding in parallel."""

from __future__ import annotations

import time

import anyio
import pytest

from fetchers import (
    Fetched,
    Fetcher,
    RobotsDisallowed,
    RobotsUnavailable,
    fetch_many,
)
from tests import fetchhelpers
from tests.fetchhelpers import fetch, paced_config_for
from tests.httpfixture import LocalServer, Reply

pytestmark = [pytest.mark.anyio, pytest.mark.network, pytest.mark.timeout(30)]

anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
site = fetchhelpers.site


async def test_user_agent_names_newsflow(site: LocalServer) -> None:
    site.route("/", Reply.html())
    await fetch(site, "/")
    assert [r.path for r in site.requests] == ["/robots.txt", "/"]
    assert all("newsflow" in (r.header("user-agent") or "") for r in site.requests)


@pytest.mark.reliability
async def test_robots_disallowed_url_is_never_requested(site: LocalServer) -> None:
    site.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /private\n"))
    site.route("/private/page", Reply.html())
    with pytest.raises(RobotsDisallowed):
        await fetch(site, "/private/page")
    assert site.paths() == ["/robots.txt"]


async def test_robots_group_for_newsflow_wins_over_star(site: LocalServer) -> None:
    rules = "User-agent: *\nDisallow: /\n\nUser-agent: newsflow\nAllow: /\n"
    site.route("/robots.txt", Reply.robots(rules))
    site.route("/", Reply.html())
    assert (await fetch(site, "/")).status == 200


@pytest.mark.reliability
async def test_robots_404_allows_everything(site: LocalServer) -> None:
    site.route("/page", Reply.html("<p>ok</p>"))
    fetched = await fetch(site, "/page")
    assert fetched.content == b"<p>ok</p>"
    assert site.paths() == ["/robots.txt", "/page"]


@pytest.mark.reliability
async def test_robots_5xx_defers_the_host(site: LocalServer) -> None:
    site.route("/robots.txt", Reply(status=503))
    site.route("/page", Reply.html())
    async with Fetcher(paced_config_for(site)) as fetcher:
        for _ in range(2):
            with pytest.raises(RobotsUnavailable) as caught:
                await fetcher.fetch(site.url("/page"))
    assert caught.value.reason == "robots_unavailable"
    assert site.paths() == ["/robots.txt"]  # deferral is cached, the page never asked


async def test_robots_is_fetched_once_per_origin(site: LocalServer) -> None:
    site.route("/a", Reply.html())
    site.route("/b", Reply.html())
    async with Fetcher(paced_config_for(site)) as fetcher:
        await fetcher.fetch_all([site.url("/a"), site.url("/b"), site.url("/a")])
    assert site.paths().count("/robots.txt") == 1


@pytest.mark.reliability
async def test_crawl_delay_is_honoured(site: LocalServer) -> None:
    site.route("/robots.txt", Reply.robots("User-agent: *\nCrawl-delay: 0.3\n"))
    site.route("/", Reply.html())
    async with Fetcher(paced_config_for(site)) as fetcher:
        await fetcher.fetch_all([site.url("/")] * 3)
    assert len(site.requests) == 4
    assert min(site.start_gaps("/")) >= 0.28


@pytest.mark.reliability
async def test_crawl_delay_is_capped(site: LocalServer) -> None:
    site.route("/robots.txt", Reply.robots("User-agent: *\nCrawl-delay: 3600\n"))
    site.route("/", Reply.html())
    started = time.monotonic()
    async with Fetcher(paced_config_for(site, crawl_delay_cap_s=0.2)) as fetcher:
        await fetcher.fetch_all([site.url("/")] * 3)
    assert min(site.start_gaps("/")) >= 0.18
    assert time.monotonic() - started < 5.0  # uncapped, this would take two hours


@pytest.mark.reliability
@pytest.mark.parametrize("per_host", [1, 2])
async def test_one_host_never_exceeds_its_concurrency_or_delay(
    site: LocalServer, per_host: int
) -> None:
    site.route("/", Reply.html(delay_s=0.1))
    config = paced_config_for(
        site, per_host_concurrency=per_host, delay_s=0.05, respect_robots=False
    )
    async with Fetcher(config) as fetcher:
        results = await fetcher.fetch_all([site.url(f"/?n={n}") for n in range(20)])
    assert all(isinstance(result, Fetched) for result in results)
    assert len(site.requests) == 20
    assert site.max_in_flight == per_host
    assert min(site.start_gaps()) >= 0.045  # server-side clock jitter


async def test_different_hosts_proceed_in_parallel() -> None:
    with LocalServer("127.0.0.1") as one, LocalServer("127.0.0.2") as two:
        for server in (one, two):
            server.route("/", Reply.html(delay_s=0.4))
        config = paced_config_for(one, two, respect_robots=False)
        results = await anyio.to_thread.run_sync(fetch_many, [one.url("/"), two.url("/")], config)
        assert all(isinstance(result, Fetched) for result in results)
        first, second = one.requests[0], two.requests[0]
        assert first.finished_at and second.finished_at
        assert second.started_at < first.finished_at and first.started_at < second.finished_at

"""HTTP behaviour against local servers: retries with backoff and Retry-After, 4xx never
retried, redirects followed by hand with a cap and loop detection, conditional GET, a
form POSTed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from fetchers import (
    ConnectFailed,
    Fetcher,
    PermanentHTTPStatus,
    RedirectLoop,
    TooManyRedirects,
    TransientHTTPStatus,
    fetch_many,
)
from tests import fetchhelpers
from tests.fetchhelpers import fetch, paced_config_for
from tests.httpfixture import LocalServer, RecordedRequest, Reply, conditional

pytestmark = [pytest.mark.anyio, pytest.mark.network, pytest.mark.timeout(30)]

anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
site = fetchhelpers.site


@pytest.mark.reliability
async def test_503_503_200_takes_exactly_three_requests(site: LocalServer) -> None:
    site.route("/flaky", Reply(status=503), Reply(status=503), Reply.html("<p>up</p>"))
    fetched = await fetch(site, "/flaky", respect_robots=False)
    assert (fetched.status, fetched.content, fetched.attempts) == (200, b"<p>up</p>", 3)
    assert len(site.requests_to("/flaky")) == 3


@pytest.mark.reliability
async def test_persistent_5xx_gives_up_after_max_retries(site: LocalServer) -> None:
    site.route("/down", Reply(status=500))
    with pytest.raises(TransientHTTPStatus) as caught:
        await fetch(site, "/down", respect_robots=False, max_retries=2)
    assert caught.value.reason == "http_500"
    assert len(site.requests_to("/down")) == 3


@pytest.mark.reliability
async def test_429_retry_after_seconds_is_waited_for(site: LocalServer) -> None:
    site.route("/busy", Reply(status=429, headers=(("Retry-After", "1"),)), Reply.html())
    await fetch(site, "/busy", respect_robots=False)
    assert site.start_gaps("/busy") >= [1.0]


@pytest.mark.reliability
async def test_503_retry_after_http_date_is_waited_for(site: LocalServer) -> None:
    def busy_until_two_seconds_from_now(_: RecordedRequest) -> Reply:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
        return Reply(status=503, headers=(("Retry-After", when),))

    site.route("/busy", busy_until_two_seconds_from_now, Reply.html())
    await fetch(site, "/busy", respect_robots=False)
    assert site.start_gaps("/busy")[0] >= 1.0  # the date has 1 s resolution


@pytest.mark.reliability
async def test_retry_after_beyond_the_cap_gives_up_at_once(site: LocalServer) -> None:
    site.route("/later", Reply(status=503, headers=(("Retry-After", "3600"),)))
    with pytest.raises(TransientHTTPStatus) as caught:
        await fetch(site, "/later", respect_robots=False, max_retry_after_s=5.0)
    assert caught.value.retry_after_s == 3600.0
    assert len(site.requests_to("/later")) == 1


@pytest.mark.reliability
@pytest.mark.parametrize("status", [403, 404, 410])
async def test_client_errors_are_requested_once(site: LocalServer, status: int) -> None:
    site.route("/gone", Reply.html(status=status))
    with pytest.raises(PermanentHTTPStatus) as caught:
        await fetch(site, "/gone", respect_robots=False)
    assert caught.value.status == status
    assert len(site.requests_to("/gone")) == 1


@pytest.mark.reliability
async def test_connection_refused_is_retried_then_reported() -> None:
    with LocalServer() as gone:
        url, authority = gone.url("/"), gone.authority
    config = paced_config_for(respect_robots=False, max_retries=1, allow_hosts=(authority,))
    async with Fetcher(config) as fetcher:
        with pytest.raises(ConnectFailed):
            await fetcher.fetch(url)


async def test_redirects_are_followed_and_recorded(site: LocalServer) -> None:
    site.route("/old", Reply.redirect("/mid", status=301))
    site.route("/mid", Reply.redirect(site.url("/new#top"), status=308))
    site.route("/new", Reply.html("<p>new</p>"))
    fetched = await fetch(site, "/old", respect_robots=False)
    assert fetched.final_url == site.url("/new")
    assert fetched.redirects == (site.url("/mid"), site.url("/new"))
    assert (fetched.content, fetched.attempts) == (b"<p>new</p>", 3)


@pytest.mark.reliability
async def test_redirect_chain_over_the_cap_is_refused(site: LocalServer) -> None:
    for hop in range(6):
        site.route(f"/r{hop}", Reply.redirect(f"/r{hop + 1}"))
    with pytest.raises(TooManyRedirects):
        await fetch(site, "/r0", respect_robots=False, max_redirects=3)
    assert site.paths() == ["/r0", "/r1", "/r2", "/r3"]


@pytest.mark.reliability
async def test_redirect_loop_is_refused(site: LocalServer) -> None:
    site.route("/a", Reply.redirect("/b"))
    site.route("/b", Reply.redirect("/a"))
    with pytest.raises(RedirectLoop):
        await fetch(site, "/a", respect_robots=False)
    assert site.paths() == ["/a", "/b"]


async def test_conditional_get_with_etag_returns_not_modified(site: LocalServer) -> None:
    site.route("/story", conditional(Reply.html("<p>story</p>"), etag='"v1"'))
    async with Fetcher(paced_config_for(site, respect_robots=False)) as fetcher:
        first = await fetcher.fetch(site.url("/story"))
        again = await fetcher.fetch(site.url("/story"), etag=first.header("etag"))
    assert (first.not_modified, first.content) == (False, b"<p>story</p>")
    assert (again.status, again.not_modified, again.content) == (304, True, b"")
    assert site.requests[1].header("if-none-match") == '"v1"'


async def test_conditional_get_with_last_modified(site: LocalServer) -> None:
    stamp = "Wed, 01 Jan 2025 12:00:00 GMT"
    site.route("/story", conditional(Reply.html(), last_modified=stamp))
    async with Fetcher(paced_config_for(site, respect_robots=False)) as fetcher:
        first = await fetcher.fetch(site.url("/story"))
        validator = first.header("last-modified")
        again = await fetcher.fetch(site.url("/story"), last_modified=validator)
    assert not first.not_modified and again.not_modified
    assert site.requests[1].header("if-modified-since") == stamp


async def test_a_post_sends_its_form_and_the_redirect_after_it_is_a_get(
    site: LocalServer,
) -> None:
    site.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
    site.route("/submit", Reply(status=503), Reply.redirect("/done", status=302))
    site.route("/done", Reply.html("<p>thanks</p>"))
    async with Fetcher(paced_config_for(site)) as fetcher:
        form = {"f.req": '[1,"a b"]'}
        fetched = await fetcher.fetch(site.url("/submit"), form=form, etag='"v1"')
    assert (fetched.content, fetched.redirects) == (b"<p>thanks</p>", (site.url("/done"),))
    posts, (get,) = site.requests_to("/submit"), site.requests_to("/done")
    assert [(r.method, r.body) for r in posts] == [("POST", b"f.req=%5B1%2C%22a+b%22%5D")] * 2
    assert posts[0].header("content-type") == "application/x-www-form-urlencoded;charset=utf-8"
    assert posts[0].header("if-none-match") is None  # a POST is never conditional
    assert (get.method, get.body, get.header("content-type")) == ("GET", b"", None)


def test_fetch_many_keeps_input_order_and_returns_errors(site: LocalServer) -> None:
    site.route("/a", Reply.html("a"))
    site.route("/b", Reply.html("b", status=404))
    urls = [site.url("/a"), "ftp://example.org/", site.url("/b"), site.url("/a")]
    results = fetch_many(urls, paced_config_for(site, respect_robots=False))
    assert [getattr(r, "content", None) for r in results] == [b"a", None, None, b"a"]
    assert [getattr(r, "reason", None) for r in results[1:3]] == ["unsupported_scheme", "http_404"]

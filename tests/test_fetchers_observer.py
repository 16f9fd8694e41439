"""The fetcher's `on_response` seam: every response it receives is shown to the observer
(redirect hops, retried attempts, error statuses, robots.txt, bodies cut short), with the
real status line, headers and body; failures before any response show nothing."""

from __future__ import annotations

import socket
import threading

import pytest

from fetchers import (
    ConnectFailed,
    DeadlineExceeded,
    FetchConfig,
    Fetcher,
    FetchError,
    PermanentHTTPStatus,
    Received,
    RefusedDestination,
    TooLarge,
    TransientHTTPStatus,
    UnsupportedContentType,
)
from tests import fetchhelpers
from tests.fetchhelpers import config_for
from tests.httpfixture import LocalServer, Reply

pytestmark = [pytest.mark.anyio, pytest.mark.network, pytest.mark.timeout(30)]

anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
site = fetchhelpers.site


class Seen:
    """An observer that keeps what it is shown, and the threads it was called on."""

    def __init__(self) -> None:
        self.responses: list[Received] = []
        self.threads: set[int] = set()

    def __call__(self, received: Received) -> None:
        self.threads.add(threading.get_ident())
        self.responses.append(received)

    def summary(self) -> list[tuple[str, str, int]]:
        return [(r.kind, r.url.rsplit("/", 1)[-1], r.status) for r in self.responses]


async def observed(url: str, config: FetchConfig) -> tuple[Seen, object]:
    """What the observer saw of one fetch, and its result (a `Fetched` or the error)."""
    seen = Seen()
    async with Fetcher(config, on_response=seen) as fetcher:
        try:
            return seen, await fetcher.fetch(url)
        except FetchError as error:
            return seen, error


def header(received: Received, name: str) -> str | None:
    return next((v for k, v in received.headers if k.lower() == name.lower()), None)


@pytest.mark.reliability
async def test_every_hop_and_retry_is_observed_in_order(site: LocalServer) -> None:
    site.route("/old", Reply.redirect("/mid", status=301))
    site.route("/mid", Reply.redirect("/new", status=302))
    busy = Reply.html("<p>busy</p>", status=503, headers=(("Retry-After", "0"),))
    site.route("/new", busy, busy, Reply.html("<p>here</p>"))
    seen, fetched = await observed(site.url("/old"), config_for(site))
    assert seen.summary() == [
        ("robots", "robots.txt", 404),
        ("page", "old", 301),
        ("page", "mid", 302),
        ("page", "new", 503),
        ("page", "new", 503),
        ("page", "new", 200),
    ]
    hops = seen.responses[1:3]
    assert [header(r, "location") for r in hops] == ["/mid", "/new"]
    assert seen.responses[3].content == b"<p>busy</p>" and seen.responses[3].reason
    assert header(seen.responses[3], "retry-after") == "0"
    assert {r.requested_url for r in seen.responses[1:]} == {site.url("/old")}
    assert getattr(fetched, "response_id", None) == seen.responses[-1].response_id
    assert len({r.response_id for r in seen.responses}) == len(seen.responses)
    assert threading.get_ident() not in seen.threads  # archiving never blocks the loop


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, PermanentHTTPStatus), (410, PermanentHTTPStatus), (429, TransientHTTPStatus)],
)
async def test_error_responses_are_observed_with_their_body(
    site: LocalServer, status: int, error: type[FetchError]
) -> None:
    site.route("/err", Reply.html(f"<h1>{status}</h1>", status=status))
    config = config_for(site, respect_robots=False, max_retries=1)
    seen, result = await observed(site.url("/err"), config)
    assert isinstance(result, error)
    attempts = 2 if status == 429 else 1
    assert seen.summary() == [("page", "err", status)] * attempts
    assert all(r.content == f"<h1>{status}</h1>".encode() for r in seen.responses)
    assert all(r.truncated is None for r in seen.responses)


@pytest.mark.reliability
async def test_an_oversize_body_is_observed_up_to_the_cap_and_marked(site: LocalServer) -> None:
    site.route("/big", Reply.html(b"<p>" + b"x" * 5000, chunked=True))  # no Content-Length
    seen, result = await observed(site.url("/big"), config_for(site, max_body_bytes=1000))
    assert isinstance(result, TooLarge)
    page = seen.responses[-1]
    assert (page.status, page.truncated, page.content) == (200, "length", b"<p>" + b"x" * 997)


async def test_a_declared_oversize_body_is_not_read_but_observed(site: LocalServer) -> None:
    site.route("/huge", Reply.huge_declared(100_000_000))
    seen, result = await observed(site.url("/huge"), config_for(site, respect_robots=False))
    assert isinstance(result, TooLarge)
    [page] = seen.responses
    assert (page.status, page.truncated, page.content) == (200, "length", b"")
    assert header(page, "content-length") == "100000000"


async def test_a_refused_media_type_is_observed_unread(site: LocalServer) -> None:
    site.route("/doc.pdf", Reply.text("%PDF-1.7", content_type="application/pdf"))
    seen, result = await observed(site.url("/doc.pdf"), config_for(site, respect_robots=False))
    assert isinstance(result, UnsupportedContentType)
    [page] = seen.responses
    assert (page.status, page.truncated, page.content) == (200, "unspecified", b"")


@pytest.mark.reliability
async def test_a_body_cut_by_the_deadline_is_observed_as_far_as_it_got(
    site: LocalServer,
) -> None:
    site.route("/trickle", Reply.trickle(b"y" * 100, every_s=0.1))
    config = config_for(site, respect_robots=False, deadline_s=0.55, read_timeout_s=5.0)
    seen, result = await observed(site.url("/trickle"), config)
    assert isinstance(result, DeadlineExceeded)
    [page] = seen.responses
    assert (page.status, page.truncated) == (200, "time")
    assert 1 <= len(page.content) < 100 and set(page.content) == {ord("y")}


async def test_a_robots_txt_answer_is_observed_as_kind_robots(site: LocalServer) -> None:
    site.route("/robots.txt", Reply.robots("User-agent: *\nDisallow: /private\n"))
    seen, result = await observed(site.url("/private/x"), config_for(site))
    assert getattr(result, "reason", None) == "robots_disallowed"
    [robots] = seen.responses
    assert (robots.kind, robots.status) == ("robots", 200)
    assert robots.content == b"User-agent: *\nDisallow: /private\n"


@pytest.mark.reliability
async def test_refused_destinations_and_transport_errors_show_nothing(site: LocalServer) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{probe.getsockname()[1]}"
    seen = Seen()
    config = config_for(site, respect_robots=False, max_retries=1, allow_hosts=(closed,))
    async with Fetcher(config, on_response=seen) as fetcher:
        with pytest.raises(RefusedDestination):
            await fetcher.fetch("http://127.0.0.9/private")  # not allowed: never connected
        with pytest.raises(ConnectFailed):
            await fetcher.fetch(f"http://{closed}/page")
    assert seen.responses == []

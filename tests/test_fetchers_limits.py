"""Hostile servers: huge, endless, compressed-bomb, silent and trickling responses all end
within the size cap and the total deadline; wrong content types are refused."""

from __future__ import annotations

import functools
import time
import tracemalloc
from typing import Any

import pytest

from fetchers import (
    BadResponse,
    DeadlineExceeded,
    Fetcher,
    TooLarge,
    UnsupportedContentType,
)
from tests import fetchhelpers
from tests.httpfixture import LocalServer, Reply, zeros_compressed

MIB = 1024 * 1024

pytestmark = [pytest.mark.anyio, pytest.mark.network, pytest.mark.timeout(30)]

anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
site = fetchhelpers.site
config_for = functools.partial(
    fetchhelpers.config_for, max_body_bytes=1 * MIB, respect_robots=False
)


async def fetch_error(site: LocalServer, path: str, **overrides: Any) -> tuple[Exception, float]:
    """The error fetching `path` raised, and how long it took to get it."""
    started = time.monotonic()
    async with Fetcher(config_for(site, **overrides)) as fetcher:
        with pytest.raises(Exception) as caught:
            await fetcher.fetch(site.url(path))
    return caught.value, time.monotonic() - started


@pytest.mark.reliability
async def test_declared_100_mb_body_is_abandoned_before_reading(site: LocalServer) -> None:
    site.route("/huge", Reply.huge_declared(100 * MIB))
    error, elapsed = await fetch_error(site, "/huge")
    assert isinstance(error, TooLarge)
    assert "Content-Length 104857600" in str(error)
    assert elapsed < 5.0
    time.sleep(0.1)  # let the server notice the hang-up
    assert site.requests[0].bytes_sent < 8 * MIB  # it stopped long before 100 MiB


@pytest.mark.reliability
async def test_endless_chunked_stream_stops_at_the_cap(site: LocalServer) -> None:
    site.route("/endless", Reply.endless_stream())
    error, elapsed = await fetch_error(site, "/endless")
    assert isinstance(error, TooLarge) and "after decoding" in str(error)
    assert elapsed < 3.0


@pytest.mark.reliability
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compression_bombs_stop_at_the_decoded_cap_with_bounded_memory(
    site: LocalServer, encoding: str
) -> None:
    decoded_size = 128 * MIB
    bomb = zeros_compressed(encoding, decoded_size)  # built before measuring
    assert len(bomb) < MIB
    site.route("/bomb", Reply.bomb(encoding, decoded_size))
    tracemalloc.start()
    try:
        error, _ = await fetch_error(site, "/bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, TooLarge)
    assert peak < 6 * MIB  # cap is 1 MiB; decoding it all would need 128 MiB


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compressed_pages_within_the_cap_are_decoded(
    site: LocalServer, encoding: str
) -> None:
    page = b"<html><body>" + b"news " * 50_000 + b"</body></html>"
    site.route("/page", Reply.compressed(page, encoding))
    async with Fetcher(config_for(site)) as fetcher:
        fetched = await fetcher.fetch(site.url("/page"))
    assert fetched.content == page
    assert site.requests[0].header("accept-encoding") == "gzip, deflate, br"


@pytest.mark.reliability
async def test_silent_server_ends_at_the_total_deadline(site: LocalServer) -> None:
    site.route("/silent", Reply.silent())
    error, elapsed = await fetch_error(site, "/silent", deadline_s=0.5, read_timeout_s=10.0)
    assert isinstance(error, DeadlineExceeded) and error.reason == "deadline"
    assert 0.5 <= elapsed < 2.5
    assert len(site.requests) == 1  # a deadline is not retried at once


@pytest.mark.reliability
async def test_trickling_server_ends_at_the_total_deadline(site: LocalServer) -> None:
    """One byte every 0.25 s never trips the 0.5 s inactivity timeout; the deadline ends it."""
    site.route("/trickle", Reply.trickle(b"x" * 1000, every_s=0.25))
    error, elapsed = await fetch_error(site, "/trickle", deadline_s=1.0, read_timeout_s=0.5)
    assert isinstance(error, DeadlineExceeded)
    assert 1.0 <= elapsed < 3.0


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json", "text/plain"]
)
async def test_non_html_is_refused_for_a_page(site: LocalServer, content_type: str) -> None:
    site.route("/doc", Reply.text("%PDF-1.7", content_type=content_type))
    error, _ = await fetch_error(site, "/doc")
    assert isinstance(error, UnsupportedContentType)
    assert content_type in str(error)


async def test_missing_content_type_is_refused(site: LocalServer) -> None:
    site.route("/bare", Reply(body=b"<html></html>"))
    error, _ = await fetch_error(site, "/bare")
    assert isinstance(error, UnsupportedContentType)


async def test_feed_kind_accepts_feed_types_and_reports_charset(site: LocalServer) -> None:
    site.route("/rss", Reply.text("<rss/>", content_type="application/rss+xml; charset=ISO-8859-1"))
    site.route("/page", Reply.html("<p>hi</p>"))
    async with Fetcher(config_for(site)) as fetcher:
        feed = await fetcher.fetch(site.url("/rss"), kind="feed")
        with pytest.raises(UnsupportedContentType):
            await fetcher.fetch(site.url("/page"), kind="feed")
    assert (feed.media_type, feed.charset) == ("application/rss+xml", "iso-8859-1")


@pytest.mark.reliability
@pytest.mark.parametrize(
    ("encoding", "body"), [("zstd", b"\x28\xb5\x2f\xfd"), ("gzip", b"not gzip at all")]
)
async def test_unknown_or_corrupt_encoding_is_a_bad_response(
    site: LocalServer, encoding: str, body: bytes
) -> None:
    headers = (("Content-Type", "text/html"), ("Content-Encoding", encoding))
    site.route("/odd", Reply(body=body, headers=headers))
    error, _ = await fetch_error(site, "/odd")
    assert isinstance(error, BadResponse)
    assert len(site.requests) == 1  # permanent: not retried


@pytest.mark.reliability
async def test_truncated_body_is_retried(site: LocalServer) -> None:
    cut_short = Reply(
        body=b"<p>", declared_length=100, close=True, headers=(("Content-Type", "text/html"),)
    )
    site.route("/cut", cut_short, Reply.html("<p>whole</p>"))
    async with Fetcher(config_for(site)) as fetcher:
        fetched = await fetcher.fetch(site.url("/cut"))
    assert (fetched.content, fetched.attempts) == (b"<p>whole</p>", 2)

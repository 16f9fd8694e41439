"""Unit tests of the network edge that send no traffic at all: address classification,
host normalisation, URL checks, header parsing and the error tree."""

from __future__ import annotations

import ipaddress
import pickle
from datetime import UTC, datetime

import pytest

from fetchers.errors import (
    DeadlineExceeded,
    FetchError,
    PermanentFetchError,
    PermanentHTTPStatus,
    RefusedDestination,
    RobotsDisallowed,
    RobotsUnavailable,
    TooLarge,
    TransientFetchError,
    TransientHTTPStatus,
    UnsupportedScheme,
)
from fetchers.errors import InvalidURL as InvalidURLError
from fetchers.headers import parse_content_type, retry_after_seconds
from fetchers.netguard import (
    AllowEntry,
    InvalidHost,
    NetGuard,
    address_refusal,
    normalise_host,
)

REFUSED_ADDRESSES = {
    "169.254.169.254": "link_local",
    "10.0.0.1": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "shared",
    "127.0.0.1": "loopback",
    "0.0.0.0": "unspecified",
    "224.0.0.1": "multicast",
    "240.0.0.1": "private",  # reserved 240/4, which Python files under private
    "255.255.255.255": "private",
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link_local",
    "fc00::1": "private",
    "fec0::1": "site_local",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback (embedded in ::ffff:7f00:1)",
    "::ffff:169.254.169.254": "link_local (embedded in ::ffff:a9fe:a9fe)",
    "::127.0.0.1": "loopback (embedded in ::7f00:1)",
    "64:ff9b::10.0.0.1": "private (embedded in 64:ff9b::a00:1)",
    "64:ff9b:1::1": "nat64_local",
    "2002:c0a8:0101::1": "private (embedded in 2002:c0a8:101::1)",
}
PUBLIC_ADDRESSES = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.reliability
@pytest.mark.timeout(10)
@pytest.mark.parametrize(("address", "reason"), REFUSED_ADDRESSES.items())
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.reliability
@pytest.mark.timeout(10)
@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.reliability
@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f.1", "017700000001", "127.1", "0x7f000001", "0177.0.0.1", "127.0.0.1."],
)
def test_odd_spellings_of_loopback_normalise_to_127_0_0_1(host: str) -> None:
    assert normalise_host(host) == ipaddress.IPv4Address("127.0.0.1")


def test_names_and_ipv6_literals_normalise() -> None:
    assert normalise_host("News.Example.") == "news.example"
    assert normalise_host("[::FFFF:127.0.0.1]") == ipaddress.IPv6Address("::ffff:7f00:1")
    assert normalise_host("fe80::1%25eth0") == ipaddress.IPv6Address("fe80::1")
    assert normalise_host("1e100.net") == "1e100.net"  # a name, not a number


@pytest.mark.reliability
@pytest.mark.timeout(10)
@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "0x7g.1", "08.1", "1.16777216", "%31"])
def test_hosts_no_resolver_would_accept_are_invalid(host: str) -> None:
    with pytest.raises(InvalidHost):
        normalise_host(host)


@pytest.mark.reliability
@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("file:///etc/passwd", UnsupportedScheme),
        ("ftp://example.org/x", UnsupportedScheme),
        ("data:text/html,hi", UnsupportedScheme),
        ("javascript:alert(1)", UnsupportedScheme),
        ("gopher://example.org/", UnsupportedScheme),
        ("http://169.254.169.254/latest/meta-data/", RefusedDestination),
        ("http://2130706433/", RefusedDestination),
        ("http://0x7f.1/", RefusedDestination),
        ("http://017700000001/", RefusedDestination),
        ("http://127.1/", RefusedDestination),
        ("http://[::ffff:127.0.0.1]/", RefusedDestination),
        ("http://localhost:8000/", RefusedDestination),
        ("http://metadata.google.internal/", RefusedDestination),
        ("http://1.2.3.4.5/", InvalidURLError),
        ("http:///nohost", InvalidURLError),
    ],
)
def test_check_url_refuses_before_any_traffic(url: str, error: type[FetchError]) -> None:
    with pytest.raises(error) as caught:
        NetGuard().check_url(url)
    assert isinstance(caught.value, PermanentFetchError)


def test_check_url_passes_public_hosts_and_gives_pacing_and_robots_keys() -> None:
    destination = NetGuard().check_url("HTTPS://News.Example.ORG/a/b?c=1#frag")
    assert destination.authority == "news.example.org:443"
    assert destination.origin == "https://news.example.org:443"
    assert destination.robots_url == "https://news.example.org/robots.txt"


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_allow_list_opens_exactly_the_named_host_and_port() -> None:
    guard = NetGuard(["127.0.0.1:8123", "localhost", "[::1]:9000"])
    assert guard.check_url("http://127.0.0.1:8123/").port == 8123
    assert guard.check_url("http://2130706433:8123/").port == 8123  # same host, spelled oddly
    assert guard.check_url("http://localhost:1234/").port == 1234
    assert guard.check_url("http://[::1]:9000/").port == 9000
    for refused in ("http://127.0.0.1:8124/", "http://127.0.0.2:8123/", "http://[::1]:9001/"):
        with pytest.raises(RefusedDestination):
            guard.check_url(refused)


def test_allow_entries_parse_host_and_optional_port() -> None:
    assert AllowEntry.parse("127.0.0.1:8123") == AllowEntry(ipaddress.ip_address("127.0.0.1"), 8123)
    assert AllowEntry.parse("LocalHost") == AllowEntry("localhost", None)
    assert AllowEntry.parse("::1") == AllowEntry(ipaddress.ip_address("::1"), None)
    assert AllowEntry.parse("[::1]:80") == AllowEntry(ipaddress.ip_address("::1"), 80)


@pytest.mark.reliability
@pytest.mark.timeout(10)
def test_resolved_addresses_are_checked_unless_the_name_is_allow_listed() -> None:
    loopback = [ipaddress.ip_address("127.0.0.1")]
    assert NetGuard().refusal("rebind.test", 80, loopback) == (
        "rebind.test resolves to 127.0.0.1, which is loopback"
    )
    assert NetGuard(["rebind.test:80"]).refusal("rebind.test", 80, loopback) is None
    mixed = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.1")]
    assert NetGuard().refusal("mixed.test", 80, mixed) is not None


def test_errors_are_one_line_with_url_and_reason() -> None:
    error = PermanentHTTPStatus("http://a.test/x", 404)
    assert str(error) == "http_404 http://a.test/x: server answered 404"
    assert error.reason == "http_404" and error.status == 404
    multi_line = TooLarge("http://a.test/", "line one\nline two")
    assert "\n" not in str(multi_line) and multi_line.reason == "too_large"


def test_error_tree_sorts_retry_from_record() -> None:
    transient = [DeadlineExceeded, RobotsUnavailable, TransientHTTPStatus]
    permanent = [RefusedDestination, RobotsDisallowed, TooLarge, UnsupportedScheme]
    assert all(issubclass(cls, TransientFetchError) for cls in transient)
    assert all(issubclass(cls, PermanentFetchError) for cls in permanent)
    assert TransientHTTPStatus("http://a.test/", 503, 7.0).retry_after_s == 7.0


def test_retry_after_in_seconds_and_http_date_forms() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_content_type_parsing() -> None:
    assert parse_content_type('Text/HTML; Charset="UTF-8"') == ("text/html", "utf-8")
    assert parse_content_type("application/rss+xml") == ("application/rss+xml", None)
    assert parse_content_type(None) == (None, None)


@pytest.mark.parametrize(
    "error",
    [
        TransientHTTPStatus("http://a.test/", 429, 30.0),
        PermanentHTTPStatus("http://a.test/", 404),
        RefusedDestination("http://10.0.0.1/", "10.0.0.1 is private"),
    ],
)
def test_errors_survive_pickling(error: FetchError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (str(copy), copy.reason, copy.url) == (str(error), error.reason, error.url)
    assert copy.__dict__ == error.__dict__

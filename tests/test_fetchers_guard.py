"""The SSRF guard against real sockets: canaries on 127.x must never be contacted.

Only 127.0.0.0/8 is ever connected to. Where a test needs a "public" address, a fake
network backend stands in for the internet and maps that address to a local server; any
other destination raises inside the fake, so nothing can leave the machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpcore
import pytest

from fetchers import Fetcher, RefusedDestination, UnsupportedScheme
from fetchers.netguard import IPAddress, NetGuard
from fetchers.transport import GuardedBackend, guarded_transport
from tests import fetchhelpers
from tests.fetchhelpers import config_for
from tests.httpfixture import LocalServer, Reply

PUBLIC_IP = "93.184.216.34"

pytestmark = [pytest.mark.anyio, pytest.mark.network, pytest.mark.timeout(30)]

anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
site = fetchhelpers.site


@pytest.fixture(params=["127.0.0.1", "127.0.0.2"], ids=["other-port", "other-address"])
def canary(request: pytest.FixtureRequest) -> Iterator[LocalServer]:
    """A loopback server that is NOT allow-listed: it must see zero connections."""
    with LocalServer(request.param) as server:
        server.route("/", Reply.html("canary"))
        yield server


class ScriptedResolver:
    """Answers each lookup with the next scripted answer (the last one repeats)."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self.answers = [[ipaddress.ip_address(a) for a in answer] for answer in answers]
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        self.calls.append(host)
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


class LoopbackInternet(httpcore.AsyncNetworkBackend):
    """A fake internet: known (ip, port) pairs lead to local servers, all else fails."""

    def __init__(self, routes: dict[tuple[str, int], LocalServer]) -> None:
        self.routes = routes
        self.dialled: list[tuple[str, int]] = []
        self._loopback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        server = self.routes.get((host, port))
        if server is None:
            raise httpcore.ConnectError(f"{host}:{port} is not on the test internet")
        return await self._loopback.connect_tcp(server.host, server.port, timeout)


@pytest.mark.reliability
async def test_link_to_a_non_allowed_canary_is_refused(
    site: LocalServer, canary: LocalServer
) -> None:
    async with Fetcher(config_for(site)) as fetcher:
        with pytest.raises(RefusedDestination, match="loopback"):
            await fetcher.fetch(canary.url("/"))
    assert canary.connections == 0


@pytest.mark.reliability
@pytest.mark.parametrize(
    "spelling", ["2130706433", "0x7f.1", "017700000001", "127.1", "0x7f000001"]
)
async def test_odd_spellings_of_a_listening_canary_are_refused(spelling: str) -> None:
    with LocalServer() as canary:
        async with Fetcher(config_for()) as fetcher:
            with pytest.raises(RefusedDestination):
                await fetcher.fetch(f"http://{spelling}:{canary.port}/")
        assert canary.connections == 0


@pytest.mark.reliability
async def test_backend_refuses_odd_spellings_even_without_the_up_front_check() -> None:
    resolver = ScriptedResolver(["127.0.0.1"])
    with LocalServer() as canary:
        backend = GuardedBackend(NetGuard(), resolver)
        for spelling in ("2130706433", "0x7f.1", "127.1", "localhost", "canary.localhost"):
            with pytest.raises(RefusedDestination):
                await backend.connect_tcp(spelling, canary.port, timeout=1.0)
        assert canary.connections == 0
    assert resolver.calls == []  # numbers and local-only names need no lookup to refuse


@pytest.mark.reliability
@pytest.mark.parametrize(
    "target",
    ["{canary}", "file:///etc/passwd", "ftp://{canary_authority}/", "data:text/html,hi"],
)
async def test_redirect_to_refused_destination_is_refused_at_that_hop(
    site: LocalServer, canary: LocalServer, target: str
) -> None:
    location = target.format(canary=canary.url("/"), canary_authority=canary.authority)
    site.route("/go", Reply.redirect(location))
    async with Fetcher(config_for(site)) as fetcher:
        with pytest.raises((RefusedDestination, UnsupportedScheme)) as caught:
            await fetcher.fetch(site.url("/go"))
    assert caught.value.url != site.url("/go")  # the error names the refused hop
    assert site.paths() == ["/robots.txt", "/go"]
    assert canary.connections == 0


@pytest.mark.reliability
async def test_dns_rebinding_cannot_swap_the_address_after_the_check(canary: LocalServer) -> None:
    """First lookup says public, the next says 127.0.0.1: the second connection is refused.

    `stand_in` plays the public server; it closes every connection, so each request needs
    a fresh connection and a fresh lookup. The fake internet routes 127.0.0.1:80 to the
    canary, so a guard that checked one answer and connected to another would hit it.
    """
    with LocalServer() as stand_in:
        stand_in.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n", close=True))
        internet = LoopbackInternet({(PUBLIC_IP, 80): stand_in, ("127.0.0.1", 80): canary})
        resolver = ScriptedResolver([PUBLIC_IP], ["127.0.0.1"])
        transport = guarded_transport(NetGuard(), resolver, internet)
        async with Fetcher(config_for(), transport=transport) as fetcher:
            with pytest.raises(RefusedDestination, match=r"resolves to 127\.0\.0\.1"):
                await fetcher.fetch("http://rebind.test/news")
    assert resolver.calls == ["rebind.test", "rebind.test"]  # one lookup per connection
    assert internet.dialled == [(PUBLIC_IP, 80)]
    assert stand_in.paths() == ["/robots.txt"]
    assert canary.connections == 0


@pytest.mark.reliability
async def test_answer_mixing_public_and_private_addresses_is_refused(canary: LocalServer) -> None:
    internet = LoopbackInternet({(PUBLIC_IP, 80): canary, ("127.0.0.1", 80): canary})
    resolver = ScriptedResolver([PUBLIC_IP, "127.0.0.1"])
    transport = guarded_transport(NetGuard(), resolver, internet)
    async with Fetcher(config_for(respect_robots=False), transport=transport) as fetcher:
        with pytest.raises(RefusedDestination):
            await fetcher.fetch("http://mixed.test/")
    assert internet.dialled == []
    assert canary.connections == 0


async def test_public_answer_is_connected_to_exactly(site: LocalServer) -> None:
    site.route("/", Reply.html("public news"))
    internet = LoopbackInternet({(PUBLIC_IP, 80): site})
    transport = guarded_transport(NetGuard(), ScriptedResolver([PUBLIC_IP]), internet)
    async with Fetcher(config_for(respect_robots=False), transport=transport) as fetcher:
        fetched = await fetcher.fetch("http://news.test/")
    assert fetched.content == b"public news"
    assert internet.dialled == [(PUBLIC_IP, 80)]
    assert site.requests[0].header("host") == "news.test"


@pytest.mark.reliability
async def test_proxy_variables_do_not_divert_traffic(
    site: LocalServer, canary: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.route("/", Reply.html("direct"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, canary.base_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Fetcher(config_for(site, respect_robots=False)) as fetcher:
        fetched = await fetcher.fetch(site.url("/"))
    assert fetched.content == b"direct"
    assert canary.connections == 0

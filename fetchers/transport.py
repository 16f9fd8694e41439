"""The guarded connection layer: every TCP connection the fetcher opens passes through here.

`GuardedBackend` is an `httpcore.AsyncNetworkBackend`. Its `connect_tcp(host, port)` resolves
the host once through an injectable `Resolver`, checks every answer against the `NetGuard`,
and connects to one of exactly those checked addresses. Checking and connecting on the same
answer is what defeats DNS rebinding: a resolver that answers "public" to a check and
"127.0.0.1" to the connect never gets a second question. Because httpcore calls the backend
for every new connection, redirect hops and retries are covered too.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Sequence
from ipaddress import ip_address
from typing import Protocol

import anyio
import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

from fetchers.errors import RefusedDestination
from fetchers.netguard import InvalidHost, IPAddress, NetGuard, normalise_host

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class Resolver(Protocol):
    """Turns a host name into the addresses to connect to (tests inject fakes)."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]: ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), run off the event loop by anyio."""

    async def resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        answers = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = (ip_address(sockaddr[0]) for *_, sockaddr in answers)
        return list(dict.fromkeys(addresses))  # unique, in the resolver's preferred order


class GuardedBackend(AsyncNetworkBackend):
    """Resolve once, refuse unless every answer passes the guard, connect to a checked IP."""

    def __init__(
        self,
        guard: NetGuard,
        resolver: Resolver | None = None,
        inner: AsyncNetworkBackend | None = None,
    ) -> None:
        self._guard = guard
        self._resolver = resolver or SystemResolver()
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        addresses = await self.checked_addresses(host, port, timeout)
        last_error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # try the resolver's next address, as browsers do
        raise last_error

    async def checked_addresses(
        self, host: str, port: int, timeout: float | None = None
    ) -> Sequence[IPAddress]:
        """The addresses for `host`, each one approved by the guard; else RefusedDestination."""
        try:
            target = normalise_host(host)
        except InvalidHost as exc:
            raise RefusedDestination(f"{host}:{port}", str(exc)) from None
        self._refuse_if(self._guard.refusal(target, port), host, port)  # before any lookup
        if isinstance(target, str):
            addresses = await self._resolve(target, port, timeout)
        else:
            addresses = [target]
        self._refuse_if(self._guard.refusal(target, port, addresses), host, port)
        return addresses

    @staticmethod
    def _refuse_if(reason: str | None, host: str, port: int) -> None:
        if reason:
            raise RefusedDestination(f"{host}:{port}", reason)

    async def _resolve(self, name: str, port: int, timeout: float | None) -> Sequence[IPAddress]:
        try:
            with anyio.fail_after(timeout):
                addresses = await self._resolver.resolve(name, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {name} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {name}: {exc}") from None
        if not addresses:
            raise httpcore.ConnectError(f"{name} has no addresses")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        raise RefusedDestination(path, "unix sockets are never contacted")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose connection pool connects only through a `GuardedBackend`."""

    def __init__(self, backend: GuardedBackend, *, max_keepalive: int = 20) -> None:
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False)
        # httpx 0.28 has no network_backend parameter, so swap in a pool that uses ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=None,  # the fetcher's own limits bound concurrency
            max_keepalive_connections=max_keepalive,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


def guarded_transport(
    guard: NetGuard,
    resolver: Resolver | None = None,
    inner: AsyncNetworkBackend | None = None,
) -> GuardedTransport:
    """The transport `Fetcher` uses unless a test injects another one."""
    return GuardedTransport(GuardedBackend(guard, resolver, inner))

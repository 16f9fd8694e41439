"""Which destinations the fetcher may contact (the SSRF guard).

Only http and https URLs whose host is a public unicast address, or a name that resolves to
nothing but public unicast addresses, are fetched. Loopback, private, link-local (including
the 169.254.169.254 cloud metadata service), multicast, reserved, unspecified and shared
(100.64/10) addresses are refused, and so are IPv6 addresses that embed such an IPv4
address (mapped, compatible, translated, 6to4, NAT64, Teredo). Hosts are read the way a
resolver or browser reads them, so ``2130706433``, ``0x7f.1``, ``017700000001`` and ``127.1``
are all 127.0.0.1.

An allow-list of ``HOST[:PORT]`` entries opens named hosts (tests and local fixtures); it
matches the host as written in the URL, never the address a name happens to resolve to.

This module decides; `fetchers.transport` enforces the decision on the address actually
connected to, at every connection, redirect hops included.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import httpx

from fetchers.errors import InvalidURL, RefusedDestination, UnsupportedScheme

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Host = IPAddress | str
DEFAULT_PORTS = {"http": 80, "https": 443}

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")
_IPV4_PART = {16: re.compile(r"[0-9a-f]*"), 8: re.compile(r"[0-7]+"), 10: re.compile(r"[0-9]+")}


class InvalidHost(ValueError):
    """A host no resolver would accept, e.g. ``1.2.3.4.5`` or ``0x7g.1``."""


def address_refusal(address: IPAddress) -> str | None:
    """Why `address` must not be contacted, or None for a public unicast address."""
    embedded = _embedded_ipv4(address)
    if embedded:
        reasons = [address_refusal(inner) for inner in embedded]
        return next((f"{r} (embedded in {address})" for r in reasons if r), None)
    if address in _NAT64_LOCAL:
        return "nat64_local"
    return next((label for label, test in _REFUSALS if test(address)), None)


_REFUSALS = (
    ("unspecified", lambda a: a.is_unspecified),
    ("loopback", lambda a: a.is_loopback),
    ("link_local", lambda a: a.is_link_local),
    ("multicast", lambda a: a.is_multicast),
    ("shared", lambda a: a in _SHARED),
    ("site_local", lambda a: isinstance(a, ipaddress.IPv6Address) and a.is_site_local),
    ("private", lambda a: a.is_private),
    ("reserved", lambda a: a.is_reserved),
    ("not_global", lambda a: not a.is_global),
)


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries, which is where its packets really go."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    compatible = address in _IPV4_COMPATIBLE and int(address) > 1  # not :: or ::1
    if compatible or address in _IPV4_TRANSLATED or address in _NAT64:
        return [low32]
    return []


def normalise_host(host: str) -> Host:
    """The host as a resolver sees it: an address for any numeric spelling, else a name."""
    name = host.strip().lower().removesuffix(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if ":" in name:
        return _parse_ipv6(name)
    if not name or "%" in name:
        raise InvalidHost(f"invalid host {host!r}")
    return _parse_ipv4(name, host) if _ends_in_number(name) else name


def _parse_ipv6(name: str) -> ipaddress.IPv6Address:
    try:
        return ipaddress.IPv6Address(name.split("%", 1)[0])  # the zone id routes, not names
    except ValueError as exc:
        raise InvalidHost(f"invalid IPv6 host {name!r}") from exc


def _ends_in_number(name: str) -> bool:
    # WHATWG URL host parsing: a name whose last label is numeric must be an IPv4 address.
    last = name.rsplit(".", 1)[-1]
    return last.isdigit() or (last.startswith("0x") and bool(_IPV4_PART[16].fullmatch(last[2:])))


def _parse_ipv4(name: str, original: str) -> ipaddress.IPv4Address:
    """inet_aton rules: 1-4 parts, each decimal, 0-prefixed octal or 0x hex."""
    parts = name.split(".")
    numbers = [_ipv4_number(part, original) for part in parts]
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]):
        raise InvalidHost(f"invalid IPv4 host {original!r}")
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidHost(f"invalid IPv4 host {original!r}")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str, original: str) -> int:
    base, digits = 10, part
    if part.startswith("0x"):
        base, digits = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        base, digits = 8, part[1:]
    if not part or not _IPV4_PART[base].fullmatch(digits):
        raise InvalidHost(f"invalid IPv4 host {original!r}")
    return int(digits, base) if digits else 0


def host_refusal(host: Host) -> str | None:
    """Why a host is refused before any lookup: a non-public address or a local-only name."""
    if not isinstance(host, str):
        return address_refusal(host)
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return "local_name"
    return None


@dataclass(frozen=True)
class AllowEntry:
    """One allow-list entry: a host as normalised, and a port (None = any port)."""

    host: Host
    port: int | None

    @classmethod
    def parse(cls, entry: str) -> AllowEntry:
        text = entry.strip()
        host, sep, port = text.rpartition(":")
        if not sep or not port.isdigit() or (":" in host and not host.endswith("]")):
            host, port = text, ""  # no port, or a bare IPv6 address
        return cls(normalise_host(host), int(port) if port else None)

    def matches(self, host: Host, port: int) -> bool:
        return self.host == host and self.port in (None, port)


@dataclass(frozen=True)
class Destination:
    """A URL that passed the up-front checks, with the keys pacing and robots use."""

    url: httpx.URL
    host: Host
    port: int

    @property
    def authority(self) -> str:
        """``host:port``: the unit of per-host pacing."""
        host = f"[{self.host}]" if isinstance(self.host, ipaddress.IPv6Address) else self.host
        return f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        """``scheme://host:port``: the scope of one robots.txt."""
        return f"{self.url.scheme}://{self.authority}"

    @property
    def robots_url(self) -> str:
        return str(self.url.copy_with(raw_path=b"/robots.txt", fragment=None))


class NetGuard:
    """The destination policy: http(s) only, public addresses only, unless allow-listed."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self._allowed = tuple(AllowEntry.parse(entry) for entry in allow_hosts)

    def is_allowed(self, host: Host, port: int) -> bool:
        return any(entry.matches(host, port) for entry in self._allowed)

    def refusal(self, host: Host, port: int, addresses: Sequence[IPAddress] = ()) -> str | None:
        """Why connecting to `host` (resolved to `addresses`) is refused, or None."""
        if self.is_allowed(host, port):
            return None
        reason = host_refusal(host)
        if reason:
            return f"{host} is {reason}"
        refused = ((a, address_refusal(a)) for a in addresses)
        return next((f"{host} resolves to {a}, which is {r}" for a, r in refused if r), None)

    def check_url(self, url: str | httpx.URL) -> Destination:
        """Refuse a URL before any traffic: bad scheme, unparsable host, refused address."""
        parsed = _parse_url(url)
        if parsed.scheme not in DEFAULT_PORTS:
            raise UnsupportedScheme(str(url), f"scheme {parsed.scheme!r} is not http or https")
        try:
            host = normalise_host(parsed.raw_host.decode("ascii"))
        except InvalidHost as exc:
            raise InvalidURL(str(url), str(exc)) from None
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        reason = self.refusal(host, port)
        if reason:
            raise RefusedDestination(str(url), reason)
        return Destination(parsed, host, port)


def _parse_url(url: str | httpx.URL) -> httpx.URL:
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidURL(str(url), str(exc)) from None

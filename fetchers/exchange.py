"""One HTTP request and its response, within a total deadline and a body cap.

httpx timeouts only bound inactivity, so a server that sends a byte a second never trips
them; the whole exchange (connect, headers, body) therefore runs under one anyio deadline.
Statuses are sorted here into the error tree: redirects and 304 come back to the caller,
408/429/5xx become `TransientHTTPStatus`, other non-2xx `PermanentHTTPStatus`.

Requests go straight to the transport, not through `httpx.AsyncClient`: even with
follow_redirects=False the client builds a `next_request` for every redirect, which fails
on hostile Location headers (``data:...``) and rewrites others (``file:///x`` gains our
host). Redirects are followed by `fetchers.http` anyway, and no client means no proxy or
cookie settings from the environment either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import anyio
import httpx

from fetchers.config import ROBOTS_KIND, FetchConfig
from fetchers.decoding import ACCEPT_ENCODING, make_decoder, read_capped
from fetchers.errors import (
    ConnectFailed,
    DeadlineExceeded,
    FetchTimeout,
    InvalidURL,
    NetworkError,
    PermanentHTTPStatus,
    RefusedDestination,
    TooLarge,
    TransientHTTPStatus,
    UnsupportedContentType,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Exchange:
    """A response worth returning: a 2xx with its body, a 304, or a redirect."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""
    location: str | None = None  # absolute target when the status is a redirect
    media_type: str | None = None
    charset: str | None = None


async def exchange(
    transport: httpx.AsyncBaseTransport,
    url: str,
    kind: str,
    headers: dict[str, str],
    config: FetchConfig,
) -> Exchange:
    """GET `url` once, mapping every failure to a `FetchError`."""
    try:
        with anyio.fail_after(config.deadline_s):
            return await _exchange(transport, url, kind, headers, config)
    except TimeoutError:
        raise DeadlineExceeded(url, f"no complete response within {config.deadline_s:g}s") from None
    except RefusedDestination as exc:  # raised by the guarded backend, which knows no URL
        raise RefusedDestination(url, exc.detail) from None
    except httpx.HTTPError as exc:
        raise _transport_error(url, exc) from None
    except httpx.InvalidURL as exc:
        raise InvalidURL(url, str(exc)) from None


def request_headers(
    config: FetchConfig, kind: str, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    """What every request says about us, plus the validators of a conditional request."""
    headers = {
        "User-Agent": config.user_agent,
        "Accept": config.accept_header(kind),
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _transport_error(url: str, exc: httpx.HTTPError) -> Exception:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeout(url, detail)
    if isinstance(exc, httpx.ConnectError):
        return ConnectFailed(url, detail)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return InvalidURL(url, detail)
    return NetworkError(url, detail)


async def _exchange(
    transport: httpx.AsyncBaseTransport,
    url: str,
    kind: str,
    headers: dict[str, str],
    config: FetchConfig,
) -> Exchange:
    timeout = httpx.Timeout(
        connect=config.connect_timeout_s,
        read=config.read_timeout_s,
        write=config.read_timeout_s,
        pool=None,  # waiting for a connection is bounded by the deadline instead
    )
    request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout.as_dict()})
    response = await transport.handle_async_request(request)
    response.request = request
    try:
        return await _read_response(url, response, kind, config)
    finally:
        await response.aclose()  # unread bytes are dropped with the connection


async def _read_response(
    url: str, response: httpx.Response, kind: str, config: FetchConfig
) -> Exchange:
    status = response.status_code
    if status in REDIRECT_STATUSES and "location" in response.headers:
        return Exchange(url, status, response.headers, location=_location(url, response))
    if status == 304:
        return Exchange(url, status, response.headers)
    _raise_for_status(url, response)
    media_type, charset = parse_content_type(response.headers.get("content-type"))
    if not config.accepts(kind, media_type):
        found = media_type or "no Content-Type"
        raise UnsupportedContentType(url, f"{found} is not accepted for kind {kind!r}")
    content = await _read_body(url, response, _body_limit(kind, config))
    return Exchange(url, status, response.headers, content, None, media_type, charset)


def _raise_for_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status in RETRYABLE_STATUSES or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        raise TransientHTTPStatus(url, status, retry_after)
    if not 200 <= status < 300:
        raise PermanentHTTPStatus(url, status)


def _body_limit(kind: str, config: FetchConfig) -> int:
    return config.max_robots_bytes if kind == ROBOTS_KIND else config.max_body_bytes


async def _read_body(url: str, response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        # Compressed bodies only grow when decoded, so this can be refused before reading.
        raise TooLarge(url, f"Content-Length {declared} exceeds {limit} bytes")
    decoder = make_decoder(url, response.headers.get("content-encoding"))
    return await read_capped(url, response.aiter_raw(), decoder, limit)


def _location(url: str, response: httpx.Response) -> str:
    try:
        target = response.url.join(response.headers["location"])
        return str(target.copy_with(fragment=None) if target.fragment else target)
    except httpx.InvalidURL as exc:
        raise InvalidURL(url, f"bad redirect Location: {exc}") from None


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/HTML; charset=UTF-8"`` -> ``("text/html", "utf-8")``."""
    if not value:
        return None, None
    media_type, *params = (part.strip() for part in value.split(";"))
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'").lower() or None
    return media_type.lower() or None, charset


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if absent/bad."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

"""One HTTP request and its response, within a total deadline and a body cap.

httpx timeouts only bound inactivity, so a server that sends a byte a second never trips
them; the whole exchange (connect, headers, body) therefore runs under one anyio deadline.
Statuses are sorted here into the error tree: redirects and 304 come back to the caller,
408/429/5xx become `TransientHTTPStatus`, other non-2xx `PermanentHTTPStatus`.

Every response comes back as an `Exchange`, error ones too (with `error` set, for the
fetcher to raise once the response is archived), with as much of its body as was read:
an error page, a redirect's body, the first `cap` bytes of an oversize body, the bytes
that arrived before the deadline or a dropped connection. Only failures before any
response (refused, unreachable, no status line in time) raise here.

Requests go straight to the transport, not through `httpx.AsyncClient`: even with
follow_redirects=False the client builds a `next_request` for every redirect, which fails
on hostile Location headers (``data:...``) and rewrites others (``file:///x`` gains our
host). Redirects are followed by `fetchers.http` anyway, and no client means no proxy or
cookie settings from the environment either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio
import httpx

from fetchers.config import ROBOTS_KIND, FetchConfig, Received
from fetchers.decoding import make_decoder, read_capped
from fetchers.errors import (
    BadResponse,
    ConnectFailed,
    DeadlineExceeded,
    FetchError,
    FetchTimeout,
    InvalidURL,
    NetworkError,
    PermanentHTTPStatus,
    RefusedDestination,
    TooLarge,
    TransientHTTPStatus,
    UnsupportedContentType,
)
from fetchers.headers import parse_content_type, retry_after_seconds

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Exchange:
    """One response: a 2xx with its body, a 304, a redirect, or (with `error`) any other."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""
    location: str | None = None  # absolute target when the status is a redirect
    media_type: str | None = None
    charset: str | None = None
    reason: str = ""  # the status line's reason phrase
    truncated: str | None = None  # why `content` is incomplete (see `fetchers.Received`)
    error: FetchError | None = None  # set: the response is not usable, raise this

    def received(self, response_id: int, requested_url: str, kind: str) -> Received:
        """This response as an observer of the fetcher sees it."""
        headers = tuple(self.headers.multi_items())
        return Received(
            response_id,
            requested_url,
            self.url,
            kind,
            self.status,
            self.reason,
            headers,
            self.content,
            self.truncated,
            datetime.now(UTC),
        )


@dataclass
class _Partial:
    """What has arrived of one response so far: a response cut short by the deadline or a
    dropped connection can still be handed back as far as it got."""

    url: str
    response: httpx.Response | None = None
    pieces: list[bytes] = field(default_factory=list)

    def ended(
        self, error: FetchError | None, truncated: str | None = None, location: str | None = None
    ) -> Exchange:
        response = self.response
        if response is None:
            raise RuntimeError("no response has arrived to end")
        media_type, charset = parse_content_type(response.headers.get("content-type"))
        content = b"".join(self.pieces)
        return Exchange(
            self.url,
            response.status_code,
            response.headers,
            content,
            location,
            media_type,
            charset,
            response.reason_phrase,
            truncated,
            error,
        )


async def exchange(
    transport: httpx.AsyncBaseTransport,
    url: str,
    kind: str,
    headers: dict[str, str],
    config: FetchConfig,
    body: bytes | None = None,
) -> Exchange:
    """GET `url` once, or POST `body` to it. A failure before any response raises a
    `FetchError`; a response, even an error or a cut-short one, comes back with its
    `error` set."""
    partial = _Partial(url)
    try:
        with anyio.fail_after(config.deadline_s):
            return await _exchange(transport, partial, kind, headers, config, body)
    except TimeoutError:
        detail = f"no complete response within {config.deadline_s:g}s"
        error: FetchError = DeadlineExceeded(url, detail)
        truncated = "time"
    except RefusedDestination as exc:  # raised by the guarded backend, which knows no URL
        raise RefusedDestination(url, exc.detail) from None
    except httpx.HTTPError as exc:
        error, truncated = _transport_error(url, exc), "disconnect"
    except httpx.InvalidURL as exc:
        raise InvalidURL(url, str(exc)) from None
    if partial.response is None:  # nothing arrived, so there is no response to hand back
        raise error
    return partial.ended(error, truncated)


def _transport_error(url: str, exc: httpx.HTTPError) -> FetchError:
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
    partial: _Partial,
    kind: str,
    headers: dict[str, str],
    config: FetchConfig,
    body: bytes | None = None,
) -> Exchange:
    timeout = httpx.Timeout(
        connect=config.connect_timeout_s,
        read=config.read_timeout_s,
        write=config.read_timeout_s,
        pool=None,  # waiting for a connection is bounded by the deadline instead
    )
    extensions = {"timeout": timeout.as_dict()}
    method = "GET" if body is None else "POST"
    request = httpx.Request(
        method, partial.url, headers=headers, content=body, extensions=extensions
    )
    partial.response = response = await transport.handle_async_request(request)
    response.request = request
    try:
        return await _read_response(partial, response, kind, config)
    finally:
        await response.aclose()  # unread bytes are dropped with the connection


async def _read_response(
    partial: _Partial, response: httpx.Response, kind: str, config: FetchConfig
) -> Exchange:
    url = partial.url
    location, error = _verdict(url, response)
    media_type, _ = parse_content_type(response.headers.get("content-type"))
    if error is None and 200 <= response.status_code < 300 and not config.accepts(kind, media_type):
        found = media_type or "no Content-Type"
        refused = UnsupportedContentType(url, f"{found} is not accepted for kind {kind!r}")
        return partial.ended(refused, "unspecified")  # not ours to download
    try:
        await _read_body(url, response, _body_limit(kind, config), partial.pieces)
    except TooLarge as exc:
        return partial.ended(error or exc, "length")
    except BadResponse as exc:
        return partial.ended(error or exc, "unspecified")
    return partial.ended(error, None, location)


def _verdict(url: str, response: httpx.Response) -> tuple[str | None, FetchError | None]:
    """A redirect's absolute target, or the error the status means (none for 2xx, 304)."""
    status = response.status_code
    if status in REDIRECT_STATUSES and "location" in response.headers:
        try:
            return _location(response), None
        except httpx.InvalidURL as exc:
            return None, InvalidURL(url, f"bad redirect Location: {exc}")
    if status == 304 or 200 <= status < 300:
        return None, None
    if status in RETRYABLE_STATUSES or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        return None, TransientHTTPStatus(url, status, retry_after)
    return None, PermanentHTTPStatus(url, status)


def _body_limit(kind: str, config: FetchConfig) -> int:
    return config.max_robots_bytes if kind == ROBOTS_KIND else config.max_body_bytes


async def _read_body(url: str, response: httpx.Response, limit: int, pieces: list[bytes]) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        # Compressed bodies only grow when decoded, so this can be refused before reading.
        raise TooLarge(url, f"Content-Length {declared} exceeds {limit} bytes")
    decoder = make_decoder(url, response.headers.get("content-encoding"))
    await read_capped(url, response.aiter_raw(), decoder, limit, pieces)


def _location(response: httpx.Response) -> str:
    target = response.url.join(response.headers["location"])
    return str(target.copy_with(fragment=None) if target.fragment else target)

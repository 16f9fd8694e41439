"""Errors raised by the network edge.

Every failure of `Fetcher.fetch` is a `FetchError`. Callers only need the two branches:
retry a `TransientFetchError` later, record a `PermanentFetchError` and move on.

    FetchError                      base; .url, .reason (short code), .detail
    ├── TransientFetchError         the same request may succeed later
    │   ├── ConnectFailed           connect_error: DNS failure, connection refused
    │   ├── NetworkError            network_error: reset or dropped mid-exchange, garbled HTTP
    │   ├── FetchTimeout            timeout: connect/read/write inactivity timeout
    │   ├── DeadlineExceeded        deadline: the total time budget of one exchange ran out
    │   ├── TransientHTTPStatus     http_408, http_429, http_5xx; .status, .retry_after_s
    │   └── RobotsUnavailable       robots_unavailable: robots.txt 5xx/unreachable, host deferred
    └── PermanentFetchError         retrying will not help; record and move on
        ├── InvalidURL              invalid_url: unparsable URL or host
        ├── UnsupportedScheme       unsupported_scheme: anything but http/https
        ├── RefusedDestination      refused_destination: SSRF guard (private, loopback, ...)
        ├── RobotsDisallowed        robots_disallowed: robots.txt forbids the URL
        ├── PermanentHTTPStatus     http_4xx (except 408/429), or a 3xx without Location
        ├── TooManyRedirects        too_many_redirects: chain longer than the cap
        ├── RedirectLoop            redirect_loop: a hop points back to an earlier URL
        ├── TooLarge                too_large: declared or decoded body over the cap
        ├── UnsupportedContentType  unsupported_content_type: wrong media type for the kind
        └── BadResponse             bad_response: corrupt encoding, unknown content-coding

Where the deadline belongs: it bounds one HTTP exchange (connect, headers, whole body), so
each retry and each redirect hop gets a fresh budget, while waiting for a host's turn does
not count against it. `DeadlineExceeded` is transient, because a slow or overloaded
server may well answer in time on the next run, so the page must not be recorded as gone.
`Fetcher.fetch` nevertheless does not retry it itself: a server that used up the whole
budget once (a trickler, a tarpit) is likely to do so again, and retrying would multiply
the worst-case cost of one URL by `max_retries + 1`.
"""

from __future__ import annotations

from typing import ClassVar


class FetchError(Exception):
    """Base of every fetch failure: one line naming the URL and the reason."""

    reason_code: ClassVar[str] = "fetch_error"

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        self.detail = " ".join(detail.split())  # one line, whatever the server sent
        super().__init__(self._message())

    @property
    def reason(self) -> str:
        """Short machine code for logs and metrics, e.g. ``"http_503"``."""
        return self.reason_code

    def _message(self) -> str:
        suffix = f": {self.detail}" if self.detail else ""
        return f"{self.reason} {self.url}{suffix}"

    def __reduce__(self) -> tuple[object, ...]:
        # Results cross process boundaries (flow runners); the default pickling would call
        # __init__ with the message alone, which the subclasses' signatures do not accept.
        return (_restore, (type(self), dict(self.__dict__), self.args))


def _restore(
    cls: type[FetchError], state: dict[str, object], args: tuple[object, ...]
) -> FetchError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    error.args = args
    return error


class TransientFetchError(FetchError):
    """Worth retrying later: the failure is likely to go away by itself."""

    reason_code = "transient"


class PermanentFetchError(FetchError):
    """Not worth retrying: record the failure and move on."""

    reason_code = "permanent"


class ConnectFailed(TransientFetchError):
    reason_code = "connect_error"


class NetworkError(TransientFetchError):
    reason_code = "network_error"


class FetchTimeout(TransientFetchError):
    reason_code = "timeout"


class DeadlineExceeded(TransientFetchError):
    reason_code = "deadline"


class RobotsUnavailable(TransientFetchError):
    reason_code = "robots_unavailable"


class TransientHTTPStatus(TransientFetchError):
    """408, 429 or 5xx; `retry_after_s` holds the server's Retry-After, if it sent one."""

    def __init__(self, url: str, status: int, retry_after_s: float | None = None) -> None:
        self.status = status
        self.retry_after_s = retry_after_s
        wait = f" (Retry-After {retry_after_s:g}s)" if retry_after_s is not None else ""
        super().__init__(url, f"server answered {status}{wait}")

    @property
    def reason(self) -> str:
        return f"http_{self.status}"


class InvalidURL(PermanentFetchError):
    reason_code = "invalid_url"


class UnsupportedScheme(PermanentFetchError):
    reason_code = "unsupported_scheme"


class RefusedDestination(PermanentFetchError):
    reason_code = "refused_destination"


class RobotsDisallowed(PermanentFetchError):
    reason_code = "robots_disallowed"


class PermanentHTTPStatus(PermanentFetchError):
    """A status that will not change on retry: most 4xx, or a redirect without Location."""

    def __init__(self, url: str, status: int) -> None:
        self.status = status
        super().__init__(url, f"server answered {status}")

    @property
    def reason(self) -> str:
        return f"http_{self.status}"


class TooManyRedirects(PermanentFetchError):
    reason_code = "too_many_redirects"


class RedirectLoop(PermanentFetchError):
    reason_code = "redirect_loop"


class TooLarge(PermanentFetchError):
    reason_code = "too_large"


class UnsupportedContentType(PermanentFetchError):
    reason_code = "unsupported_content_type"


class BadResponse(PermanentFetchError):
    reason_code = "bad_response"

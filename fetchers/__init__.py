"""The network edge: guarded, polite HTTP fetching (the only network code in newsflow).

Public API: `Fetcher`, `FetchConfig`, `Fetched`, `fetch_many`, the `FetchError` tree
(see `fetchers.errors`), the guard pieces `NetGuard`, `Resolver`, `SystemResolver`, and
`Received`/`ResponseObserver` for an observer of every response (an archive).
"""

from fetchers.config import FetchConfig, Fetched, Received, ResponseObserver
from fetchers.errors import (
    BadResponse,
    ConnectFailed,
    DeadlineExceeded,
    FetchError,
    FetchTimeout,
    InvalidURL,
    NetworkError,
    PermanentFetchError,
    PermanentHTTPStatus,
    RedirectLoop,
    RefusedDestination,
    RobotsDisallowed,
    RobotsUnavailable,
    TooLarge,
    TooManyRedirects,
    TransientFetchError,
    TransientHTTPStatus,
    UnsupportedContentType,
    UnsupportedScheme,
)
from fetchers.http import Fetcher, fetch_many
from fetchers.netguard import NetGuard
from fetchers.transport import Resolver, SystemResolver

__all__ = [
    "BadResponse",
    "ConnectFailed",
    "DeadlineExceeded",
    "FetchConfig",
    "FetchError",
    "FetchTimeout",
    "Fetched",
    "Fetcher",
    "InvalidURL",
    "NetGuard",
    "NetworkError",
    "PermanentFetchError",
    "PermanentHTTPStatus",
    "Received",
    "RedirectLoop",
    "RefusedDestination",
    "Resolver",
    "ResponseObserver",
    "RobotsDisallowed",
    "RobotsUnavailable",
    "SystemResolver",
    "TooLarge",
    "TooManyRedirects",
    "TransientFetchError",
    "TransientHTTPStatus",
    "UnsupportedContentType",
    "UnsupportedScheme",
    "fetch_many",
]

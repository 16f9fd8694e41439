"""The network edge: guarded, polite HTTP fetching (the only network code in newsflow).

Public API: `Fetcher`, `FetchConfig`, `Fetched`, `fetch_many`, the `FetchError` tree
(see `fetchers.errors`), and the guard pieces `NetGuard`, `Resolver`, `SystemResolver`.
"""

from fetchers.config import FetchConfig, Fetched
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
    "RedirectLoop",
    "RefusedDestination",
    "Resolver",
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

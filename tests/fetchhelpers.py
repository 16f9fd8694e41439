"""Set-up shared by the fetcher tests that talk to a loopback `LocalServer`.

    from tests import fetchhelpers
    from tests.fetchhelpers import config_for, fetch

    anyio_backend = fetchhelpers.anyio_backend  # fixtures: pytest finds them by these names
    site = fetchhelpers.site

Fixtures. `anyio_backend` runs the async tests on asyncio; `site` is a fresh `LocalServer`
for each test. A test module binds them to module names as above: importing them by name
instead would read as unused imports shadowed by the tests' parameters (F401, F811).

Helpers. `config_for(*servers, **overrides)` is a `FetchConfig` that allows those servers
only (none: nothing is allowed), with short delays and a 5 s deadline; `overrides` win,
`allow_hosts` included. `paced_config_for` is the same with requests to a host 0.05 s
apart, as the HTTP and politeness tests have them. `fetch(site, path, **overrides)`
fetches one path of `site` with a `Fetcher` of its own, configured by `paced_config_for`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fetchers import FetchConfig, Fetched, Fetcher
from tests.httpfixture import LocalServer


@pytest.fixture
def anyio_backend() -> str:
    """The async tests run on asyncio."""
    return "asyncio"


@pytest.fixture
def site() -> Iterator[LocalServer]:
    """A fresh loopback server for each test, stopped after it."""
    with LocalServer() as server:
        yield server


def config_for(*servers: LocalServer, **overrides: Any) -> FetchConfig:
    settings: dict[str, Any] = {"delay_s": 0.01, "backoff_base_s": 0.01, "deadline_s": 5.0}
    settings["allow_hosts"] = tuple(server.authority for server in servers)
    settings.update(overrides)
    return FetchConfig(**settings)


def paced_config_for(*servers: LocalServer, **overrides: Any) -> FetchConfig:
    return config_for(*servers, **({"delay_s": 0.05} | overrides))


async def fetch(site: LocalServer, path: str, **overrides: Any) -> Fetched:
    async with Fetcher(paced_config_for(site, **overrides)) as fetcher:
        return await fetcher.fetch(site.url(path))

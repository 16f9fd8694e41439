"""A real Prefect server for the scale-out tests: `prefect server start` on 127.0.0.1.

Started on a free port with its own PREFECT_HOME and analytics off, waited for through
/api/health with a bound, and always stopped. `api_settings` points this process's
Prefect client at it; `server_env` is the environment for Prefect CLI subprocesses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.local_server import LocalServer, free_port, start_local_server

STARTUP_TIMEOUT_S = 180.0  # 10-40 s when other test runs share the two cores


@contextmanager
def running_server(home: Path) -> Iterator[LocalServer]:
    server = start_local_server(home, free_port(0), timeout_s=STARTUP_TIMEOUT_S)
    try:
        yield server
    finally:
        server.stop()


def server_env(server: LocalServer, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PREFECT_API_URL": server.api_url,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


@contextmanager
def api_settings(server: LocalServer) -> Iterator[None]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield

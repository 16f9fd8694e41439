"""Choosing how a run is orchestrated, and keeping Prefect quiet and local.

- `prefect`: the flow runs through Prefect and is recorded by the Prefect server (flow run,
  task runs, the summary artifact). With `PREFECT_API_URL` set, that server is used; without
  it Prefect starts a temporary server for the run (10-30 s here, history partly kept).
- `local`: the same steps run as plain functions, with no Prefect import at all; the run is
  recorded only in the warehouse's `runs` table. This is the fast default.
- `auto` (default): `prefect` when `PREFECT_API_URL` answers its health check, else `local`.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

MODES = ("auto", "local", "prefect")

# Defaults only: whatever the user set in the environment wins.
QUIET_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def configure_prefect_environment(home: Path | None = None) -> None:
    """Project-local PREFECT_HOME and quiet, offline defaults; call before importing prefect."""
    os.environ.setdefault("PREFECT_HOME", str(home or Path.cwd() / ".prefect"))
    for name, value in QUIET_PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def api_is_up(api_url: str, timeout_s: float = 1.0) -> bool:
    try:
        response = httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s, trust_env=False)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def resolve_mode(requested: str) -> str:
    if requested != "auto":
        return requested
    api_url = os.environ.get("PREFECT_API_URL")
    return "prefect" if api_url and api_is_up(api_url) else "local"

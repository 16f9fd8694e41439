"""Talking to a real Prefect server from tests: plain REST over httpx, every wait bounded.

The test process does not import Prefect: it reads the API, and it emits events and
starts runs through the real `prefect` command line, as a user would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.conftest import BIN

T = TypeVar("T")
UI_LINE = re.compile(r"Prefect UI at (?P<ui>http://127\.0\.0\.1:\d+)")


def wait_for(what: str, probe: Callable[[], T | None], timeout_s: float, every_s: float = 0.5) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Served:
    """A running `newsflow serve` with the server it started, its folders and warehouse."""

    process: subprocess.Popen[bytes]
    log: Path
    ui_url: str
    warehouse: Path
    seeds: Path
    env: dict[str, str]

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = httpx.post(f"{self.api_url}{path}", json=body, timeout=10, trust_env=False)
        response.raise_for_status()
        return response.json()

    def get(self, path: str) -> Any:
        response = httpx.get(f"{self.api_url}{path}", timeout=10, trust_env=False)
        response.raise_for_status()
        return response.json()

    def prefect(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "prefect"), *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def deployment(self, flow: str, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/deployments/name/{flow}/{name}")
        return found

    def runs_of(self, deployment_id: str, state: str | None = None) -> list[dict[str, Any]]:
        flow_runs: dict[str, Any] = {"deployment_id": {"any_": [deployment_id]}}
        if state:
            flow_runs["state"] = {"type": {"any_": [state]}}
        body = {"flow_runs": flow_runs, "sort": "EXPECTED_START_TIME_DESC", "limit": 50}
        runs: list[dict[str, Any]] = self.post("/flow_runs/filter", body)
        return runs

    def task_runs_of(self, flow_run_id: str) -> list[dict[str, Any]]:
        body = {"flow_runs": {"id": {"any_": [flow_run_id]}}, "limit": 50}
        runs: list[dict[str, Any]] = self.post("/task_runs/filter", body)
        return runs

    def events(self, name: str) -> list[dict[str, Any]]:
        """The newest 50 events called `name`, newest first."""
        body = {"filter": {"event": {"name": [name]}, "order": "DESC"}, "limit": 50}
        found: list[dict[str, Any]] = self.post("/events/filter", body)["events"]
        return found

    def finished_run(
        self, flow: str, name: str, after: datetime, parameters: dict[str, Any], timeout_s: float
    ) -> dict[str, Any]:
        """The run of `flow/name` created after `after` with `parameters`, once it is final."""
        deployment_id = self.deployment(flow, name)["id"]

        def probe() -> dict[str, Any] | None:
            for run in self.runs_of(deployment_id):
                matches = parameters.items() <= run["parameters"].items()
                if matches and parse_time(run["created"]) > after and run["end_time"]:
                    return run
            return None

        return wait_for(f"a finished {flow}/{name} run with {parameters}", probe, timeout_s)

    def stop(self) -> int:
        """Ctrl-C, as a user would; then it must be gone in bounded time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def start_serve(workdir: Path, warehouse: Path, seeds: Path, env: dict[str, str]) -> Served:
    log = workdir / "serve.log"
    command = [str(BIN / "newsflow"), "--warehouse", str(warehouse), "serve", "--port", "0"]
    command += ["--seeds", str(seeds), "--discover-cron", "0 0 1 * *"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        ui = wait_for("the Prefect UI address", lambda: UI_LINE.search(log.read_text()), 120)
        served = Served(process, log, ui["ui"], warehouse, seeds, env)
        served.env["PREFECT_API_URL"] = served.api_url
        wait_for("the deployments", lambda: "being served" in log.read_text(), 90)
    except BaseException:
        process.kill()
        process.wait(10)
        raise
    return served


def serve_environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    return {
        **env,
        "PREFECT_HOME": str(workdir / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "NEWSFLOW_LOCK_TIMEOUT": "3",
    }

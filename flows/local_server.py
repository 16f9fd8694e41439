"""A Prefect server of newsflow's own: `prefect server start` on 127.0.0.1, owned and stopped by us.

Its database and logs live under PREFECT_HOME (`.prefect/` in the project by default).
It runs in its own session so that Ctrl-C reaches `newsflow serve` only: serve first
pauses its deployments through the server, then stops the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flows.modes import api_is_up

DEFAULT_PORT = 4200
STARTUP_TIMEOUT_S = 90.0  # 7-15 s here when idle; much more while tests load the cores
STOP_TIMEOUT_S = 15.0


class ServerDidNotStart(RuntimeError):
    pass


@dataclass
class LocalServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """SIGINT (uvicorn's graceful stop), then SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred: int = DEFAULT_PORT) -> int:
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prefect_command() -> list[str]:
    """The `prefect` CLI of the running interpreter, whether or not its bin/ is on PATH."""
    beside = Path(sys.executable).parent / "prefect"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "prefect"]


def start_local_server(home: Path, port: int, timeout_s: float = STARTUP_TIMEOUT_S) -> LocalServer:
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)  # the server must not try to talk to another one
    command = [*prefect_command(), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LocalServer(process, port, log_path)
    wait_until_up(server, timeout_s)
    return server


def wait_until_up(server: LocalServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerDidNotStart(f"prefect server exited; see {server.log_path}")
        if api_is_up(server.api_url):
            return
        time.sleep(0.25)
    server.stop()
    raise ServerDidNotStart(f"prefect server not up after {timeout_s:.0f} s; see {server.log_path}")

"""The four comparisons, each step in a child process measured by `bench.measure`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import RssSampler, StepResult, TreePeaks, run_step
from bench.pages import write_pages


@dataclass(frozen=True)
class Config:
    pages: int
    reingest_docs: int
    work: Path


@dataclass
class Results:
    steps: dict[str, StepResult] = field(default_factory=dict)
    side_peaks: dict[str, TreePeaks] = field(default_factory=dict)  # servers beside a step
    rounds: dict[str, list[StepResult]] = field(default_factory=dict)  # every run of a step

    def add(self, step: StepResult) -> StepResult:
        self.steps[step.name] = step
        return step

    def add_round(self, step: StepResult) -> StepResult:
        """One of several runs of a step; `steps` keeps the fastest (see file_ingest)."""
        self.rounds.setdefault(step.name, []).append(step)
        fastest = self.steps.get(step.name)
        if fastest is None or step.report["run_s"] < fastest.report["run_s"]:
            self.steps[step.name] = step
        return step


def prepare_pages(config: Config) -> tuple[Path, Path]:
    """`pages/` with N pages and `archive/` (another source) with the re-ingest count."""
    corpus = config.work / "corpus"
    write_pages(corpus, max(config.pages, config.reingest_docs))
    return _linked(corpus, config.work / "pages", config.pages), _linked(
        corpus, config.work / "archive", config.reingest_docs
    )


def _linked(corpus: Path, folder: Path, count: int) -> Path:
    # Hard links: the same bytes under another folder (source) at no cost in disk or time.
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(corpus.glob("*.html"))[:count]:
        target = folder / source.name
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
    return folder


# This VM's speed drifts by tens of percent within minutes, so (1) alternates its two steps
# and compares the fastest run of each; every run is printed. Past this many pages a
# second round would add 10 minutes, and drift matters less over a long run.
ROUNDS = 2
ROUNDS_UP_TO_PAGES = 5000


def file_ingest(config: Config, pages: Path, results: Results) -> None:
    """(1) the pipeline against plain trafilatura, both over the same files."""
    rounds = ROUNDS if config.pages <= ROUNDS_UP_TO_PAGES else 1
    for n in range(rounds):
        results.add_round(run_step("plain", "plain", str(pages), "newsflow"))
        warehouse = _warehouse(config, f"files-{n}")
        results.add_round(run_step("ingest", "ingest", str(pages), warehouse))
    if rounds > 1:  # for information only; at 20,000 pages it would add 6 minutes
        results.add(run_step("plain-default", "plain", str(pages), "default"))
    results.add(run_step("stages", "stages", str(pages)))


def fetch_ingest(config: Config, pages: Path, results: Results) -> None:
    """(2) the same pages over HTTP from 127.0.0.1, fetched, extracted and landed."""
    with http_server(pages) as (base_url, server_pid):
        with RssSampler(server_pid) as server:
            count = str(config.pages)
            http = _warehouse(config, "http")
            results.add(run_step("newsflow-fetch", "discovery-fetch", base_url, count, http))
            results.add(
                run_step("fetch-stream", "fetch", base_url, count, _warehouse(config, "hs"))
            )
        results.side_peaks["http server"] = server.peaks


def reingest(config: Config, archive: Path, results: Results) -> None:
    """(3) one source of stored documents re-extracted, against plain extraction of them."""
    warehouse = _warehouse(config, "archive")
    results.add(run_step("archive-ingest", "ingest", str(archive), warehouse))
    results.add(run_step("reingest", "reingest", archive.name, warehouse))
    results.add(run_step("plain-stored", "plain-stored", archive.name, warehouse))


def prefect_share(config: Config, pages: Path, results: Results) -> None:
    """(4) the ingest through the Prefect flow on a real local server, against local mode."""
    from flows.local_server import free_port, start_local_server

    server = start_local_server(config.work / "prefect-home", free_port(0))
    env = {
        "PREFECT_API_URL": server.api_url,
        "PREFECT_HOME": str(config.work / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    try:
        with RssSampler(server.process.pid) as sampler:
            args = [str(pages), _warehouse(config, "prefect"), _warehouse(config, "local")]
            results.add(run_step("prefect", "prefect", *args, env=env))
        results.side_peaks["prefect server"] = sampler.peaks
    finally:
        server.stop()


@contextmanager
def http_server(folder: Path) -> Iterator[tuple[str, int]]:
    """Python's threading file server on 127.0.0.1 (an ephemeral port), in its own process."""
    from flows.local_server import free_port

    port = free_port(0)
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the local HTTP server did not start on port {port}")


def _warehouse(config: Config, name: str) -> str:
    folder = config.work / "warehouses" / name
    shutil.rmtree(folder, ignore_errors=True)
    return str(folder / "news.duckdb")

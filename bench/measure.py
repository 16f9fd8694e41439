"""Measuring a benchmark step: wall time, and peak RSS of every process it involves.

Each step runs in a child process (`python -m bench.child ...`) so its memory is its own;
a sampler thread walks the step's process tree every 50 ms and keeps, per process, its
peak RSS and what it is (main, forked extraction worker, server), the peaks of the RSS and
PSS sums over the tree at one instant, and the RSS sum over time (to split it by phase).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

SAMPLE_EVERY_S = 0.05
MIB = 1024 * 1024


def role_of(process: psutil.Process, root: psutil.Process) -> str:
    """A short name for what a process in the tree is, from its command line."""
    try:
        command = process.cmdline()
        if process.pid == root.pid:
            return "main"
        if command == root.cmdline():
            return "worker (forked)"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "gone"
    joined = " ".join(command)
    return next((role for marker, role in _ROLES if marker in joined), joined[:40])


_ROLES = [
    ("multiprocessing", "worker"),
    ("distributed", "dask"),
    ("server start", "prefect server"),
    ("uvicorn", "prefect server"),
    ("worker start", "prefect worker"),
    ("prefect", "prefect"),
    ("http.server", "http server"),
]


@dataclass
class TreePeaks:
    by_pid: dict[int, tuple[str, int]] = field(default_factory=dict)  # pid -> (role, peak)
    total_peak: int = 0  # peak of the RSS sum over the sampled tree, same instant
    # Forked workers share pages with their parent, which RSS counts once per process;
    # PSS splits shared pages between the processes, so its sum is the tree's real size.
    total_pss_peak: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (epoch s, RSS sum)

    def peak_between(self, start: float, end: float) -> int:
        return max((total for at, total in self.timeline if start <= at < end), default=0)

    def by_role(self) -> dict[str, tuple[int, int]]:
        """role -> (number of processes, largest peak RSS among them)."""
        roles: dict[str, tuple[int, int]] = {}
        for role, peak in self.by_pid.values():
            count, largest = roles.get(role, (0, 0))
            roles[role] = (count + 1, max(largest, peak))
        return roles


class RssSampler:
    """Samples the RSS of `root` and all its descendants in a thread until stopped."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peaks = TreePeaks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._root: psutil.Process | None = None

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_EVERY_S)

    def sample(self) -> None:
        total = total_pss = 0
        for process in self._tree():
            try:
                memory = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            known = self.peaks.by_pid.get(process.pid)
            role, peak = known or (role_of(process, self._root or process), 0)
            self.peaks.by_pid[process.pid] = (role, max(peak, memory.rss))
            total += memory.rss
            total_pss += getattr(memory, "pss", memory.rss)
        self.peaks.total_peak = max(self.peaks.total_peak, total)
        self.peaks.total_pss_peak = max(self.peaks.total_pss_peak, total_pss)
        self.peaks.timeline.append((time.time(), total))

    def _tree(self) -> list[psutil.Process]:
        try:
            self._root = self._root or psutil.Process(self.root)
            found = [self._root, *self._root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        return found


@dataclass(frozen=True)
class StepResult:
    name: str
    wall_s: float  # the child process, start to exit (imports included)
    cpu_s: float  # user + system CPU of the child and every process it waited for
    report: dict[str, Any]  # what the child measured inside itself
    peaks: TreePeaks


def child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.child", *args]


def run_step(name: str, *args: str, env: dict[str, str] | None = None) -> StepResult:
    """Run `python -m bench.child ARGS`, sampling its tree; the child prints one JSON line."""
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(
        child_command(*args), stdout=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    with RssSampler(process.pid) as sampler:
        out, _ = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"bench step {name} failed (exit {process.returncode})")
    report = json.loads(out.decode().strip().splitlines()[-1])
    return StepResult(name, wall, _children_cpu() - cpu_before, report, sampler.peaks)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def mib(value: float) -> str:
    return f"{value / MIB:,.0f} MiB"

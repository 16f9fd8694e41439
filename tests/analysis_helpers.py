"""Helpers for the analysis-surface tests: small news folders, runs, a live duckdb shell."""

from __future__ import annotations

import queue
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import BIN, run_cli


@dataclass(frozen=True)
class Story:
    name: str
    title: str
    date: str | None
    body: str

    def text(self) -> str:
        marker = f"date {self.date} " if self.date else ""
        return f"{marker}{self.title}\n\n{self.body}\n"


def write_folder(folder: Path, stories: list[Story]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for story in stories:
        (folder / f"{story.name}.txt").write_text(story.text(), encoding="utf-8")
    return folder


def ingest(warehouse: Path, folder: Path) -> None:
    result = run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output


def start_ingest(warehouse: Path, folder: Path) -> subprocess.Popen[str]:
    """A run as the scheduler would start one: its own `newsflow` process, in the background."""
    command = [str(BIN / "newsflow"), "--warehouse", str(warehouse), "ingest", str(folder)]
    return subprocess.Popen(
        [*command, "--mode", "local"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


WIRE = [
    Story(
        "wire_1",
        "Zanzibar Envoys Meet In Geneva",
        "2025-07-01",
        "Diplomats met on Tuesday to discuss a ceasefire. The ceasefire proposal was welcomed "
        "by both sides, and a ceasefire monitor was named.\n\nTalks continue next week.",
    ),
    Story(
        "wire_2",
        "Grain Corridor Reopens",
        "2025-07-02",
        "Ships left the port at dawn after a ceasefire along the coast held overnight.\n\n"
        "Insurers said premiums would fall if the quiet lasted.",
    ),
    Story(
        "wire_3",
        "Parliament Debates Budget",
        None,
        "Lawmakers argued about spending on roads, schools and hospitals late into the night.",
    ),
]


class ShellSession:
    """A real `duckdb` shell process kept open, asked one statement at a time."""

    def __init__(self, database: Path, *setup: str, read_only: bool = True) -> None:
        flags = ["-readonly"] if read_only else []
        commands = [arg for statement in setup for arg in ("-cmd", statement)]
        self.process = subprocess.Popen(
            [str(BIN / "duckdb"), *flags, "-csv", "-noheader", *commands, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def ask(self, statement: str, timeout: float = 60) -> str:
        """Send one statement (or dot command followed by one) and return its one-line answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(statement + "\n")
        self.process.stdin.flush()
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the shell did not answer {statement!r}") from None

    def close(self) -> str:
        """Quit the shell; returns what it wrote to stderr."""
        _, errors = self.process.communicate(".quit\n", timeout=60)
        return errors

    def open_files(self) -> list[str]:
        """What the shell has open: the launcher's and its duckdb child's descriptors."""
        pids = [self.process.pid, *_children(self.process.pid)]
        return [target for pid in pids for target in _descriptors(pid)]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _descriptors(pid: int) -> list[str]:
    found = []
    for link in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.append(str(link.readlink()))
        except OSError:
            continue  # closed while we looked
    return found

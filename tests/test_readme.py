"""The README's example SQL runs, through the duckdb shell, on a fresh warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, duckdb_shell

README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```sql\n(.*?)```", README, flags=re.S)


def test_readme_has_the_promised_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("sql", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_example_runs_in_the_shell(ingested: Path, sql: str) -> None:
    result = duckdb_shell(ingested, sql, "-readonly", "-csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.strip().splitlines()) >= 1  # at least the header


def test_per_source_example_counts_the_seeds(ingested: Path) -> None:
    result = duckdb_shell(ingested, EXAMPLES[0], "-readonly", "-csv", "-noheader")
    assert result.stdout.strip().split(",")[:2] == ["seeds", "5"]


def test_removals_example_shows_rules(ingested: Path) -> None:
    result = duckdb_shell(ingested, EXAMPLES[2], "-readonly", "-csv", "-noheader")
    assert len(result.stdout.strip().splitlines()) >= 3


def test_readme_names_both_commands() -> None:
    assert "make run" in README and "make test" in README

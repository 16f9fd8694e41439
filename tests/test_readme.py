"""The example SQL of the README and the guides runs, through the duckdb shell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, duckdb_shell

README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDES = ["docs/discovery.md", "docs/boilerplate.md"]


def sql_blocks(text: str) -> list[str]:
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


EXAMPLES = sql_blocks(README)
GUIDE_EXAMPLES = [
    (guide, sql)
    for guide in GUIDES
    if (REPO / guide).exists()
    for sql in sql_blocks((REPO / guide).read_text(encoding="utf-8"))
]


def run_in_shell(ingested: Path, sql: str, *flags: str):  # type: ignore[no-untyped-def]
    """As a user would: the shell on the read snapshot, with full-text search loaded."""
    from warehouse.search import load_statement

    snapshot = ingested.with_name("news.read.duckdb")
    assert snapshot.exists(), "every run publishes the read snapshot"
    return duckdb_shell(snapshot, sql, "-readonly", "-cmd", load_statement(), *flags)


def test_readme_has_the_promised_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("sql", EXAMPLES, ids=[f"readme-{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs_in_the_shell(ingested: Path, sql: str) -> None:
    result = run_in_shell(ingested, sql, "-csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = result.stdout.strip().splitlines()[1:]
    assert rows or "FROM failures" in sql  # the seeds have no failures; every other has rows


@pytest.mark.parametrize(
    ("guide", "sql"), GUIDE_EXAMPLES, ids=[f"{g}-{i}" for i, (g, _) in enumerate(GUIDE_EXAMPLES)]
)
def test_guide_example_runs_in_the_shell(ingested: Path, guide: str, sql: str) -> None:
    result = run_in_shell(ingested, sql, "-csv")
    assert result.returncode == 0, f"{guide}: {result.stderr}"
    assert result.stderr == ""


def test_per_source_example_counts_the_seeds(ingested: Path) -> None:
    result = run_in_shell(ingested, EXAMPLES[0], "-csv", "-noheader")
    assert result.stdout.strip().split(",")[:2] == ["seeds", "5"]


def test_rule_example_shows_where_also_read_was_removed(ingested: Path) -> None:
    sql = next(block for block in EXAMPLES if "WHERE r.rule =" in block)
    rows = run_in_shell(ingested, sql, "-csv", "-noheader").stdout.strip().splitlines()
    assert len(rows) == 4 and all(row.startswith("seeds/000_") for row in rows)


def test_search_example_finds_ceasefire_articles(ingested: Path) -> None:
    sql = next(block for block in EXAMPLES if "search_articles" in block)
    rows = run_in_shell(ingested, sql, "-csv", "-noheader").stdout.strip().splitlines()
    assert 1 <= len(rows) <= 5


def test_readme_names_both_commands() -> None:
    assert "make run" in README and "make test" in README

"""What the CLI prints: run summaries, tables, extracted documents."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from extractors.records import ArticleRecord, Failure
from flows.pipeline import RunSummary
from warehouse.landing import MAX_ATTEMPTS

MAX_FAILURES_SHOWN = 20


def print_summary(summary: RunSummary, paths: Sequence[Path], warehouse: str) -> None:
    names = ", ".join(str(p) for p in paths)
    click.echo(
        f"newsflow: ingested {names} into {warehouse} ({summary.mode} mode, run {summary.run_id})"
    )
    click.echo(f"  documents read       {summary.documents_read}")
    click.echo(
        f"  articles landed      {summary.articles_landed} ({summary.articles_new} new, "
        f"{summary.articles_updated} updated, {summary.articles_unchanged} unchanged)"
    )
    click.echo(f"  boilerplate removed  {summary.removals} spans, {summary.lines_removed} lines")
    click.echo(f"  failures             {summary.failures}")
    if summary.skipped:
        click.echo(
            f"  skipped              {summary.skipped} "
            f"(failed {MAX_ATTEMPTS} times on the same bytes)"
        )
    for line in summary.failure_lines[:MAX_FAILURES_SHOWN]:
        click.echo(f"    ! {line}")
    if summary.failures > MAX_FAILURES_SHOWN:
        click.echo("    ... see: newsflow sql 'select * from failures'")
    if summary.duplicates:
        print_duplicates(summary)


def print_duplicates(summary: RunSummary) -> None:
    """Inputs that landed no article because another article has their text."""
    click.echo(f"  duplicates           {summary.duplicates} (no article: same text as another)")
    for line in summary.duplicate_lines[:MAX_FAILURES_SHOWN]:
        click.echo(f"    = {line}")
    if summary.duplicates > MAX_FAILURES_SHOWN:
        click.echo("    ... see: newsflow sql 'select * from duplicates'")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def record_json(path: Path, result: ArticleRecord | Failure) -> dict[str, Any]:
    if isinstance(result, Failure):
        return {
            "path": str(path),
            "url": result.url,
            "error": {"stage": result.stage, "reason": result.reason},
        }
    removed = [
        {"rule": m.rule, "rule_version": m.rule_version, "category": m.category, "text": m.text}
        for m in result.removals
    ]
    fields = [
        "url",
        "title",
        "authors",
        "published_at",
        "language",
        "site_name",
        "word_count",
        "content_hash",
    ]
    data = {"path": str(path), **{name: _jsonable(getattr(result, name)) for name in fields}}
    return {**data, "body": result.body, "removed": removed}


def print_extracted(path: Path, result: ArticleRecord | Failure, fmt: str, explain: bool) -> None:
    if fmt == "json":
        click.echo(json.dumps(record_json(path, result), ensure_ascii=False))
    elif isinstance(result, Failure):
        click.echo(f"==> {path} <==\n! {result.stage}: {result.reason}\n")
    else:
        click.echo(f"==> {path} <==")
        if result.title:
            click.echo(f"# {result.title}\n")
        click.echo(result.body)
        if explain:
            for m in result.removals:
                marked = m.text.replace("\n", "\n    ")
                click.echo(f"[removed by {m.rule} ({m.category})]\n    {marked}")
        click.echo("")


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        for row in rows:
            click.echo(
                json.dumps(
                    {c: _jsonable(v) for c, v in zip(columns, row, strict=True)}, default=str
                )
            )
    else:
        click.echo(format_table(columns, rows))


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(columns), rule, *(line(r) for r in cells), f"({len(rows)} rows)"])


def _cell(value: Any, max_width: int) -> str:
    text = "NULL" if value is None else str(_jsonable(value))
    text = text.replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def duckdb_shell() -> str:
    beside = Path(sys.executable).with_name("duckdb")
    return str(beside) if beside.exists() else (shutil.which("duckdb") or "duckdb")


def open_shell(warehouse: str) -> None:
    """Replace this process with the duckdb shell on the warehouse, read-only."""
    shell = duckdb_shell()
    os.execv(shell, [shell, "-readonly", warehouse])

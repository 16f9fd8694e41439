"""The read side of the CLI: `sql` (its work), `export` and `views`.

All of it reads the read snapshot that every run publishes beside the warehouse
(`news.read.duckdb`), never the warehouse file itself, so a query, an export or a shell left
open for hours does not block a run. Imported at the end of `flows/cli.py`, which registers
these commands on the `newsflow` group.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from flows import output
from flows.cli import Context, cli, fail
from warehouse.errors import WarehouseError


def print_query(warehouse: str, query: str, fmt: str) -> None:
    from warehouse.analysis import query_readable

    try:
        columns, rows = query_readable(warehouse, query)
    except WarehouseError as error:
        fail(str(error))
    output.print_table(columns, rows, fmt)


def shell_command(snapshot: Path) -> list[str]:
    """The duckdb shell, read-only on the snapshot, with search loaded and UTC times."""
    from warehouse.search import load_statement

    shell = output.duckdb_shell()
    setup = f"{load_statement()}; SET TimeZone = 'UTC';"
    return [shell, "-readonly", "-cmd", setup, str(snapshot)]


def open_shell(warehouse: str) -> None:
    """Replace this process with the shell (the `duckdb` launcher passes these arguments on)."""
    from warehouse.analysis import ensure_snapshot

    try:
        snapshot = ensure_snapshot(warehouse)
    except WarehouseError as error:
        fail(str(error))
    command = shell_command(snapshot)
    os.execv(command[0], command)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "jsonl"]), default="parquet", show_default=True
)
@click.pass_obj
def export(obj: Context, directory: Path, fmt: str) -> None:
    """Export articles to DIRECTORY: Parquet (zstd) partitioned by source and month, or JSONL.

    Parquet lands in DIRECTORY/articles/source_id=<id>/month=<YYYY-MM>/ (UTC publication
    month, `undated` without a date); JSONL in DIRECTORY/articles.jsonl. Running it again
    replaces the previous export: same files, no duplicates.
    """
    from warehouse.export import export_articles

    try:
        done = export_articles(obj.warehouse, directory, fmt)
    except WarehouseError as error:
        fail(str(error))
    files = "1 file" if done.files == 1 else f"{done.files} files"
    click.echo(f"newsflow: exported {done.articles} articles to {done.path} ({files})")


@cli.command()
@click.pass_obj
def views(obj: Context) -> None:
    """List the analysis views: created, or skipped until their tables exist (and why)."""
    from warehouse.analysis import view_status

    try:
        columns, rows = view_status(obj.warehouse)
    except WarehouseError as error:
        fail(str(error))
    output.print_table(columns, rows, "table")

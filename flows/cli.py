"""`newsflow`: a thin command line over the library.

Exit codes: 0 when the run happened (items that failed are in `failures`), 1 when the run
itself could not happen (warehouse locked or missing, bad SQL), 2 for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from extractors.rulesconfig import RulesConfigError
from flows import output
from flows.modes import MODES, configure_prefect_environment, resolve_mode
from flows.pipeline import RunSummary
from warehouse.errors import WarehouseError

DEFAULT_WAREHOUSE = "warehouse/news.duckdb"


class Context:
    def __init__(self, warehouse: str) -> None:
        self.warehouse = warehouse


def fail(message: str) -> None:
    click.echo(f"newsflow: error: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--warehouse",
    envvar="NEWSFLOW_WAREHOUSE",
    default=DEFAULT_WAREHOUSE,
    show_default=True,
    help="DuckDB file to write to and read from (env NEWSFLOW_WAREHOUSE).",
)
@click.version_option(package_name="newsflow")
@click.pass_context
def cli(ctx: click.Context, warehouse: str) -> None:
    """newsflow: follow one news story across outlets, landed in DuckDB."""
    ctx.obj = Context(warehouse)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(MODES),
    envvar="NEWSFLOW_MODE",
    default="auto",
    show_default=True,
    help="local: no Prefect; prefect: through the Prefect API (a temporary server if "
    "PREFECT_API_URL is unset); auto: prefect when PREFECT_API_URL answers.",
)
@click.pass_obj
def ingest(obj: Context, paths: tuple[Path, ...], mode: str) -> None:
    """Ingest seed files and folders (.txt, .html, .htm); default: seeds/."""
    chosen = list(paths) or [Path("seeds")]
    missing = [str(p) for p in chosen if not p.exists() and not p.is_symlink()]
    if missing:
        raise click.BadParameter(
            f"no such file or folder: {', '.join(missing)}", param_hint="PATHS"
        )
    summary = _run_ingest(chosen, obj.warehouse, resolve_mode(mode))
    output.print_summary(summary, chosen, obj.warehouse)


def _run_ingest(paths: list[Path], warehouse: str, mode: str) -> RunSummary:
    try:
        if mode == "local":
            from flows.pipeline import run_ingest
            from flows.steps import LOCAL_STEPS

            return run_ingest(paths, warehouse, LOCAL_STEPS, mode="local")
        configure_prefect_environment()
        from flows.ingest import ingest_seeds, summary_from_dict

        return summary_from_dict(ingest_seeds([str(p) for p in paths], warehouse))
    except (WarehouseError, RulesConfigError) as error:
        fail(str(error))
        raise  # unreachable: fail() exits


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@click.option(
    "--explain", is_flag=True, help="Show each removed span with the rule that removed it."
)
def extract(paths: tuple[Path, ...], fmt: str, explain: bool) -> None:
    """Extract and clean files or folders and print them; nothing is written."""
    from flows.extract_only import extract_paths

    for path, result in extract_paths(list(paths)):
        output.print_extracted(path, result, fmt, explain)


@cli.command()
@click.argument("source_id")
@click.option(
    "--refetch",
    is_flag=True,
    help="First ask the network again, conditionally, for every page of the source that was "
    "fetched over HTTP, and land what changed.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="With --refetch: let the fetcher reach this non-public host. Repeatable.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --refetch: newsflow.toml to use (default: ./newsflow.toml if it exists).",
)
@click.pass_obj
def reingest(
    obj: Context, source_id: str, refetch: bool, allow_hosts: tuple[str, ...], config: Path | None
) -> None:
    """Re-extract SOURCE_ID's stored raw documents with the current code, offline.

    With --refetch, first send conditional requests (ETag, Last-Modified) for the source's
    fetched pages, with the politeness and allowed hosts of `newsflow discover`.
    """
    from flows.discover_topic import NoTopic
    from flows.reingest import UnknownSource, run_reingest

    if (allow_hosts or config) and not refetch:
        raise click.UsageError("--allow-host and --config apply only with --refetch")
    try:
        if refetch:
            _refetch(obj.warehouse, source_id, allow_hosts, config)
        summary = run_reingest(source_id, obj.warehouse)
    except (WarehouseError, UnknownSource, RulesConfigError, NoTopic) as error:
        fail(str(error))
    click.echo(summary.line())


def _refetch(
    warehouse: str, source_id: str, allow_hosts: tuple[str, ...], config: Path | None
) -> None:
    from flows.cli_discovery import settings_from
    from flows.discover import refetch_source

    settings = settings_from(config).with_sources((), (), allow_hosts)
    for line in refetch_source(source_id, warehouse, settings).lines():
        click.echo(line)


@cli.command()
@click.pass_obj
def sources(obj: Context) -> None:
    """List sources with their article and open-failure counts."""
    from warehouse.connection import reading
    from warehouse.runs import list_sources

    try:
        with reading(obj.warehouse) as con:
            columns, rows = list_sources(con)
    except WarehouseError as error:
        fail(str(error))
    output.print_table(columns, rows, "table")


@cli.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.pass_obj
def sql(obj: Context, query: str | None, fmt: str) -> None:
    """Run a read-only SQL QUERY and print the result; no QUERY opens the duckdb shell.

    Both use the read snapshot published after every run, so neither blocks a run; the
    views and `search_articles('...')` are ready in both.
    """
    from flows.cli_sql import open_shell, print_query

    if query is None:
        open_shell(obj.warehouse)
    else:
        print_query(obj.warehouse, query, fmt)


import flows.cli_discovery  # noqa: E402  (adds `discover`, `fetch`, `topic`, `replay`)
import flows.cli_rules  # noqa: E402  (adds `rules`)
import flows.cli_scale  # noqa: E402  (adds `scale ingest|publish|sql|deploy`)
import flows.cli_sql  # noqa: E402, F401  (adds `export`, `views`)
from flows import cli_events  # noqa: E402, F401  (adds `serve`, `request-reingest`)


def main() -> None:
    cli(prog_name="newsflow")

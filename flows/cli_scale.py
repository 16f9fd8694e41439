"""`newsflow scale ...`: the scale-out paths (docs/scale.md) from the command line.

    newsflow scale ingest [PATH...] --executor dask [--workers 2 | --address tcp://h:8786]
    newsflow scale ingest [PATH...] --lake DIR        # then publish into a DuckLake
    newsflow scale publish DIR                        # warehouse -> DuckLake at DIR
    newsflow scale sql DIR "select count(*) from articles"
    newsflow scale deploy --pool NAME                 # ingest-seeds to a process work pool

Nothing here imports Prefect or Dask until a command that needs them runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from flows import output
from flows.cli import Context, cli, fail
from flows.modes import configure_prefect_environment
from flows.pipeline import RunSummary
from warehouse.errors import WarehouseError

EXECUTORS = ("local", "dask")


@cli.group()
def scale() -> None:
    """Scale-out: extraction on Dask, a DuckLake warehouse, Prefect work pools."""


@scale.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--executor", type=click.Choice(EXECUTORS), default="dask", show_default=True)
@click.option("--workers", type=int, default=2, show_default=True, help="LocalCluster size.")
@click.option("--address", help="A running Dask scheduler (tcp://HOST:8786) instead.")
@click.option("--lake", type=click.Path(path_type=Path), help="Publish into this DuckLake.")
@click.pass_obj
def scale_ingest(
    obj: Context,
    paths: tuple[Path, ...],
    executor: str,
    workers: int,
    address: str | None,
    lake: Path | None,
) -> None:
    """Ingest PATHS (default seeds/) with extraction on EXECUTOR; optionally publish."""
    chosen = list(paths) or [Path("seeds")]
    try:
        summary = _ingest(chosen, obj.warehouse, executor, workers, address)
    except WarehouseError as error:
        fail(str(error))
    output.print_summary(summary, chosen, obj.warehouse)
    if lake:
        _publish(obj.warehouse, lake)


def _ingest(
    paths: list[Path], warehouse: str, executor: str, workers: int, address: str | None
) -> RunSummary:
    if executor == "local":
        from flows.pipeline import run_ingest
        from flows.steps import LOCAL_STEPS

        return run_ingest(paths, warehouse, LOCAL_STEPS, mode="local")
    configure_prefect_environment()
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # Dask's INFO is chatty
    from flows.scale import ingest_on_dask

    return ingest_on_dask(paths, warehouse, workers, address)


@scale.command("publish")
@click.argument("lake", type=click.Path(path_type=Path))
@click.pass_obj
def scale_publish(obj: Context, lake: Path) -> None:
    """Copy what changed in the warehouse (its read snapshot) into the DuckLake at LAKE."""
    _publish(obj.warehouse, lake)


def _publish(warehouse: str, lake: Path) -> None:
    from warehouse.lake import publish

    try:
        done = publish(warehouse, lake)
    except WarehouseError as error:
        fail(str(error))
    click.echo(
        f"newsflow: published {warehouse} into {lake}: {done.articles_written} articles "
        f"written, {done.articles_deleted} deleted, {done.documents_written} documents"
    )


@scale.command("sql")
@click.argument("lake", type=click.Path(path_type=Path, exists=True))
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def scale_sql(lake: Path, query: str, fmt: str) -> None:
    """Run QUERY on the DuckLake at LAKE, with the warehouse's table names."""
    import duckdb

    from warehouse.lake import reading_lake
    from warehouse.runs import run_query

    try:
        with reading_lake(lake) as con:
            columns, rows = run_query(con, query)
    except duckdb.Error as error:
        fail(str(error).strip().splitlines()[0])
    output.print_table(columns, rows, fmt)


@scale.command("deploy")
@click.option("--pool", required=True, help="A process work pool (created if missing).")
@click.option("--name", default="on-pool", show_default=True, help="Deployment name.")
def scale_deploy(pool: str, name: str) -> None:
    """Deploy ingest-seeds from this repository to POOL; start workers to run it."""
    if not os.environ.get("PREFECT_API_URL"):
        fail("set PREFECT_API_URL to the Prefect server the workers poll")
    configure_prefect_environment()
    from flows.scale import deploy_to_pool, ensure_process_pool

    ensure_process_pool(pool)
    deployment = deploy_to_pool(pool, name)
    click.echo(f"newsflow: deployed {deployment} to work pool {pool}")
    click.echo(f"  start workers:  prefect worker start --pool {pool} --type process")
    click.echo(f"  run it:         prefect deployment run '{deployment}' --param paths='[...]'")

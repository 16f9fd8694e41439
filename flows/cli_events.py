"""`newsflow serve` and `newsflow request-reingest`: newsflow as an event-driven service.

`serve` uses the Prefect server in PREFECT_API_URL, or starts one of its own on
127.0.0.1 (database under PREFECT_HOME, `.prefect/` by default) and stops it on exit.
The runner polls for due runs every PREFECT_RUNNER_POLL_FREQUENCY seconds (Prefect's
default of 10 s would dominate the time from an event to its run; newsflow uses 2 s).
Nothing here imports Prefect until a command runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flows.cli import Context, cli, fail
from flows.local_server import DEFAULT_PORT, LocalServer, ServerDidNotStart
from flows.modes import api_is_up, configure_prefect_environment
from warehouse.errors import WarehouseError

if TYPE_CHECKING:  # imports Prefect, which must wait until PREFECT_API_URL is final
    from flows.deployments import ServeConfig

RUNNER_POLL_SECONDS = "2"
HEALTH_TIMEOUT_S = 5.0  # a busy server on 2 cores can take seconds to say it is up
DEFAULT_DISCOVER_CRON = "*/30 * * * *"  # every 30 minutes, UTC
MAX_CONCURRENT_RUNS = 4  # flow runs are processes of ~200 MB; the warehouse takes one writer


def existing_server(port: int) -> str | None:
    """PREFECT_API_URL if set (it must answer), else a server already on our port, if any."""
    api_url = os.environ.get("PREFECT_API_URL")
    if api_url and not api_is_up(api_url, HEALTH_TIMEOUT_S):
        fail(f"PREFECT_API_URL={api_url} does not answer; start it or unset the variable")
    default = f"http://127.0.0.1:{port}/api"
    if (
        not api_url and port and api_is_up(default, HEALTH_TIMEOUT_S)
    ):  # e.g. a `prefect server start`
        api_url = default
    return api_url


def start_own_server(port: int) -> LocalServer:
    from flows.local_server import free_port, start_local_server

    home = Path(os.environ["PREFECT_HOME"])
    click.echo(f"newsflow: starting a Prefect server (database in {home}, 10-20 s) ...")
    try:
        server = start_local_server(home, free_port(port))
    except ServerDidNotStart as error:
        fail(str(error))
    click.echo(f"newsflow: Prefect UI at {server.ui_url}  (API {server.api_url})")
    click.echo(f"newsflow: in another shell: export PREFECT_API_URL={server.api_url}")
    return server


def use_or_start_server(port: int) -> LocalServer | None:
    """Sets PREFECT_API_URL; returns the server when it is ours to stop."""
    api_url = existing_server(port)
    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
        click.echo(f"newsflow: using the Prefect server at {api_url}")
        return None
    server = start_own_server(port)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def prepare_process() -> None:
    configure_prefect_environment()
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS)
    # Started with `&` from a script, SIGINT arrives ignored; Ctrl-C must still stop serve.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def topic_config(chosen: Path | None) -> Path | None:
    """Absolute, because each run is a process that may not start where serve did."""
    default = Path("newsflow.toml")
    found = chosen or (default if default.is_file() else None)
    return found.resolve() if found else None


def serve_until_stopped(settings: dict[str, Any]) -> None:
    """Imports Prefect, so only once PREFECT_API_URL is final: Prefect reads it at import."""
    from prefect import serve as prefect_serve

    from flows.deployments import ServeConfig, build_deployments
    from flows.seedwatch import start_watcher

    config = ServeConfig(**settings)
    deployments = build_deployments(config)
    if not any(d.flow_name == "discover" for d in deployments):
        click.echo("newsflow: no discovery flow yet (flows/discover_flow.py); not scheduling it")
    stop = threading.Event()
    watcher = start_watcher(list(config.seeds), stop)
    click.echo(f"newsflow: watching {', '.join(map(str, config.seeds))} for new seed files")
    # After the watcher starts: a file arriving meanwhile may be ingested twice (which
    # changes nothing), never missed.
    catch_up(config)
    try:
        prefect_serve(*deployments, limit=MAX_CONCURRENT_RUNS)
    finally:
        stop.set()
        watcher.join(timeout=10)


def catch_up(config: ServeConfig) -> None:
    """Seed files that arrived while serve was down: one ingest-seeds run for exactly those."""
    from flows.deployments import catch_up_run
    from flows.seedwatch import unseen_seed_files

    try:
        unseen = unseen_seed_files(config.seeds, config.warehouse)
    except WarehouseError as error:
        click.echo(f"newsflow: not looking for seed files added while serve was down: {error}")
        return
    if not unseen:
        return
    try:
        run_id = asyncio.run(catch_up_run(config, unseen))
    except Exception as error:  # serving matters more than this one run; say what to do
        click.echo(
            f"newsflow: could not start a run for {len(unseen)} seed file(s) added while serve "
            f"was down ({type(error).__name__}: {error}); run `newsflow ingest` for them"
        )
        return
    click.echo(
        f"newsflow: {len(unseen)} seed file(s) added while serve was down: "
        f"ingest-seeds run {run_id} lands them"
    )


@cli.command()
@click.option(
    "--seeds",
    "seeds",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to watch for new seed files (repeatable; default: seeds/).",
)
@click.option(
    "--discover-cron",
    envvar="NEWSFLOW_DISCOVER_CRON",
    default=DEFAULT_DISCOVER_CRON,
    show_default=True,
    help="When discovery runs, a cron line in UTC; 'off' for never (env NEWSFLOW_DISCOVER_CRON).",
)
@click.option(
    "--port",
    type=int,
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the local Prefect server, if one is started (taken or 0: any free one).",
)
@click.option(
    "--discover-config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The topic's config file for discovery (default: ./newsflow.toml if there).",
)
@click.pass_obj
def serve(
    obj: Context,
    seeds: tuple[Path, ...],
    discover_cron: str,
    port: int,
    discover_config: Path | None,
) -> None:
    """Serve newsflow's deployments: scheduled discovery, new seeds, re-ingest requests."""
    prepare_process()
    folders = list(seeds) or [Path("seeds")]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "warehouse": Path(obj.warehouse).resolve(),
        "seeds": tuple(folder.resolve() for folder in folders),
        "discover_cron": discover_cron,
        "discover_config": topic_config(discover_config),
    }
    server = use_or_start_server(port)
    try:
        serve_until_stopped(settings)
    finally:
        if server:
            click.echo("newsflow: stopping the Prefect server it started")
            server.stop()


@cli.command("request-reingest")
@click.argument("source_id")
def request_reingest(source_id: str) -> None:
    """Ask `newsflow serve` to re-ingest SOURCE_ID: emits newsflow.source.reingest-requested."""
    configure_prefect_environment()
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url or not api_is_up(api_url, HEALTH_TIMEOUT_S):
        fail("no Prefect server answers at PREFECT_API_URL; start `newsflow serve` and export it")
    event_id = asyncio.run(emit_reingest_request(source_id))
    click.echo(f"newsflow: requested a re-ingest of {source_id} (event {event_id})")


async def emit_reingest_request(source_id: str) -> str:
    from prefect.events import Event
    from prefect.events.clients import get_events_client

    from flows.events import REINGEST_REQUESTED, source_resource

    event = Event.model_validate(
        {"event": REINGEST_REQUESTED, "resource": source_resource(source_id)}
    )
    async with get_events_client() as client:
        await client.emit(event)
    return str(event.id)

"""newsflow's deployments, all served by one `newsflow serve` process.

- `ingest-seeds/on-new-seed`: runs when the seeds watcher emits `newsflow.seed.created`,
  with `paths` = [the new file].
- `reingest-source/on-request`: runs on `newsflow.source.reingest-requested` for the
  source its resource id names (`newsflow.source.<source_id>`), or by hand with
  `prefect deployment run 'reingest-source/on-request' --param source_id=...`.
- `discover/scheduled`: discovery on a cron schedule (`NEWSFLOW_DISCOVER_CRON`, default
  every 30 minutes); left out while `flows/discover_flow.py` is not there.

Seed files that arrived while serve was down get one run of `ingest-seeds/on-new-seed`
for all of them at start-up (`catch_up_run`), created directly rather than by events:
a trigger is only as good as its automation, and serve re-creates those as it starts.

Trigger templates take the source id and the file path from the event's resource id,
so a hand-written event with nothing but that id works too. A template that renders to
something JSON cannot hold (`{{ event.occurred }}` alone, a missing label) makes the
server drop the run silently, so every template here renders a string.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import Flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.events import DeploymentEventTrigger

from flows.events import REINGEST_REQUESTED, SEED_CREATED, SEED_PREFIX, SOURCE_PREFIX

DISCOVER_MODULE = "flows.discover_flow"
CRON_OFF = ("", "off", "none")


@dataclass(frozen=True)
class ServeConfig:
    warehouse: Path
    seeds: tuple[Path, ...]
    discover_cron: str  # a cron line, or one of CRON_OFF
    discover_config: Path | None = None  # the topic's newsflow.toml; None: discovery's default


def _from_resource_id(prefix: str) -> str:
    return "{{ event.resource.id.removeprefix('" + prefix + "') }}"


def _deployment(flow: Flow[..., Any], name: str, **options: Any) -> RunnerDeployment:
    # A module path, not a file path: the runner starts each run as `python -m
    # prefect.engine`, which then imports `flows.*` from the installed project.
    return RunnerDeployment.from_flow(
        flow, name, entrypoint_type=EntrypointType.MODULE_PATH, **options
    )


def ingest_on_new_seed(config: ServeConfig) -> RunnerDeployment:
    from flows.ingest import ingest_seeds

    trigger = DeploymentEventTrigger(
        name="newsflow: ingest each new seed file",
        expect={SEED_CREATED},
        match={"prefect.resource.id": f"{SEED_PREFIX}*"},
        parameters={"paths": [_from_resource_id(SEED_PREFIX)], "warehouse": str(config.warehouse)},
    )
    defaults = {"paths": [str(p) for p in config.seeds], "warehouse": str(config.warehouse)}
    return _deployment(ingest_seeds, "on-new-seed", triggers=[trigger], parameters=defaults)


async def catch_up_run(config: ServeConfig, paths: Sequence[Path]) -> str:
    """One `ingest-seeds/on-new-seed` run for exactly `paths`; returns its flow run id.

    Applied first because a first serve on a server has not registered it yet; the run
    waits as Scheduled until serve's runner picks it up.
    """
    from prefect.deployments import arun_deployment

    deployment_id = await ingest_on_new_seed(config).aapply()
    parameters = {"paths": [str(path) for path in paths], "warehouse": str(config.warehouse)}
    run = await arun_deployment(deployment_id, parameters=parameters, timeout=0, as_subflow=False)
    return str(run.id)


def reingest_on_request(config: ServeConfig) -> RunnerDeployment:
    from flows.reingest_flow import reingest_source

    trigger = DeploymentEventTrigger(
        name="newsflow: re-ingest a source on request",
        expect={REINGEST_REQUESTED},
        match={"prefect.resource.id": f"{SOURCE_PREFIX}*"},
        for_each={"prefect.resource.id"},
        parameters={"source_id": _from_resource_id(SOURCE_PREFIX)},
    )
    defaults = {"warehouse": str(config.warehouse)}
    if config.discover_config:  # `refetch=true` fetches with discovery's politeness and hosts
        defaults["config"] = str(config.discover_config)
    return _deployment(reingest_source, "on-request", triggers=[trigger], parameters=defaults)


def on_cron(
    flow: Flow[..., Any], name: str, cron: str, parameters: dict[str, Any]
) -> RunnerDeployment:
    """A deployment run by the server's scheduler (a real server: the temporary one never is)."""
    schedule = {} if cron.strip().lower() in CRON_OFF else {"cron": cron}
    return _deployment(flow, name, parameters=parameters, **schedule)


def find_discover_flow() -> Flow[..., Any] | None:
    """The discovery flow, once the module that defines it exists."""
    try:
        module = importlib.import_module(DISCOVER_MODULE)
    except ModuleNotFoundError as error:
        if error.name != DISCOVER_MODULE:
            raise
        return None
    flows = [value for value in vars(module).values() if isinstance(value, Flow)]
    return next((f for f in flows if f.name == "discover"), None)


def scheduled_discovery(config: ServeConfig) -> RunnerDeployment | None:
    found = find_discover_flow()
    if found is None:
        return None
    accepted = inspect.signature(found.fn).parameters
    wanted = {"warehouse": config.warehouse, "config": config.discover_config}
    parameters = {k: str(v) for k, v in wanted.items() if v is not None and k in accepted}
    return on_cron(found, "scheduled", config.discover_cron, parameters)


def build_deployments(config: ServeConfig) -> list[RunnerDeployment]:
    deployments = [ingest_on_new_seed(config), reingest_on_request(config)]
    discovery = scheduled_discovery(config)
    return [*deployments, discovery] if discovery else deployments

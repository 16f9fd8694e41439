"""`newsflow discover`, `fetch`, `topic` and `replay`: finding and fetching new articles.

Registered on the main group by one import at the end of `flows.cli`. Exit codes as
everywhere: 0 when the run happened (failed items are data), 1 when it could not happen
(no topic, warehouse locked), 2 for usage errors (a bad option or config file).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from flows.cli import Context, cli, fail
from flows.discover import DiscoverySummary
from flows.discover_output import print_discovery, print_topic, topic_json
from flows.discover_topic import NoTopic
from flows.discovery_settings import ConfigError, Settings, load_settings
from flows.modes import MODES, configure_prefect_environment, resolve_mode
from warehouse.errors import WarehouseError

_ALLOW_HOST = click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Let the fetcher reach this non-public host (local sites, tests). Repeatable.",
)
_CONFIG = click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="newsflow.toml to use (default: ./newsflow.toml if it exists).",
)
_MODE = click.option(
    "--mode",
    type=click.Choice(MODES),
    envvar="NEWSFLOW_MODE",
    default="auto",
    show_default=True,
    help="local: no Prefect; prefect: the `discover` flow; auto: prefect when "
    "PREFECT_API_URL answers.",
)


def usage_error(message: str) -> None:
    click.echo(f"newsflow: error: {message}", err=True)
    sys.exit(2)


def settings_from(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as error:
        usage_error(str(error))
        raise  # unreachable: usage_error() exits


@cli.command()
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="An RSS/Atom feed. Repeatable.")
@click.option(
    "--sitemap", "sitemaps", multiple=True, metavar="URL", help="A sitemap (or index). Repeatable."
)
@_ALLOW_HOST
@_CONFIG
@_MODE
@click.pass_obj
def discover(
    obj: Context,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    allow_hosts: tuple[str, ...],
    config: Path | None,
    mode: str,
) -> None:
    """Find articles on the topic in feeds, sitemaps and search; fetch and land them.

    With --feed/--sitemap, only those sources are read; otherwise every source in
    newsflow.toml. Candidates below the topic's relevance threshold are recorded as
    off_topic, not landed.
    """
    adhoc = AdHoc(feeds, sitemaps, allow_hosts)
    settings = adhoc.applied_to(settings_from(config))
    if not (settings.feeds or settings.sitemaps or settings.gdelt or settings.google_news):
        usage_error("no sources: pass --feed/--sitemap or list them in newsflow.toml")
    summary = _run(settings, adhoc, obj.warehouse, resolve_mode(mode), ())
    print_discovery(summary, obj.warehouse, "discovered")


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@_ALLOW_HOST
@_CONFIG
@_MODE
@click.pass_obj
def fetch(
    obj: Context,
    urls: tuple[str, ...],
    allow_hosts: tuple[str, ...],
    config: Path | None,
    mode: str,
) -> None:
    """Fetch single pages and land them as articles (no relevance filter)."""
    adhoc = AdHoc((), (), allow_hosts)
    settings = adhoc.applied_to(settings_from(config))
    summary = _run(settings, adhoc, obj.warehouse, resolve_mode(mode), urls)
    print_discovery(summary, obj.warehouse, "fetched")


@dataclass(frozen=True)
class AdHoc:
    """What the command line adds to newsflow.toml (handed as is to the Prefect flow)."""

    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    allow_hosts: tuple[str, ...]

    def applied_to(self, settings: Settings) -> Settings:
        return settings.with_sources(self.feeds, self.sitemaps, self.allow_hosts)


def _run(
    settings: Settings, adhoc: AdHoc, warehouse: str, mode: str, urls: Sequence[str]
) -> DiscoverySummary:
    """A discovery run, or with `urls` a fetch run (no relevance filter)."""
    try:
        if mode == "local":
            from flows.discover import run_discovery
            from flows.discover_steps import LOCAL_STEPS

            return run_discovery(
                settings,
                warehouse,
                LOCAL_STEPS,
                mode="local",
                urls=urls,
                relevance_filter=not urls,
            )
        return _run_prefect(settings, adhoc, warehouse, urls)
    except (WarehouseError, NoTopic) as error:
        fail(str(error))
        raise  # unreachable: fail() exits


def _run_prefect(
    settings: Settings, adhoc: AdHoc, warehouse: str, urls: Sequence[str]
) -> DiscoverySummary:
    configure_prefect_environment()
    from flows.discover_flow import discover as discover_flow
    from flows.discover_flow import summary_from_dict

    result = discover_flow(
        warehouse=warehouse,
        config=settings.path,
        feeds=list(adhoc.feeds),
        sitemaps=list(adhoc.sitemaps),
        allow_hosts=list(adhoc.allow_hosts),
        urls=list(urls),
        relevance_filter=not urls,
    )
    return summary_from_dict(result)


@cli.command()
@_CONFIG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def topic(obj: Context, config: Path | None, fmt: str) -> None:
    """Show the topic discovery looks for: who, where, what, with weights and queries."""
    from flows.discover_topic import default_queries, load_profile

    settings = settings_from(config)
    try:
        profile = load_profile(obj.warehouse, settings)
    except WarehouseError as error:
        fail(str(error))
    if profile is None:
        fail("no topic: ingest seed articles first, or set [topic] terms in newsflow.toml")
        return
    queries = settings.queries or default_queries(profile)
    if fmt == "json":
        click.echo(json.dumps(topic_json(profile, queries), ensure_ascii=False))
    else:
        print_topic(profile, queries)


@cli.command()
@click.argument("warcs", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@_CONFIG
@click.pass_obj
def replay(obj: Context, warcs: tuple[Path, ...], config: Path | None) -> None:
    """Re-ingest archived pages from WARC files, offline: nothing is fetched."""
    from flows.discover_replay import run_replay

    settings = settings_from(config)
    try:
        summary = run_replay(list(warcs), obj.warehouse, settings)
    except (WarehouseError, NoTopic) as error:
        fail(str(error))
    print_discovery(summary, obj.warehouse, "replayed")

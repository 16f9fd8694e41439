"""What `newsflow discover`, `fetch`, `replay` and `topic` print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from extractors.topic import KINDS, TopicProfile
from flows.discover import DiscoverySummary

MAX_FAILURES_SHOWN = 20


def print_discovery(summary: DiscoverySummary, warehouse: str, verb: str) -> None:
    s = summary
    click.echo(f"newsflow: {verb} into {warehouse} ({s.mode} mode, run {s.run_id})")
    rows = [
        ("sources", f"{s.sources} ({s.source_failures} problems)"),
        ("candidates", f"{s.found} found, {s.new_candidates} new"),
        ("pages fetched", f"{s.fetched} ({s.not_modified} not modified, {s.over_cap} left)"),
        (
            "articles landed",
            f"{s.articles_new + s.articles_updated + s.articles_unchanged} ({s.articles_new} "
            f"new, {s.articles_updated} updated, {s.articles_unchanged} unchanged)",
        ),
        ("duplicates", s.duplicates),
        ("off topic", s.off_topic),
        ("robots disallowed", s.robots_disallowed),
        ("refused", s.refused),
        ("failures", f"{s.failed + s.deferred} ({s.failed} failed, {s.deferred} deferred)"),
    ]
    for name, value in rows:
        click.echo(f"  {name:<20} {value}")
    for line in s.failure_lines[:MAX_FAILURES_SHOWN]:
        click.echo(f"    ! {line}")
    if len(s.failure_lines) > MAX_FAILURES_SHOWN:
        click.echo("    ... see: newsflow sql 'select * from candidates'")


def print_topic(profile: TopicProfile, queries: Sequence[str]) -> None:
    origin = profile.origin or "newsflow.toml"
    click.echo(f"topic from {origin}; on topic at relevance >= {profile.threshold:g}")
    for kind in KINDS:
        terms = profile.of_kind(kind)
        listed = ", ".join(f"{t.text} ({t.weight:.2f})" for t in terms) or "-"
        click.echo(f"  {kind:<6} {listed}")
    click.echo("  search queries")
    for query in queries:
        click.echo(f"    {query}")


def topic_json(profile: TopicProfile, queries: Sequence[str]) -> dict[str, Any]:
    return {
        "origin": profile.origin,
        "threshold": profile.threshold,
        "language": profile.language,
        **{
            kind: [{"text": t.text, "weight": t.weight} for t in profile.of_kind(kind)]
            for kind in KINDS
        },
        "queries": list(queries),
    }

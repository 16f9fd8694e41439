"""`newsflow rules`: which boilerplate rules there are, and which apply to a source.

The rules are the built-in ones plus the rule files named in newsflow.toml's `[rules]`
(or NEWSFLOW_RULES), less those disabled there. `--source ID` shows the set in effect for
one source, and the template lines learned for it (from the read snapshot).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from extractors.boilerplate import RuleSet, load_ruleset
from extractors.boilerplate.rules import Rule
from extractors.boilerplate.ruleset import LEARNED_RULE, LEARNED_RULE_VERSION
from extractors.rulesconfig import configured_spec
from flows import output
from flows.cli import Context, cli, fail
from warehouse.errors import WarehouseError

RULE_COLUMNS = ["rule", "version", "category", "languages", "scope", "status"]
LEARNED_COLUMNS = ["line", "documents", "first_seen", "last_seen", "learned_by_run"]


@cli.command()
@click.option("--source", "source_id", help="Show the rules in effect for this source.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.pass_obj
def rules(obj: Context, source_id: str | None, fmt: str) -> None:
    """List the boilerplate rules: name, version, category, languages, scope, status."""
    try:
        spec = configured_spec()
        everything, ruleset = load_ruleset([Path(f) for f in spec.extra_files]), spec.load()
    except ValueError as error:
        fail(str(error))
    if source_id is None:
        output.print_table(RULE_COLUMNS, all_rule_rows(everything, ruleset), fmt)
        return
    output.print_table(RULE_COLUMNS, effective_rule_rows(ruleset, source_id), fmt)
    learned = learned_rows(obj.warehouse, source_id)
    if learned and fmt == "table":
        click.echo(f"\ntemplate lines learned for {source_id} (rule {LEARNED_RULE}):")
    if learned:
        output.print_table(LEARNED_COLUMNS, learned, fmt)


def all_rule_rows(everything: RuleSet, ruleset: RuleSet) -> list[list[str]]:
    rows = [_row(rule, _status(rule.info.name, ruleset)) for rule in everything.rules]
    return [*rows, _learned_row("per source", _status(LEARNED_RULE, ruleset))]


def effective_rule_rows(ruleset: RuleSet, source_id: str) -> list[list[str]]:
    rows = [_row(rule, "on") for rule in ruleset.rules_for(source_id)]
    if ruleset.enabled(LEARNED_RULE, source_id):
        rows.append(_learned_row(source_id, "on"))
    return rows


def _row(rule: Rule, status: str) -> list[str]:
    info = rule.info
    languages = ",".join(info.languages)
    return [info.name, info.version, info.category, languages, info.source or "all", status]


def _learned_row(scope: str, status: str) -> list[str]:
    return [LEARNED_RULE, LEARNED_RULE_VERSION, "template", "*", scope, status]


def _status(name: str, ruleset: RuleSet) -> str:
    if name not in ruleset.names:
        return "disabled"
    sources = sorted(source for source, off in ruleset.disabled_for_source if off == name)
    return f"on, disabled for {', '.join(sources)}" if sources else "on"


def learned_rows(warehouse: str, source_id: str) -> Sequence[Sequence[Any]]:
    """The source's learned lines from the read snapshot; none without a warehouse."""
    from warehouse.analysis import analysing
    from warehouse.templates import stored_templates

    if not Path(warehouse).exists():
        return []
    try:
        with analysing(warehouse) as con:
            return stored_templates(con, source_id)
    except WarehouseError as error:
        fail(str(error))
        raise  # unreachable: fail() exits

"""User rule files and per-source disabling from newsflow.toml, NEWSFLOW_RULES, `newsflow rules`."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from extractors.batch import RulesSpec
from extractors.rulesconfig import (
    RulesConfigError,
    configured_spec,
    spec_from_env,
    spec_from_table,
)
from tests.conftest import query, run_cli

HOUSE_RULES = """
[[rule]]
name = "house-club"
version = 3
category = "social_promo"
languages = ["en"]
patterns = ['join the (?P<publisher>[^ ]+ [^ ]+) readers club.*']
"""
CLUB = "Join the Harbour Tribune readers club for events and offers"
STORY = (
    "Harbour story\n\nThe council met on Tuesday, officials said.\n{club}\nThe vote is next week.\n"
)


def config(folder: Path, rules: str, files: dict[str, str] | None = None) -> Path:
    for name, text in (files or {"house.toml": HOUSE_RULES}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "newsflow.toml"
    path.write_text(f"[topic]\nterms = []\n\n[rules]\n{rules}\n", encoding="utf-8")
    return path


def sources(tmp_path: Path) -> list[Path]:
    folders = []
    for name in ("harbour", "wire"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "a.txt").write_text(STORY.format(club=CLUB), encoding="utf-8")
        folders.append(folder)
    return folders


# --- the pure piece -------------------------------------------------------------------------


def test_table_files_are_relative_to_the_config_file(tmp_path: Path) -> None:
    spec = spec_from_table(
        {"files": ["rules/house.toml"], "disabled": ["x", "s:y"]}, tmp_path, "newsflow.toml"
    )
    assert spec == RulesSpec((str(tmp_path / "rules" / "house.toml"),), ("x", "s:y"))


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"file": ["a.toml"]}, "unknown key rules.file"),
        ({"files": "a.toml"}, "rules.files: expected a list"),
        ({"disabled": [1]}, "rules.disabled: expected a list"),
    ],
)
def test_bad_table_is_one_line_naming_file_and_key(table: dict, problem: str) -> None:
    with pytest.raises(RulesConfigError, match=problem) as error:
        spec_from_table(table, Path("."), "conf/newsflow.toml")
    assert str(error.value).startswith("conf/newsflow.toml: ")


def test_env_names_files_separated_by_colons(tmp_path: Path) -> None:
    spec = spec_from_env("a.toml: rules/b.toml:", tmp_path)
    assert spec.extra_files == (str(tmp_path / "a.toml"), str(tmp_path / "rules" / "b.toml"))


def test_config_file_from_env_and_rules_env_as_fallback(tmp_path: Path) -> None:
    path = config(tmp_path, 'disabled = ["related-label-en"]')
    env = {"NEWSFLOW_CONFIG": str(path), "NEWSFLOW_RULES": str(tmp_path / "house.toml")}
    spec = configured_spec(environ=env)
    assert spec == RulesSpec((str(tmp_path / "house.toml"),), ("related-label-en",))
    path = config(tmp_path, 'files = ["house.toml"]\ndisabled = []')
    other = tmp_path / "other.toml"
    other.write_text(HOUSE_RULES.replace("house-club", "other-club"), encoding="utf-8")
    env["NEWSFLOW_RULES"] = str(other)  # the config's own files win
    assert configured_spec(environ=env).extra_files == (str(tmp_path / "house.toml"),)


def test_no_config_and_no_env_is_the_built_in_set(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert configured_spec(environ={}) == RulesSpec()


@pytest.mark.parametrize(
    ("rules", "files", "names"),
    [
        ('files = ["broken.toml"]', {"broken.toml": "[[rule]\n"}, "broken.toml"),
        ('disabled = ["no-such-rule"]', {}, "newsflow.toml"),
        ('files = ["missing.toml"]', {}, "missing.toml"),
    ],
)
def test_a_bad_rule_file_or_rule_name_stops_with_one_line(
    tmp_path: Path, rules: str, files: dict[str, str], names: str
) -> None:
    path = config(tmp_path, rules, files)
    with pytest.raises(RulesConfigError) as error:
        configured_spec(path, environ={})
    assert names in str(error.value) and "\n" not in str(error.value)


# --- in runs, on real warehouses -------------------------------------------------------------


def test_user_rule_file_from_config_removes_and_records(
    tmp_path: Path, warehouse: Path, monkeypatch
) -> None:
    harbour, wire = sources(tmp_path)
    monkeypatch.chdir(tmp_path)
    config(tmp_path, 'files = ["house.toml"]\ndisabled = ["wire:house-club"]')
    result = run_cli("ingest", str(harbour), str(wire), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    removed = query(
        warehouse,
        "SELECT a.source_id, m.rule, m.rule_version, m.text "
        "FROM removals m JOIN articles a USING (article_id)",
    )
    assert removed == [("harbour", "house-club", "3", CLUB)]
    site = dict(query(warehouse, "SELECT source_id, site_name FROM articles"))
    assert site["harbour"] == "Harbour Tribune"  # named by the rule's capture
    bodies = dict(query(warehouse, "SELECT source_id, body FROM articles"))
    assert CLUB not in bodies["harbour"] and CLUB in bodies["wire"]


def test_rules_env_adds_a_rule_file(tmp_path: Path, warehouse: Path, monkeypatch) -> None:
    harbour, _ = sources(tmp_path)
    (tmp_path / "house.toml").write_text(HOUSE_RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSFLOW_RULES", "house.toml")
    assert run_cli("ingest", str(harbour), "--mode", "local", warehouse=warehouse).exit_code == 0
    assert query(warehouse, "SELECT rule FROM removals") == [("house-club",)]


def test_reingest_applies_a_rule_change_from_config(
    tmp_path: Path, warehouse: Path, monkeypatch
) -> None:
    harbour, _ = sources(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_cli("ingest", str(harbour), "--mode", "local", warehouse=warehouse).exit_code == 0
    assert query(warehouse, "SELECT count(*) FROM removals") == [(0,)]
    config(tmp_path, 'files = ["house.toml"]')
    result = run_cli("reingest", "harbour", warehouse=warehouse)
    assert "1 updated" in result.output
    assert query(warehouse, "SELECT rule, text FROM removals") == [("house-club", CLUB)]
    versions = query(warehouse, "SELECT rules_version FROM articles")
    assert "+local." in versions[0][0]  # user files are part of the version


def test_rules_command_lists_rules_scope_and_status(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config(tmp_path, 'files = ["house.toml"]\ndisabled = ["wire:house-club", "related-label-de"]')
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["rule"]: row for row in map(json.loads, result.output.splitlines())}
    assert rows["house-club"] == {
        "rule": "house-club",
        "version": "3",
        "category": "social_promo",
        "languages": "en",
        "scope": "all",
        "status": "on, disabled for wire",
    }
    assert rows["related-label-de"]["status"] == "disabled"
    assert rows["learned-template"]["scope"] == "per source"
    assert len(rows) > 30


def test_rules_command_for_a_source_shows_its_set_and_learned_lines(
    tmp_path: Path, warehouse: Path, monkeypatch
) -> None:
    from tests.test_learned_templates import TEMPLATE_NORMS, write_source

    monkeypatch.chdir(tmp_path)
    folder = write_source(tmp_path / "harbour")
    config(tmp_path, 'files = ["house.toml"]\ndisabled = ["harbour:house-club"]')
    assert run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse).exit_code == 0
    result = run_cli("rules", "--source", "harbour", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert "house-club" not in result.output and "related-label-en" in result.output
    assert "template lines learned for harbour" in result.output
    assert all(line[:40] in result.output for line in TEMPLATE_NORMS)
    assert "house-club" in run_cli("rules", "--source", "wire", warehouse=warehouse).output


def test_bad_config_makes_the_rules_command_fail_in_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config(tmp_path, 'disabled = ["no-such-rule"]', {})
    from click.testing import CliRunner

    from flows.cli import cli

    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 1
    assert "no-such-rule" in result.output


def test_discovery_settings_accept_the_rules_table(tmp_path: Path) -> None:
    from flows.discovery_settings import load_settings

    path = config(tmp_path, 'files = ["house.toml"]')
    assert load_settings(path).path == str(path)


def test_learned_template_can_be_disabled_for_a_source(
    tmp_path: Path, warehouse: Path, monkeypatch
) -> None:
    from tests.test_learned_templates import TIP, write_source

    monkeypatch.chdir(tmp_path)
    folder = write_source(tmp_path / "harbour")
    config(tmp_path, 'disabled = ["harbour:learned-template"]', {})
    assert run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse).exit_code == 0
    assert query(warehouse, "SELECT count(*) FROM removals") == [(0,)]
    assert all(TIP in body for (body,) in query(warehouse, "SELECT body FROM articles"))
    with duckdb.connect(str(warehouse), read_only=True) as con:  # still learned, for reading
        assert con.execute("SELECT count(*) FROM learned_templates").fetchone() == (2,)

"""Which rules a run uses: the `[rules]` table of newsflow.toml, or NEWSFLOW_RULES.

    [rules]
    files = ["rules/house.toml"]                 # relative to newsflow.toml
    disabled = ["related-label-en",              # switched off everywhere
                "harbour-tribune:learned-template"]  # for one source only

The config file is `NEWSFLOW_CONFIG`, else `newsflow.toml` in the working directory if
there is one. Without `files` in it, `NEWSFLOW_RULES` (paths separated by ":") names the
extra rule files. The spec is checked by loading it, so a typo in a rule file or a rule
name stops a run before it starts, in one line naming the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extractors.batch import RulesSpec
from extractors.boilerplate.rulefile import RuleFileError

CONFIG_NAME = "newsflow.toml"
CONFIG_ENV = "NEWSFLOW_CONFIG"
RULES_ENV = "NEWSFLOW_RULES"
_KEYS = frozenset({"files", "disabled"})


class RulesConfigError(ValueError):
    """A `[rules]` table or NEWSFLOW_RULES that cannot be used; one line naming the file."""


def spec_from_table(table: Mapping[str, Any], base: Path, origin: str) -> RulesSpec:
    """The spec of a `[rules]` table; `files` are relative to `base` (the config's folder)."""
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise RulesConfigError(f"{origin}: unknown key rules.{unknown[0]}; known: disabled, files")
    files = _strings(table.get("files", []), f"{origin}: rules.files")
    disabled = _strings(table.get("disabled", []), f"{origin}: rules.disabled")
    return RulesSpec(tuple(str((base / name).resolve()) for name in files), disabled)


def spec_from_env(value: str, base: Path) -> RulesSpec:
    """NEWSFLOW_RULES: rule files separated by ":", relative to `base`."""
    names = [name.strip() for name in value.split(":") if name.strip()]
    return RulesSpec(tuple(str((base / name).resolve()) for name in names))


def configured_spec(
    config: Path | None = None, environ: Mapping[str, str] | None = None
) -> RulesSpec:
    """The spec from the config file's `[rules]` and NEWSFLOW_RULES, checked by loading it."""
    environ = os.environ if environ is None else environ
    path = config or Path(environ.get(CONFIG_ENV) or CONFIG_NAME)
    table = _rules_table(path, required=config is not None or CONFIG_ENV in environ)
    spec = spec_from_table(table, path.parent, str(path))
    if not spec.extra_files and environ.get(RULES_ENV):
        from_env = spec_from_env(environ[RULES_ENV], Path.cwd())
        spec = RulesSpec(from_env.extra_files, spec.disabled)
    _check(spec, str(path) if table else RULES_ENV)
    return spec


def _rules_table(path: Path, required: bool) -> Mapping[str, Any]:
    if not path.exists() and not required:
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesConfigError(f"{path}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesConfigError(f"{path}: not valid TOML: {error}") from None
    table = document.get("rules", {})
    if not isinstance(table, dict):
        raise RulesConfigError(f"{path}: [rules] must be a table")
    return table


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise RulesConfigError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def _check(spec: RulesSpec, origin: str) -> None:
    if spec.extra_files or spec.disabled:
        try:
            spec.load()
        except RuleFileError as error:  # names its file already
            raise RulesConfigError(str(error)) from None
        except ValueError as error:  # an unknown rule in `disabled`
            raise RulesConfigError(f"{origin}: {error}") from None

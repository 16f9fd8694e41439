"""Loading rule sets: the built-in rules (cached), user rule files, and disabled rules."""

from __future__ import annotations

import hashlib
import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from extractors.boilerplate.plan import Plan, build_plan
from extractors.boilerplate.rulefile import RuleFileError, parse_lexicon, parse_rule_file
from extractors.boilerplate.rules import Rule

# Bump when the engine's behaviour changes; rule-file changes alter the hash by themselves.
ENGINE_EPOCH = "2025.2"  # .2: learned templates never empty a document
LEXICON_FILE = "lexicon.toml"  # shared [vars], not rules
LEARNED_RULE = "learned-template"
LEARNED_RULE_VERSION = "1"


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules, ready for `clean_lines`; cheap to share between documents.

    `names` are the rules switched on somewhere, "learned-template" included (it can be
    disabled like any rule); `version` is RULES_VERSION plus, when user files or disabled
    rules change the output, a hash of both.
    """

    version: str
    names: frozenset[str]
    rules: tuple[Rule, ...]
    # (source_id, rule name) pairs switched off for one source only.
    disabled_for_source: frozenset[tuple[str, str]] = frozenset()
    _plans: dict[str | None, Plan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def rules_for(self, source_id: str | None) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if self._applies(rule, source_id))

    def plan_for(self, source_id: str | None) -> Plan:
        """The indexed rules for one source, built once per rule set and source."""
        plan = self._plans.get(source_id)
        if plan is None:
            plan = self._plans[source_id] = build_plan(self.rules_for(source_id))
        return plan

    def enabled(self, name: str, source_id: str | None) -> bool:
        return name in self.names and (str(source_id), name) not in self.disabled_for_source

    def _applies(self, rule: Rule, source_id: str | None) -> bool:
        scoped_elsewhere = rule.info.source is not None and rule.info.source != source_id
        return not scoped_elsewhere and self.enabled(rule.info.name, source_id)


@lru_cache(maxsize=1)
def _builtin_files() -> tuple[tuple[str, bytes], ...]:
    folder = resources.files("extractors.boilerplate").joinpath("rules")
    files = (entry for entry in folder.iterdir() if entry.name.endswith(".toml"))
    return tuple(sorted((entry.name, entry.read_bytes()) for entry in files))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    files = dict(_builtin_files())
    return parse_lexicon(files[LEXICON_FILE], f"rules/{LEXICON_FILE}")


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    """Parsed and compiled once per process: load_ruleset is called for every batch."""
    return tuple(
        rule
        for name, data in _builtin_files()
        if name != LEXICON_FILE
        for rule in parse_rule_file(data, f"rules/{name}", lexicon())
    )


def _short_hash(files: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:8]


RULES_VERSION = f"{ENGINE_EPOCH}+{_short_hash(_builtin_files())}"


def load_ruleset(extra_files: Sequence[pathlib.Path] = (), disabled: Iterable[str] = ()) -> RuleSet:
    """Built-in rules plus user rule files; `disabled` holds "rule" or "source_id:rule"."""
    extra = [(str(path), _read(path)) for path in extra_files]
    rules = builtin_rules() + tuple(
        rule for origin, data in extra for rule in parse_rule_file(data, origin, lexicon())
    )
    names = _unique_names(rules) | {LEARNED_RULE}
    switched_off = tuple(disabled)
    everywhere, per_source = _split_disabled(switched_off, names)
    return RuleSet(
        version=_ruleset_version(extra, switched_off),
        names=frozenset(names - everywhere),
        rules=tuple(rule for rule in rules if rule.info.name not in everywhere),
        disabled_for_source=per_source,
    )


def _read(path: pathlib.Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise RuleFileError(f"{path}: cannot read rule file: {error.strerror}") from None


def _unique_names(rules: Sequence[Rule]) -> set[str]:
    names: set[str] = set()
    for rule in rules:
        if rule.info.name in names or rule.info.name == LEARNED_RULE:
            raise RuleFileError(f"rule name {rule.info.name!r} is defined twice")
        names.add(rule.info.name)
    return names


def _split_disabled(
    entries: Iterable[str], names: set[str]
) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    # Unknown names are errors: a typo would otherwise silently leave a rule switched on.
    everywhere: set[str] = set()
    per_source: set[tuple[str, str]] = set()
    for entry in entries:
        source_id, _, name = entry.rpartition(":")
        if name not in names:
            raise ValueError(f"cannot disable unknown rule {name!r} (from {entry!r})")
        if source_id:
            per_source.add((source_id, name))
        else:
            everywhere.add(name)
    return frozenset(everywhere), frozenset(per_source)


def _ruleset_version(extra: Sequence[tuple[str, bytes]], disabled: Sequence[str]) -> str:
    # Disabled rules change the output as much as extra files do, so both are hashed.
    if not extra and not disabled:
        return RULES_VERSION
    parts = [(pathlib.Path(origin).name, data) for origin, data in extra]
    parts += [("disabled", "\n".join(sorted(disabled)).encode())]
    return f"{RULES_VERSION}+local.{_short_hash(parts)}"

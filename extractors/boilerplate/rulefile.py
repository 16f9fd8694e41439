"""Reading rule files: TOML in, compiled rules out, one-line errors naming file and problem.

A file holds an optional `[vars]` table of named regex fragments (written `{{name}}` in
patterns; the built-in `rules/lexicon.toml` vars `we`, `you`, `said` are always there) and
one `[[rule]]` table per rule:

    name, version, category, languages     required; name is lower-case, unique
    source = "site-a"                       optional: only for documents of that source
    kind = "line" | "sentence" | "block"    default "line"
    unless = [regex, ...]                   optional: a line containing any is never matched

    line:     patterns = [regex, ...]  one must match the WHOLE line; max_chars (200)
    sentence: all = [regex, ...]       each must occur somewhere in the line; max_chars (500)
    block:    start, end = [regex, ...]  whole-line heading / button label
              voice, topic = [regex, ...]  publisher's voice; appeal vocabulary
              context, filler = [...]      weaker words; whole-line amounts and choices
              max_lines (12)

Patterns are case-insensitive and see lines in `match_form` (NFKC, plain quotes, no
bullets or final punctuation). Named groups `author` and `publisher` become found metadata.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from extractors.boilerplate.rules import (
    CATEGORIES,
    FOUND_KEYS,
    BlockRule,
    LineRule,
    Rule,
    RuleInfo,
)

_COMMON_KEYS = frozenset({"name", "version", "category", "languages", "kind", "source", "unless"})
_KIND_KEYS = {
    "line": frozenset({"patterns", "max_chars"}),
    "sentence": frozenset({"all", "max_chars"}),
    "block": frozenset({"start", "end", "voice", "topic", "context", "filler", "max_lines"}),
}
Pattern = re.Pattern[str]
_RULE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_VAR_REFERENCE = re.compile(r"\{\{(\w+)\}\}")


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message is one line naming the file."""


def parse_rule_file(
    data: bytes, origin: str, shared: Mapping[str, str] | None = None
) -> tuple[Rule, ...]:
    """Rules of one file; `shared` vars (the built-in lexicon) are visible to its patterns."""
    document = _load_toml(data, origin)
    unknown = sorted(set(document) - {"vars", "rule"})
    if unknown:
        raise RuleFileError(f"{origin}: unknown top-level key {unknown[0]!r}")
    fragments = _read_vars(document.get("vars", {}), origin, shared or {})
    tables = document.get("rule")
    if not isinstance(tables, list) or not tables:
        raise RuleFileError(f"{origin}: no [[rule]] tables")
    return tuple(_parse_rule(table, fragments, origin, n) for n, table in enumerate(tables, 1))


def _load_toml(data: bytes, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleFileError(f"{origin}: not valid UTF-8 TOML: {_one_line(error)}") from None


def parse_lexicon(data: bytes, origin: str) -> dict[str, str]:
    """A file holding only `[vars]`, shared by all rule files."""
    document = _load_toml(data, origin)
    if set(document) != {"vars"}:
        raise RuleFileError(f"{origin}: a lexicon holds a [vars] table and nothing else")
    return _read_vars(document["vars"], origin, {})


def _read_vars(table: object, origin: str, shared: Mapping[str, str]) -> dict[str, str]:
    """Vars with references to earlier (or shared) vars expanded, so one builds on another."""
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise RuleFileError(f"{origin}: [vars] must map names to regex strings")
    expanded = dict(shared)
    for name, source in table.items():
        expanded[name] = _expand(source, expanded, f"{origin}: var {name!r}")
    return expanded


def _expand(source: str, fragments: Mapping[str, str], where: str) -> str:
    def fragment(reference: re.Match[str]) -> str:
        name = reference.group(1)
        if name not in fragments:
            raise RuleFileError(f"{where}: unknown var {{{{{name}}}}}")
        return f"(?:{fragments[name]})"

    return _VAR_REFERENCE.sub(fragment, source)


def _parse_rule(table: object, fragments: Mapping[str, str], origin: str, n: int) -> Rule:
    if not isinstance(table, dict):
        raise RuleFileError(f"{origin}: rule {n} is not a table")
    where = f"{origin}: rule {table.get('name', n)!r}"
    kind = table.get("kind", "line")
    if kind not in _KIND_KEYS:
        raise RuleFileError(f"{where}: kind must be one of {sorted(_KIND_KEYS)}")
    unknown = sorted(set(table) - _COMMON_KEYS - _KIND_KEYS[kind])
    if unknown:
        raise RuleFileError(f"{where}: unknown key {unknown[0]!r}")
    field = _FieldReader(table, fragments, where)
    return _BUILDERS[kind](field, _rule_info(field))


def _rule_info(field: _FieldReader) -> RuleInfo:
    name = field.text("name")
    if not _RULE_NAME.fullmatch(name):
        field.fail("name must be lower-case letters, digits, '-', '_' or '.'")
    category = field.text("category")
    if category not in CATEGORIES:
        field.fail(f"unknown category {category!r}")
    languages = field.texts("languages")
    version = field.table.get("version")
    if isinstance(version, bool) or not isinstance(version, int | str) or version == "":
        field.fail("version must be an integer or a non-empty string")
    source = field.table.get("source")
    if source is not None and (not isinstance(source, str) or not source):
        field.fail("source must be a non-empty string")
    return RuleInfo(name, str(version), category, tuple(languages), source)


def _build_line(field: _FieldReader, info: RuleInfo) -> Rule:
    unless, max_chars = field.patterns("unless", ()), field.number("max_chars", 200)
    return LineRule(info, field.patterns("patterns"), True, unless, max_chars)


def _build_sentence(field: _FieldReader, info: RuleInfo) -> Rule:
    unless, max_chars = field.patterns("unless", ()), field.number("max_chars", 500)
    return LineRule(info, field.patterns("all"), False, unless, max_chars)


def _build_block(field: _FieldReader, info: RuleInfo) -> Rule:
    start, end = field.patterns("start"), field.patterns("end")
    voice, topic = field.patterns("voice"), field.patterns("topic")
    context, filler = field.patterns("context", ()), field.patterns("filler", ())
    unless, max_lines = field.patterns("unless", ()), field.number("max_lines", 12)
    return BlockRule(info, start, end, voice, topic, context, filler, unless, max_lines)


_BUILDERS: dict[str, Callable[[_FieldReader, RuleInfo], Rule]] = {
    "line": _build_line,
    "sentence": _build_sentence,
    "block": _build_block,
}


class _FieldReader:
    """Typed access to one rule table; every problem becomes a RuleFileError naming the rule."""

    def __init__(self, table: dict[str, Any], fragments: Mapping[str, str], where: str) -> None:
        self.table, self.fragments, self.where = table, fragments, where

    def fail(self, problem: str) -> NoReturn:
        raise RuleFileError(f"{self.where}: {problem}")

    def text(self, key: str) -> str:
        value = self.table.get(key)
        if not isinstance(value, str) or not value:
            self.fail(f"{key} must be a non-empty string")
        return str(value)

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.table.get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{key} must be a list of non-empty strings")
        if default is None and not value:
            self.fail(f"{key} must not be empty")
        return tuple(value)

    def number(self, key: str, default: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(f"{key} must be a positive integer")
        return int(value)

    def patterns(self, key: str, default: tuple[str, ...] | None = None) -> tuple[Pattern, ...]:
        return tuple(self._compile(key, source) for source in self.texts(key, default))

    def _compile(self, key: str, source: str) -> Pattern:
        try:
            pattern = re.compile(_expand(source, self.fragments, self.where), re.IGNORECASE)
        except re.error as error:
            raise RuleFileError(f"{self.where}: bad regex in {key}: {error}") from None
        unknown = sorted(set(pattern.groupindex) - FOUND_KEYS)
        if unknown:
            self.fail(f"capture group {unknown[0]!r} in {key} is not one of {sorted(FOUND_KEYS)}")
        return pattern


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())

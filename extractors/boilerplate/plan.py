"""The rules that apply to one source, indexed so a line finds its few candidate rules at once.

Every line rule, and the anchors (heading, button) of every block rule, is one bit of a
mask. `Plan.candidates` sets the bits whose gates admit a line, with a handful of dict
lookups on the line's first characters and one search for the literals of all
literal-gated rules together (`literal_index.py`); an ordinary article line usually ends
up with no bit set, and no rule pattern ever runs on it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.boilerplate.gates import Gate
from extractors.boilerplate.literal_index import LiteralIndex
from extractors.boilerplate.rules import BlockRule, LineRule, Rule
from extractors.usercache import pickled

# A unit's bit, and the gates of which any one must admit a line for the unit to be tried.
Entry = tuple[int, Sequence[Gate]]


class Plan:
    """Line rules in the order they are tried, block rules, and the candidate index."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        rules = tuple(rules)
        # Whole-line patterns are more specific than words found anywhere: they go first.
        line_rules = [rule for rule in rules if isinstance(rule, LineRule)]
        line_rules.sort(key=lambda rule: not rule.whole_line)
        self.line_rules = tuple(line_rules)
        self.block_rules = tuple(rule for rule in rules if isinstance(rule, BlockRule))
        self.line_bits = (1 << len(self.line_rules)) - 1
        entries = [(1 << n, _line_gates(rule)) for n, rule in enumerate(self.line_rules)]
        entries += [(self.block_bit(n), _anchor_gates(r)) for n, r in enumerate(self.block_rules)]
        self._index = _CandidateIndex(entries)
        # The mask of units that may match a (folded) line; bound once, called per line.
        self.candidates = self._index.lookup

    def block_bit(self, n: int) -> int:
        return 1 << (len(self.line_rules) + n)

    def line_candidates(self, mask: int) -> Iterable[LineRule]:
        """Line rules whose bit is set in `mask`, in the order they are tried."""
        mask &= self.line_bits
        while mask:
            lowest = mask & -mask
            yield self.line_rules[lowest.bit_length() - 1]
            mask ^= lowest


@lru_cache(maxsize=64)
def build_plan(rules: tuple[Rule, ...]) -> Plan:
    """The plan for a tuple of rules; rule sets loaded again for every batch share it.

    Analysing the patterns took 0.4 s of every run before its workers forked (issue 7);
    reading the plan back from the user cache takes a fifth of that.
    """
    key = plan_key(rules)
    if key is None:
        return Plan(rules)
    return pickled(f"plan-{key}.pickle", Plan, lambda: Plan(rules))


def plan_key(rules: tuple[Rule, ...]) -> str | None:
    """Names the rules (every field, patterns with their flags) and the code that plans;
    None where that code cannot be read (an install without sources): no caching then."""
    modules = sorted(Path(__file__).parent.glob("*.py"))
    if not modules:
        return None
    digest = hashlib.sha256(json.dumps(_canonical(rules)).encode())
    digest.update(sys.version.encode())
    for module in modules:
        digest.update(module.read_bytes())
    return digest.hexdigest()[:32]


def _canonical(value: Any) -> Any:
    # Not pickle: its bytes depend on which equal strings happen to be one object.
    if isinstance(value, re.Pattern):
        return ["re", value.pattern, value.flags]
    if isinstance(value, Enum):
        return ["enum", type(value).__name__, value.name]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [type(value).__name__, *(_canonical(getattr(value, f.name)) for f in fields)]
    if isinstance(value, tuple | list):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__} in a rule")


# Line starts are looked up at these lengths only; a longer start is cut to the next one
# down, which admits more lines but saves lookups on every line.
START_LENGTHS = (1, 2, 3, 4, 6, 10)


def _shortened(text: str) -> str:
    return text[: max(length for length in START_LENGTHS if length <= len(text))]


def _line_gates(rule: LineRule) -> Sequence[Gate]:
    gates = [gate for _, gate in rule.gates]
    return gates if rule.whole_line else [Gate.all_of(gates)]


def _anchor_gates(rule: BlockRule) -> Sequence[Gate]:
    start, end = rule.anchor_gates
    return [gate for _, gate in (*start, *end)]


class _CandidateIndex:
    """Line starts to bits, literal gates behind one shared search, and bits always set."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.always = 0
        self.starts: dict[str, int] = {}
        self.literal: list[tuple[int, Gate]] = []
        for bit, gates in entries:
            for gate in gates:
                self._add(bit, gate)
        self.lengths = tuple(sorted({len(text) for text in self.starts}))
        self.literal_index = LiteralIndex((bit, gate.need_sets) for bit, gate in self.literal)

    def _add(self, bit: int, gate: Gate) -> None:
        if gate.parts:
            for part in gate.parts:
                self._add(bit, part)
        elif gate.is_open:
            self.always |= bit
        elif gate.starts is not None:
            for text in map(_shortened, gate.starts):
                self.starts[text] = self.starts.get(text, 0) | bit
        else:
            self.literal.append((bit, gate))

    def lookup(self, folded: str) -> int:
        mask = self.always
        starts = self.starts
        for length in self.lengths:
            mask |= starts.get(folded[:length], 0)
        return mask | self.literal_index.satisfied(folded)

"""`clean_lines`: take boilerplate out of a body, recording each span and what it named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.boilerplate.blocks import find_blocks
from extractors.boilerplate.rules import BlockRule, Found, LineRule, Rule, RuleInfo, match_form
from extractors.boilerplate.ruleset import LEARNED_RULE, LEARNED_RULE_VERSION, RuleSet
from extractors.boilerplate.templates import normalise_line
from extractors.records import Cleaned, Removal

_LEARNED = RuleInfo(LEARNED_RULE, LEARNED_RULE_VERSION, "template", ("*",))


@dataclass(frozen=True)
class _Hit:
    """A removal in positions of the non-empty lines, before it is mapped back to `lines`."""

    first: int
    last: int  # inclusive
    info: RuleInfo
    found: Found = ()


def clean_lines(
    lines: Sequence[str],
    ruleset: RuleSet,
    *,
    source_id: str | None = None,
    learned: Iterable[str] = (),
) -> Cleaned:
    """Lines without boilerplate; each removal names its rule and its span in `lines`."""
    positions = [index for index, line in enumerate(lines) if line.strip()]
    texts = [match_form(lines[index]) for index in positions]
    rules = ruleset.rules_for(source_id)
    claimed: set[int] = set()
    hits = _block_hits(rules, texts, claimed)
    hits += _line_hits(rules, texts, claimed)
    if ruleset.enabled(LEARNED_RULE, source_id):
        hits += _template_hits(lines, positions, claimed, frozenset(learned))
    return _assemble(lines, positions, sorted(hits, key=lambda hit: hit.first))


def _block_hits(rules: Sequence[Rule], texts: Sequence[str], claimed: set[int]) -> list[_Hit]:
    # Blocks go first: their lines must not be taken one by one by narrower line rules.
    return [
        _Hit(span.first, span.last, rule.info, span.found)
        for rule in rules
        if isinstance(rule, BlockRule)
        for span in find_blocks(rule, texts, claimed)
    ]


def _line_hits(rules: Sequence[Rule], texts: Sequence[str], claimed: set[int]) -> list[_Hit]:
    # Whole-line patterns are more specific than words found anywhere: they go first.
    line_rules = [rule for rule in rules if isinstance(rule, LineRule)]
    line_rules.sort(key=lambda rule: not rule.whole_line)
    hits = []
    for position, text in enumerate(texts):
        hit = None if position in claimed else _first_line_hit(line_rules, text, position)
        if hit is not None:
            hits.append(hit)
            claimed.add(position)
    return hits


def _first_line_hit(rules: Sequence[LineRule], text: str, position: int) -> _Hit | None:
    for rule in rules:
        found = rule.match(text)
        if found is not None:
            return _Hit(position, position, rule.info, found)
    return None


def _template_hits(
    lines: Sequence[str], positions: Sequence[int], claimed: set[int], learned: frozenset[str]
) -> list[_Hit]:
    if not learned:
        return []
    return [
        _Hit(position, position, _LEARNED)
        for position, index in enumerate(positions)
        if position not in claimed and normalise_line(lines[index]) in learned
    ]


def _assemble(lines: Sequence[str], positions: Sequence[int], hits: Sequence[_Hit]) -> Cleaned:
    removed = {position for hit in hits for position in range(hit.first, hit.last + 1)}
    kept = tuple(
        lines[index] for position, index in enumerate(positions) if position not in removed
    )
    removals = tuple(_removal(lines, positions, hit) for hit in hits)
    found = tuple(dict.fromkeys(pair for hit in hits for pair in hit.found))
    return Cleaned(lines=kept, removals=removals, found=found)


def _removal(lines: Sequence[str], positions: Sequence[int], hit: _Hit) -> Removal:
    text = "\n".join(lines[positions[p]] for p in range(hit.first, hit.last + 1))
    info = hit.info
    start, end = positions[hit.first], positions[hit.last] + 1
    return Removal(info.name, info.version, info.category, text, start, end)

"""`clean_lines`: take boilerplate out of a body, recording each span and what it named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.boilerplate.blocks import Roles, find_blocks
from extractors.boilerplate.gates import Line
from extractors.boilerplate.plan import Plan
from extractors.boilerplate.rules import Found, LineRule, RuleInfo, match_form
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
    forms = [Line(match_form(lines[index])) for index in positions]
    plan = ruleset.plan_for(source_id)
    masks = [plan.candidates(form.folded) for form in forms]
    claimed: set[int] = set()
    hits = _block_hits(plan, forms, masks, claimed)
    hits += _line_hits(plan, forms, masks, claimed)
    if ruleset.enabled(LEARNED_RULE, source_id):
        hits += _template_hits(lines, positions, claimed, frozenset(learned))
    return _assemble(lines, positions, sorted(hits, key=lambda hit: hit.first))


def _block_hits(
    plan: Plan, forms: Sequence[Line], masks: Sequence[int], claimed: set[int]
) -> list[_Hit]:
    # Blocks go first: their lines must not be taken one by one by narrower line rules.
    hits = []
    for n, rule in enumerate(plan.block_rules):
        bit = plan.block_bit(n)
        maybe = (position for position, mask in enumerate(masks) if mask & bit)
        anchors = {p: anchor for p in maybe if (anchor := rule.anchor(forms[p])) is not None}
        spans = find_blocks(rule, Roles(rule, forms, anchors), claimed) if anchors else []
        hits += [_Hit(span.first, span.last, rule.info, span.found) for span in spans]
    return hits


def _line_hits(
    plan: Plan, forms: Sequence[Line], masks: Sequence[int], claimed: set[int]
) -> list[_Hit]:
    hits = []
    for position, form in enumerate(forms):
        if not masks[position] & plan.line_bits or position in claimed:
            continue
        hit = _first_line_hit(plan.line_candidates(masks[position]), form, position)
        if hit is not None:
            hits.append(hit)
            claimed.add(position)
    return hits


def _first_line_hit(rules: Iterable[LineRule], line: Line, position: int) -> _Hit | None:
    for rule in rules:
        found = rule.match(line)
        if found is not None:
            return _Hit(position, position, rule.info, found)
    return None


def _template_hits(
    lines: Sequence[str], positions: Sequence[int], claimed: set[int], learned: frozenset[str]
) -> list[_Hit]:
    if not learned:
        return []
    hits = [
        _Hit(position, position, _LEARNED)
        for position, index in enumerate(positions)
        if position not in claimed and normalise_line(lines[index]) in learned
    ]
    # Never all that is left: an emptied page would fail, drop out of what the source's
    # templates are learned from, and come back once they no longer include its lines.
    return hits if len(hits) + len(claimed) < len(positions) else []


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

"""Finding multi-line blocks (appeals, newsletter and paywall boxes) in a list of lines.

A block is anchored by a heading (START) and/or a button label (BUTTON). Between anchors
any line in the publisher's voice or on the block's topic is taken; where one side has no
anchor, the block only reaches as far as lines that are appeal-like on their own (STRICT),
so an article paragraph next to an appeal is never swallowed with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractors.boilerplate.gates import Line
from extractors.boilerplate.rules import BlockRule, Found, Role

_BODY = (Role.START, Role.STRICT, Role.LOOSE, Role.QUOTED)
_UNANCHORED_BODY = (Role.STRICT, Role.LOOSE)


class Roles:
    """Each line's role for one block rule: anchors known up front, the rest on demand.

    Lines are only looked at within `max_lines` of an anchor, so a body without headings or
    buttons costs nothing beyond finding that out.
    """

    def __init__(
        self, rule: BlockRule, lines: Sequence[Line], anchors: Mapping[int, tuple[Role, Found]]
    ) -> None:
        self.rule, self.lines, self.anchors = rule, lines, anchors
        self._known: dict[int, tuple[Role, Found]] = dict(anchors)

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, position: int) -> tuple[Role, Found]:
        known = self._known.get(position)
        if known is None:
            known = self._known[position] = (self.rule.body_role(self.lines[position]), ())
        return known

    def span_found(self, first: int, last: int) -> Found:
        return tuple(pair for position in range(first, last + 1) for pair in self[position][1])


@dataclass(frozen=True)
class Span:
    """Positions `first`..`last` (inclusive) of one block, and what its anchors named."""

    first: int
    last: int
    found: Found


def find_blocks(rule: BlockRule, roles: Roles, claimed: set[int]) -> list[Span]:
    """Blocks of `rule` not overlapping `claimed`, which is extended with their positions."""
    spans: list[Span] = []
    position = 0
    for anchor in sorted(roles.anchors):  # a block starts or ends at an anchor
        if anchor < position:
            continue
        span = _block_at(rule, roles, anchor, claimed)
        if span is None:
            continue
        spans.append(span)
        claimed.update(range(span.first, span.last + 1))
        position = span.last + 1
    return spans


def _block_at(rule: BlockRule, roles: Roles, position: int, claimed: set[int]) -> Span | None:
    if position in claimed:
        return None
    if roles[position][0] is Role.START:
        return _forward(rule, roles, position, claimed)
    if roles[position][0] is Role.BUTTON:
        return _backward(rule, roles, position, claimed)
    return None


def _forward(rule: BlockRule, roles: Roles, first: int, claimed: set[int]) -> Span | None:
    limit = min(len(roles), first + rule.max_lines)
    position = first + 1
    while position < limit and position not in claimed:
        role = roles[position][0]
        if role is Role.BUTTON:
            return _span(roles, first, _last_button(roles, position, limit, claimed))
        if role not in _BODY:
            break
        position += 1
    last = _last_strict_before_quote(roles, first + 1, position)
    return None if last is None else _span(roles, first, last)


def _last_strict_before_quote(roles: Roles, start: int, stop: int) -> int | None:
    last = None
    for position in range(start, stop):
        if roles[position][0] is Role.QUOTED:
            break
        if roles[position][0] is Role.STRICT:
            last = position
    return last


def _backward(rule: BlockRule, roles: Roles, button: int, claimed: set[int]) -> Span | None:
    last = _last_button(roles, button, min(len(roles), button + rule.max_lines), claimed)
    first, saw_start = _scan_back(rule, roles, button, claimed)
    if not saw_start:
        while first < button and roles[first][0] is not Role.STRICT:
            first += 1
    return None if first == button and not saw_start else _span(roles, first, last)


def _scan_back(rule: BlockRule, roles: Roles, button: int, claimed: set[int]) -> tuple[int, bool]:
    """Earliest line of the block ending at `button`, and whether a heading opens it."""
    first, saw_start = button, False
    position = button - 1
    while position >= 0 and button - position < rule.max_lines and position not in claimed:
        role = roles[position][0]
        if role is not Role.START and (saw_start or role not in _UNANCHORED_BODY):
            break
        first, saw_start = position, saw_start or role is Role.START
        position -= 1
    return first, saw_start


def _last_button(roles: Roles, button: int, limit: int, claimed: set[int]) -> int:
    # "Donate now" is often followed by "Maybe later": one block, not a block and a stray.
    last = button
    while last + 1 < limit and last + 1 not in claimed and roles[last + 1][0] is Role.BUTTON:
        last += 1
    return last


def _span(roles: Roles, first: int, last: int) -> Span:
    return Span(first, last, roles.span_found(first, last))

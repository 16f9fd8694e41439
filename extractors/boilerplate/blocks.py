"""Finding multi-line blocks (appeals, newsletter and paywall boxes) in a list of lines.

A block is anchored by a heading (START) and/or a button label (BUTTON). Between anchors
any line in the publisher's voice or on the block's topic is taken; where one side has no
anchor, the block only reaches as far as lines that are appeal-like on their own (STRICT),
so an article paragraph next to an appeal is never swallowed with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.boilerplate.rules import BlockRule, Found, Role

_BODY = (Role.START, Role.STRICT, Role.LOOSE, Role.QUOTED)
_UNANCHORED_BODY = (Role.STRICT, Role.LOOSE)

Roles = Sequence[tuple[Role, Found]]


@dataclass(frozen=True)
class Span:
    """Positions `first`..`last` (inclusive) of one block, and what its anchors named."""

    first: int
    last: int
    found: Found


def find_blocks(rule: BlockRule, texts: Sequence[str], claimed: set[int]) -> list[Span]:
    """Blocks of `rule` not overlapping `claimed`, which is extended with their positions."""
    roles = [rule.role(text) for text in texts]
    spans: list[Span] = []
    position = 0
    while position < len(texts):
        span = _block_at(rule, roles, position, claimed)
        if span is None:
            position += 1
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
    found = tuple(pair for role, pairs in roles[first : last + 1] for pair in pairs)
    return Span(first, last, found)

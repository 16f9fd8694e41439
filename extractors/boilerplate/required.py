"""What any line a pattern finds must contain: sets of literals, one of each set present.

Literals are folded (`prefilter.fold`) and may carry two zero-width marks, so that a short
word is not mistaken for part of a longer one: WORD_EDGE where the pattern has `\\b`
("\\x00us\\x00" is "us" as a word, not inside "because") and LINE_START where it has `^`.
A set containing the empty literal would say nothing and is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from extractors.boilerplate.literals import LINE_START, MARKS, WORD_EDGE, Strings, selectivity
from extractors.boilerplate.prefilter import class_chars, fold_char, parse, sre

MAX_RUN = 256  # literal alternatives followed through one run before it is cut


def required_literal_sets(pattern: re.Pattern[str], items: Any = None) -> tuple[Strings, ...]:
    """Sets each of which has a member in every line `pattern` (or the part of it that is
    `items`) finds, most selective first."""
    candidates = _seq_candidates(parse(pattern) if items is None else items, frozenset({""}))
    if pattern.flags & re.ASCII or "(?a" in pattern.pattern:
        # An ASCII `\b` is not the Unicode one the marks are checked with.
        candidates = [frozenset(t.replace(WORD_EDGE, "") for t in s) for s in candidates]
    return tuple(sorted(set(candidates), key=selectivity, reverse=True))


def _seq_required(items: Iterable[Any], prefix: Strings) -> Strings | None:
    candidates = _seq_candidates(items, prefix)
    return max(candidates, key=selectivity) if candidates else None


def _seq_candidates(items: Iterable[Any], prefix: Strings) -> list[Strings]:
    """Every literal run of `items` (the first one continuing `prefix`), and what nested
    groups require; each is a set one member of which any match contains."""
    candidates: list[Strings] = []
    run = set(prefix)
    for op, av in items:
        strings = _exact_strings(op, av)
        if strings is not None:
            joined = {text + more for text in run for more in strings}
            if len(joined) <= MAX_RUN:
                run = joined
                continue
            candidates.append(frozenset(run))
            run = set(strings)
            continue
        candidates.append(frozenset(run))
        inner = _item_required(op, av, frozenset(run))
        if inner is not None:
            candidates.append(inner)
        run = {""}
    candidates.append(frozenset(run))
    sound = (frozenset(map(_sound_marks, strings)) for strings in candidates)
    return [strings for strings in sound if _usable(strings)]


def _usable(strings: Strings) -> bool:
    return bool(strings) and all(text.strip(MARKS) for text in strings)


# Folding makes Greek iota the combining ypogegrammeni, a word character a non-word one.
_UNSURE_WORD = "\u0345"


def _sound_marks(literal: str) -> str:
    """The literal with only the marks the folded line can check: a word edge right
    before or after the literal's word characters, a line start at its start."""
    body = literal.strip(MARKS)
    if not body:
        return literal
    head, tail = literal[: literal.index(body)], literal[len(literal.rstrip(MARKS)) :]
    head = "".join(m for m in head if m == LINE_START or _checkable(body[0]))
    tail = tail.replace(LINE_START, "") if _checkable(body[-1]) else ""
    return head + body.replace(WORD_EDGE, "").replace(LINE_START, "") + tail


def _checkable(char: str) -> bool:
    return (char.isalnum() or char == "_") and char != _UNSURE_WORD


def _exact_strings(op: Any, av: Any) -> list[str] | None:
    """All the (folded) texts an item can match, when they are few; else None."""
    if op is sre.LITERAL:
        return [fold_char(chr(av))]
    if op is sre.IN:
        return class_chars(av)
    if op is sre.AT:
        return [_AT_MARKS.get(av, "")]
    if op is sre.SUBPATTERN:
        return _exact_sequence(av[3])
    if op is sre.BRANCH:
        return _exact_branch(av[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] <= 1:
        return _exact_optional(*av)
    return None


def _exact_optional(least: int, most: int, body: Any) -> list[str] | None:
    if most == 0:
        return [""]
    texts = _exact_sequence(body)
    return None if texts is None else [*texts, ""] if least == 0 else texts


def _exact_sequence(items: Iterable[Any]) -> list[str] | None:
    texts = [""]
    for op, av in items:
        strings = _exact_strings(op, av)
        if strings is None or len(texts) * len(strings) > MAX_RUN:
            return None
        texts = [text + more for text in texts for more in strings]
    return texts


def _exact_branch(alternatives: Iterable[Any]) -> list[str] | None:
    texts: list[str] = []
    for alternative in alternatives:
        strings = _exact_sequence(alternative)
        if strings is None or len(texts) + len(strings) > MAX_RUN:
            return None
        texts += strings
    return texts


def _item_required(op: Any, av: Any, prefix: Strings) -> Strings | None:
    """What a group, alternation or repeat requires; `prefix` is what comes right before."""
    if op is sre.SUBPATTERN:
        return _seq_required(av[3], prefix)
    if op is sre.ATOMIC_GROUP:
        return _seq_required(av, prefix)
    if op is sre.ASSERT:  # what a lookaround sees is in the line too
        return _seq_required(av[1], prefix if av[0] == 1 else frozenset({""}))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] > 0:
        return _seq_required(av[2], prefix)
    if op is sre.BRANCH:
        alternatives = [_seq_required(alternative, prefix) for alternative in av[1]]
        if any(found is None for found in alternatives):
            return None
        return frozenset().union(*(found for found in alternatives if found is not None))
    return None


_AT_MARKS = {
    sre.AT_BOUNDARY: WORD_EDGE,
    sre.AT_BEGINNING: LINE_START,
    sre.AT_BEGINNING_STRING: LINE_START,
}

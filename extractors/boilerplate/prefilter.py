"""Necessary conditions for a rule pattern to match, cheap enough to test on every line.

Python's `re` tries a case-insensitive alternation such as `\\b(?:said|says|told|...)` at
every position of a line, which makes a single search cost tens of microseconds; most lines
match no rule at all. So each pattern is read (from its parse tree, never by hand) for what
any match must contain, and the pattern only runs when the line has it:

- `match_starts`: for whole-line patterns, the strings (at most PREFIX_CHARS long) one of
  which the line must start with;
- `required_literal_sets` (`required.py`): sets of strings, one string of each set must
  occur somewhere in the line.

Both are in `fold`ed form: the case folding that `re.IGNORECASE` applies to literals, so
that a pattern literal can only match a text character with the same fold. A condition
that cannot be derived is None, and the pattern then always runs: the filter may let a
line through needlessly, never hold back a line the pattern would match.
"""

from __future__ import annotations

import _sre
import importlib
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # the parser `re` itself uses
sre: Any = importlib.import_module("re._constants")
_casefix: Any = importlib.import_module("re._casefix")

PREFIX_CHARS = 10
MAX_STRINGS = 4096  # beyond this many alternatives, prefixes are cut shorter
MAX_CLASS = 8  # a character class of up to this many literals is expanded
Strings = frozenset[str]


def _canonical_table() -> dict[int, int]:
    # Characters `re` treats as case-equivalent beyond simple lower case (i/ı, s/ſ, σ/ς, ...).
    table = {}
    for lower, others in _casefix._EXTRA_CASES.items():
        table[lower] = min((lower, *others))
    return {key: value for key, value in table.items() if key != value}


_CANONICAL = _canonical_table()
_NEEDS_CANONICAL = re.compile("[" + "".join(map(chr, sorted(_CANONICAL))) + "]")
_DOTTED_CAPITAL_I = "\u0130"  # the one letter whose full lower case is two characters


def fold_char(char: str) -> str:
    """One character as `re.IGNORECASE` compares it: simple lower case, then canonical."""
    lower = _sre.unicode_tolower(ord(char))
    return chr(_CANONICAL.get(lower, lower))


def fold(text: str) -> str:
    """`fold_char` of every character, fast: `str.lower` agrees with it but for two cases."""
    if _DOTTED_CAPITAL_I in text:
        text = text.replace(_DOTTED_CAPITAL_I, "i")
    folded = text.lower()
    if not folded.isascii() and _NEEDS_CANONICAL.search(folded):
        folded = folded.translate(_CANONICAL)
    return folded


def parse(pattern: re.Pattern[str]) -> Any:
    return _parse(pattern.pattern, pattern.flags)


@lru_cache(maxsize=4096)
def _parse(source: str, flags: int) -> Any:
    # Parse trees are only read here, so one may be shared by every derivation.
    return _parser.parse(source, flags)


def class_chars(av: Any) -> list[str] | None:
    """The literal characters of a small `[...]` class, or None for ranges, categories."""
    if len(av) > MAX_CLASS or any(op is not sre.LITERAL for op, _ in av):
        return None
    return sorted({fold_char(chr(code)) for _, code in av})


# --- match_starts ------------------------------------------------------------------------

# A start is (text, open): `open` when what follows in the pattern continues the text.
Start = tuple[str, bool]


def match_starts(pattern: re.Pattern[str]) -> Strings | None:
    """Folded strings one of which every whole-line match starts with; None if unknown."""
    return starts_of(parse(pattern))


def starts_of(items: Iterable[Any]) -> Strings | None:
    starts = _seq_starts(items)
    if starts is None or any(text == "" for text, _ in starts):
        return None
    return frozenset(text for text, _ in starts)


def top_alternatives(pattern: re.Pattern[str]) -> list[Any]:
    """The alternatives of a pattern that is one alternation `a|b|c`; else []."""
    tree = parse(pattern)
    if len(tree) == 1 and tree[0][0] is sre.BRANCH:
        return list(tree[0][1][1])
    return []


def _seq_starts(items: Iterable[Any]) -> set[Start] | None:
    states: set[Start] = {("", True)}
    for op, av in items:
        growing = {text for text, is_open in states if is_open and len(text) < PREFIX_CHARS}
        if not growing:
            break
        done = {(text, False) for text, is_open in states if not is_open or text not in growing}
        states = done | _extend(growing, _item_starts(op, av))
    return _limit(states)


def _extend(texts: set[str], item: set[Start] | None) -> set[Start]:
    if item is None:  # any character may come next: the texts end here
        return {(text, False) for text in texts}
    extended = set()
    for text in texts:
        for more, is_open in item:
            joined = text + more
            extended.add((joined[:PREFIX_CHARS], is_open and len(joined) < PREFIX_CHARS))
    return extended


def _limit(states: set[Start]) -> set[Start]:
    width = PREFIX_CHARS
    while len(states) > MAX_STRINGS and width > 1:
        width -= 1
        states = {(text[:width], False) for text, _ in states}
    return states


def _item_starts(op: Any, av: Any) -> set[Start] | None:
    if op is sre.LITERAL:
        return {(fold_char(chr(av)), True)}
    if op is sre.IN:
        chars = class_chars(av)
        return None if chars is None else {(char, True) for char in chars}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {("", True)}  # zero-width: takes no characters
    if op is sre.SUBPATTERN:
        return _seq_starts(av[3])
    if op is sre.ATOMIC_GROUP:
        return _seq_starts(av)
    if op is sre.BRANCH:
        return _branch_starts(av[1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        return _repeat_starts(*av)
    return None


def _branch_starts(alternatives: Iterable[Any]) -> set[Start] | None:
    union: set[Start] = set()
    for alternative in alternatives:
        starts = _seq_starts(alternative)
        if starts is None:
            return None
        union |= starts
    return union


def _repeat_starts(least: int, most: int, body: Any) -> set[Start] | None:
    starts = _seq_starts(body)
    if starts is None:
        return None if least > 0 else {("", True), ("", False)}
    if most != 1:  # a second repetition may follow the first: the text cannot go on
        starts = {(text, False) for text, _ in starts}
    return starts | {("", True)} if least == 0 else starts

"""Finding out fast which of many literals a (folded) line may contain.

`re` scans a line quickly for the *first character* of a pattern and only then tries the
rest, so an alternation of literals costs about one attempt per position whose character
can start a literal. Literals starting with "s", "t" or a space make that almost every
position. Each literal is therefore searched by its `anchored` form: the part from its
rarest character on ("upport" is found wherever "support" is). Finding the anchored form
is necessary, not sufficient: `literal_index.py` then checks the literals themselves
where their forms were found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

Strings = frozenset[str]
Search = Callable[[str], "re.Match[str] | None"]

# Zero-width marks inside a literal (see `required.py`): a word edge (`\b`), the line start.
WORD_EDGE, LINE_START = "\x00", "\x01"
MARKS = WORD_EDGE + LINE_START
_MARK_SOURCES = {WORD_EDGE: r"\b", LINE_START: r"\A"}

# Letters by how common they are in running text of newsflow's languages, most common first.
_BY_FREQUENCY = (
    " etaoinsrhldcumwfgypbvkjxqz",
    " оаеинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
    " оанивітерсклудмпязбгчьйхжшюцщєфїґ",
)
_COMMON_MARKS = ".,'-\""
# Anchored forms shorter than MIN_ANCHORED turn up by chance; SHORTEST_ANCHORED is the limit.
MIN_ANCHORED, SHORTEST_ANCHORED = 4, 3


@cache
def rarity(char: str) -> float:
    """0 for a space, towards 1 for rarer letters; 1 for anything not in the tables."""
    ranks = [table.index(char) / len(table) for table in _BY_FREQUENCY if char in table]
    if ranks:
        return min(ranks)
    return 0.5 if char in _COMMON_MARKS else 1.0


def unmarked(literal: str) -> str:
    return literal.replace(WORD_EDGE, "").replace(LINE_START, "")


def _quality(form: str) -> float:
    # Long forms are rarely found by chance; a rare first character is rarely tried.
    return min(len(form), 8) * (0.3 + rarity(form[0])) if form else 0.0


@cache
def anchored(literal: str) -> str:
    """The unmarked literal from its rarest character on; a form shorter than
    MIN_ANCHORED characters is only taken when its first character is much rarer."""
    literal = unmarked(literal)
    last = max(1, len(literal) - SHORTEST_ANCHORED + 1)
    return max((literal[start:] for start in range(last)), key=_anchor_score)


def _anchor_score(form: str) -> tuple[float, int]:
    short = len(form) < MIN_ANCHORED
    return rarity(form[0]) - (0.35 if short else 0.0), len(form)


def _marks(literal: str) -> int:
    return len(literal) - len(unmarked(literal))


def selectivity(strings: Strings) -> tuple[float, int]:
    """Higher for sets less likely to be found in ordinary text: long, rare, few; a marked
    edge makes a literal rarer ("us" as a word, not in "because")."""
    worst = min(_quality(anchored(text)) + _marks(text) / 2 for text in strings)
    return worst, -len(strings)


def literal_search(literals: Iterable[str]) -> Search:
    """A search finding something in exactly the folded lines that contain one of the
    (marked) `literals`."""
    kept = [_marks_after_first(text) for text in shortest(literals)]
    return re.compile("" if kept == [""] else trie_source(kept, "")).search


# A literal's leading marks are checked after its first character, as a lookbehind, so the
# search can still skip along to positions holding a first character.
_AFTER_FIRST = {WORD_EDGE: "\x02", LINE_START: "\x03", LINE_START + WORD_EDGE: "\x04"}
_LOOKBEHIND = {"\x02": r"\b", "\x03": r"\A", "\x04": r"\A\b"}


def _marks_after_first(literal: str) -> str:
    body = literal.lstrip(MARKS)
    leading = "".join(sorted(set(literal[: len(literal) - len(body)]), reverse=True))
    if not leading or not body:
        return literal
    return body[0] + _AFTER_FIRST[leading] + body[1:]


def shortest(literals: Iterable[str]) -> list[str]:
    # Finding "upport" is enough to know about "support" and "supporters".
    kept: list[str] = []
    for literal in sorted(set(literals), key=len):
        if not any(shorter in literal for shorter in kept):
            kept.append(literal)
    return sorted(kept)


def trie_source(literals: list[str], previous: str = "") -> str:
    # As a trie, `re` tries one branch per first character, not every literal in turn.
    heads: dict[str, list[str]] = {}
    for literal in literals:
        heads.setdefault(literal[0], []).append(literal[1:])
    branches = [
        _char_source(head, previous) + ("" if tails == [""] else trie_source(tails, head))
        for head, tails in heads.items()
    ]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _char_source(char: str, previous: str) -> str:
    if char in _LOOKBEHIND:
        return f"(?<={_LOOKBEHIND[char]}{re.escape(previous)})"
    return _MARK_SOURCES.get(char) or re.escape(char)

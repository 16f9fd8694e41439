"""Which gates' literals a line contains, found in one pass over the line.

Every literal of every gate is searched for by its `anchored` form, all forms together
in one pattern. Where a form is found, each literal it may belong to is checked in place
(its text, and its marks: a word edge, the line start). A gate is satisfied when every one
of its literal sets has a literal present, exactly as if each set had been searched for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.boilerplate.literals import (
    LINE_START,
    MARKS,
    Strings,
    anchored,
    rarity,
    shortest,
    trie_source,
    unmarked,
)


@dataclass(frozen=True)
class _Literal:
    """A literal as text (`body`) and the positions in it of its marks."""

    body: str
    marks: tuple[tuple[int, str], ...]

    @classmethod
    def parse(cls, literal: str) -> _Literal:
        marks, offset = [], 0
        for index, char in enumerate(literal):
            if char in MARKS:
                marks.append((index - offset, char))
                offset += 1
        return cls(unmarked(literal), tuple(marks))

    def marks_hold(self, text: str, start: int) -> bool:
        """Whether the marks hold for the literal's text found in `text` at `start`."""
        for index, mark in self.marks:
            where = start + index
            if mark == LINE_START:
                if where != 0:
                    return False
            elif _is_word(text, where - 1) == _is_word(text, where):
                return False
        return True


def _is_word(text: str, index: int) -> bool:
    # What `\w` matches in a str pattern; outside the text is not a word character.
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    return char.isalnum() or char == "_"


# Where a form was found, a text that may be there: it starts `delta` characters before
# the form; each literal with that text, and the sets its presence satisfies (a bit mask).
_Variants = list[tuple[_Literal, int]]
_Check = tuple[int, str, _Variants]


# Sets with a shorter form ("us", "we") or one starting with a common letter are left to
# the gates themselves: searching every line for them would cost more than it saves.
MIN_FORM = 4
MIN_RARITY = 0.3
MAX_SCANNED = 2  # literals of one set looked for one by one


class LiteralIndex:
    """Gates (bit, literal sets) satisfied by a folded line: `satisfied(folded)`.

    Only some of a gate's literal sets are looked at: those whose forms are all cheap to
    search for, or else the one with the fewest that are not; those few are looked for
    one by one with `str.find`. A satisfied gate is a candidate, still to be checked in
    full by its rule.
    """

    def __init__(self, gates: Iterable[tuple[int, Sequence[Strings]]]) -> None:
        self._gates: list[tuple[int, int]] = []  # (gate bit, mask of its sets)
        literal_sets: dict[str, int] = {}
        number = 0
        for bit, need_sets in gates:
            mask = 0
            for strings in _searchable(need_sets):
                for literal in strings:
                    literal_sets[literal] = literal_sets.get(literal, 0) | 1 << number
                mask |= 1 << number
                number += 1
            self._gates.append((bit, mask))
        searched = {text: sets for text, sets in literal_sets.items() if _cheap(text)}
        forms = shortest(anchored(literal) for literal in searched)
        self._search = re.compile(trie_source(forms)).search if forms else None
        self._checks = _checks_by_form(forms, searched)
        self._scanned = _by_body(t for t in literal_sets.items() if t[0] not in searched)
        # A line of ASCII only cannot contain a literal that is not.
        self._scanned_ascii = [entry for entry in self._scanned if entry[0].isascii()]

    def satisfied(self, folded: str) -> int:
        present = self._searched_sets(folded) | self._scanned_sets(folded)
        if not present:
            return 0
        bits = 0
        for bit, mask in self._gates:
            if present & mask == mask:
                bits |= bit
        return bits

    def _searched_sets(self, folded: str) -> int:
        search, checks, present = self._search, self._checks, 0
        found = search(folded) if search is not None else None
        while found is not None:
            at = found.start()
            for delta, body, variants in checks[found.group()]:
                if at >= delta and folded.startswith(body, at - delta):
                    present |= _holding(variants, folded, at - delta, present)
            # Forms never contain one another, so each position holds at most one form.
            found = search(folded, at + 1)  # type: ignore[misc]
        return present

    def _scanned_sets(self, folded: str) -> int:
        present = 0
        for body, variants in self._scanned_ascii if folded.isascii() else self._scanned:
            start = folded.find(body)
            while start >= 0:
                present |= _holding(variants, folded, start, present)
                start = folded.find(body, start + 1)
        return present


def _holding(variants: _Variants, folded: str, start: int, present: int) -> int:
    """The sets satisfied by the literals of one text found at `start`, marks checked."""
    sets = 0
    for literal, satisfies in variants:
        if satisfies & ~present & ~sets and literal.marks_hold(folded, start):
            sets |= satisfies
    return sets


def _searchable(need_sets: Sequence[Strings]) -> Sequence[Strings]:
    """The sets a gate is checked by: every cheap one, and when that makes fewer than two,
    the one with the fewest literals to look for one by one (if few, and long enough)."""
    cheap = [strings for strings in need_sets if not _unsearched(strings)]
    scanned = [s for s in need_sets if s not in cheap and _scanned_in(s) is not None]
    if len(cheap) < 2 and scanned:
        cheap.append(min(scanned, key=lambda strings: len(_unsearched(strings))))
    return cheap or [min(need_sets, key=lambda strings: len(_unsearched(strings)))]


def _unsearched(strings: Strings) -> set[str]:
    return {unmarked(text) for text in strings if not _cheap(text)}


def _scanned_in(strings: Strings) -> set[str] | None:
    bodies = _unsearched(strings)
    if len(bodies) > MAX_SCANNED or any(len(body) < MIN_FORM for body in bodies):
        return None
    return bodies


def _cheap(literal: str) -> bool:
    form = anchored(literal)
    return len(form) >= MIN_FORM and rarity(form[0]) >= MIN_RARITY


def _by_body(literal_sets: Iterable[tuple[str, int]]) -> list[tuple[str, _Variants]]:
    bodies: dict[str, _Variants] = {}
    for text, sets in literal_sets:
        literal = _Literal.parse(text)
        bodies.setdefault(literal.body, []).append((literal, sets))
    return list(bodies.items())


def _checks_by_form(forms: Sequence[str], literal_sets: dict[str, int]) -> dict[str, list[_Check]]:
    # A literal is found through the forms inside its anchored form, which is its end.
    grouped: dict[str, dict[tuple[int, str], _Variants]] = {form: {} for form in forms}
    for text, sets in literal_sets.items():
        literal = _Literal.parse(text)
        anchor = anchored(text)
        before = len(literal.body) - len(anchor)
        for form in (form for form in forms if form in anchor):
            for offset in _offsets(anchor, form):
                key = (before + offset, literal.body)
                grouped[form].setdefault(key, []).append((literal, sets))
    return {
        form: [(delta, body, variants) for (delta, body), variants in by_text.items()]
        for form, by_text in grouped.items()
    }


def _offsets(body: str, form: str) -> Iterable[int]:
    start = body.find(form)
    while start >= 0:
        yield start
        start = body.find(form, start + 1)

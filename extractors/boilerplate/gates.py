"""Rule patterns behind their prefilters: a pattern runs only on lines that pass its gate.

A gate is derived from the pattern itself (`prefilter.py`), so it only ever says "cannot
match" when the pattern indeed cannot: results are those of running every pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from extractors.boilerplate.literals import Search, Strings, literal_search, selectivity
from extractors.boilerplate.prefilter import fold, match_starts, starts_of, top_alternatives
from extractors.boilerplate.required import required_literal_sets


class Line:
    """One line as rules see it (`text`) and folded for the prefilters (`folded`)."""

    __slots__ = ("folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)


class Gate:
    """What a line needs before a pattern is worth running on it.

    `starts`: the folded line must start with one of them (whole-line patterns);
    `needs`: each search must find something in the folded line; `parts`: gates of the
    alternatives of `a|b|c`, one of which must admit the line. No condition: always run.
    """

    __slots__ = ("_needs", "lengths", "need_sets", "parts", "starts")

    def __init__(
        self, starts: Strings | None, needs: Sequence[Strings], parts: Sequence[Gate] = ()
    ) -> None:
        self.starts = starts
        self.lengths = tuple(sorted({len(text) for text in starts})) if starts else ()
        self.need_sets = tuple(sorted(needs, key=selectivity, reverse=True))
        self.parts = tuple(parts)
        self._needs: tuple[Search, ...] | None = None

    @property
    def needs(self) -> tuple[Search, ...]:
        # Compiled on first use: most gates are only ever consulted through a Plan's index.
        if self._needs is None:
            self._needs = tuple(literal_search(strings) for strings in self.need_sets)
        return self._needs

    @classmethod
    def for_pattern(cls, pattern: re.Pattern[str], whole_line: bool) -> Gate:
        starts = match_starts(pattern) if whole_line else None
        if starts is not None:
            return cls(starts, ())
        whole = cls(None, required_literal_sets(pattern))
        if not whole_line:
            return whole
        # "prefix ...|.{0,150} middle ...": each alternative is gated on its own.
        parts = [cls._alternative(pattern, items) for items in top_alternatives(pattern)]
        if not parts or any(part.is_open for part in parts):
            return whole
        return cls(None, (), parts)

    @classmethod
    def _alternative(cls, pattern: re.Pattern[str], items: Any) -> Gate:
        starts = starts_of(items)
        if starts is not None:
            return cls(starts, ())
        return cls(None, required_literal_sets(pattern, items))

    @classmethod
    def all_of(cls, gates: Iterable[Gate]) -> Gate:
        """One gate for patterns that must all match (a sentence rule)."""
        return cls(None, [needs for gate in gates for needs in gate.need_sets])

    @property
    def is_open(self) -> bool:
        """True when the gate lets every line through."""
        return self.starts is None and not self.need_sets and not self.parts

    def admits(self, folded: str) -> bool:
        if self.parts:
            return any(part.admits(folded) for part in self.parts)
        # Loops, not any()/all() over generators: this runs for every line.
        if self.starts is not None:
            for length in self.lengths:  # noqa: SIM110
                if folded[:length] in self.starts:
                    return True
            return False
        for search in self.needs:  # noqa: SIM110
            if search(folded) is None:
                return False
        return True


Gated = tuple[tuple[re.Pattern[str], Gate], ...]


def gated(patterns: Iterable[re.Pattern[str]], whole_line: bool) -> Gated:
    return tuple((pattern, Gate.for_pattern(pattern, whole_line)) for pattern in patterns)


def any_found(patterns: Gated, line: Line) -> bool:
    for pattern, gate in patterns:  # noqa: SIM110  (a loop is cheaper than any() here)
        if gate.admits(line.folded) and pattern.search(line.text):
            return True
    return False


def full_matches(patterns: Gated, line: Line) -> Iterable[re.Match[str]]:
    """Whole-line matches of `patterns`, in order, skipping those the gates rule out."""
    for pattern, gate in patterns:
        if gate.admits(line.folded):
            match = pattern.fullmatch(line.text)
            if match:
                yield match

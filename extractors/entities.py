"""Named entities without a model: capitalised phrases, sorted into who, where and what.

Plain heuristics, good enough to describe a story and to search for it:
- An entity is a run of capitalised words inside a sentence (``Vladimir Putin``,
  ``Federation Council``), cut after its last title word (``Russian Foreign Minister
  Sergei Lavrov`` -> ``Sergei Lavrov``), with leading stop words (``The``, ``But``) and
  a possessive dropped. A sentence's first word counts only if the texts also capitalise
  it mid-sentence (so ``Meanwhile`` and ``However`` are not entities).
- who: a title came before it (``President Zelensky``), or it is a full name whose
  surname is also used alone; the lone surname then joins the full name (``Putin`` ->
  ``Vladimir Putin``).
- where: at least a quarter of its mentions follow a place preposition (``in Istanbul``,
  ``from the Donbas``).
- what: every other entity (``Kremlin``, ``NATO``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from extractors.terms import WORD, fold

_SENTENCE = re.compile(r"(?<=[.!?…:;])\s+|\n+|[“”\"«»()]")
_CLAUSE = re.compile(r"[,–—/]|\s-\s")
_PLACE_WORDS_TEXT = "in at from near across into to toward towards outside inside around within"
_PLACE_WORDS = frozenset(_PLACE_WORDS_TEXT.split())
_TITLES_TEXT = """president minister prime spokesman spokeswoman spokesperson secretary chancellor
    senator governor mayor general commander leader chairman chairwoman deputy vice speaker
    ambassador envoy king queen prince pope mr mrs ms dr sir lord"""
_TITLES = frozenset(_TITLES_TEXT.split())
_CONNECTORS = frozenset({"of", "de", "du", "la", "von", "van", "al", "bin"})


@dataclass
class EntityStats:
    """What the texts said about one capitalised phrase."""

    text: str
    mentions: int = 0
    documents: set[int] = field(default_factory=set)
    titled: int = 0  # mentions right after a title word
    placed: int = 0  # mentions right after a place preposition
    surname_alone: bool = False  # its last word was also used on its own

    @property
    def kind(self) -> str:
        if self.titled:
            return "who"
        if self.placed * 4 >= self.mentions:
            return "where"
        return "who" if self.surname_alone else "what"


def find_entities(texts: Sequence[str], stop: frozenset[str]) -> list[EntityStats]:
    """Every capitalised phrase of `texts` with its counts, surnames merged into names."""
    found: dict[str, EntityStats] = {}
    known = _capitalised_mid_sentence(texts)
    for index, text in enumerate(texts):
        for phrase, titled, placed in _phrases(text, stop, known):
            stats = found.setdefault(phrase.casefold(), EntityStats(phrase))
            stats.mentions += 1
            stats.documents.add(index)
            stats.titled += titled
            stats.placed += placed
    return _merge_surnames(found)


def _clauses(text: str) -> Iterator[list[str]]:
    """The words of each clause: punctuation ends a run of names (``Sunday, Lavrov``)."""
    for sentence in _SENTENCE.split(text):
        for clause in _CLAUSE.split(sentence):
            yield [m.group(0) for m in WORD.finditer(clause)]


def _capitalised_mid_sentence(texts: Sequence[str]) -> frozenset[str]:
    found: set[str] = set()
    for words in (words for text in texts for words in _clauses(text)):
        found.update(w for i, w in enumerate(words) if i > 0 and _is_capital(words, i))
    return frozenset(found)


def _phrases(
    text: str, stop: frozenset[str], known: frozenset[str]
) -> Iterator[tuple[str, bool, bool]]:
    for words in _clauses(text):
        for start, end in _capitalised_runs(words):
            skip_first = start == 0 and words[0] not in known
            yield from _entity(words, start + skip_first, end, stop)


def _capitalised_runs(words: list[str]) -> Iterator[tuple[int, int]]:
    start = None
    for index, word in enumerate([*words, ""]):
        joins = word in _CONNECTORS and start is not None and _is_capital(words, index + 1)
        if _is_capital(words, index) or joins:
            start = index if start is None else start
        elif start is not None:
            yield start, index
            start = None


def _is_capital(words: list[str], index: int) -> bool:
    return index < len(words) and len(words[index]) > 1 and words[index][0].isupper()


def _entity(
    words: list[str], start: int, end: int, stop: frozenset[str]
) -> Iterator[tuple[str, bool, bool]]:
    """The phrase in words[start:end] after its last title and leading stop words, if any."""
    titles = [i for i in range(start, end) if fold(words[i]) in _TITLES]
    titled = bool(titles)
    start = titles[-1] + 1 if titles else start
    while start < end and fold(words[start]) in stop:
        start += 1
    if start < end:
        before = words[start - 1].casefold() if start > 0 else ""
        before = words[start - 2].casefold() if before == "the" and start > 1 else before
        phrase = " ".join(re.sub(r"['’]s$", "", w) for w in words[start:end])
        yield phrase, titled, before in _PLACE_WORDS


def _merge_surnames(found: dict[str, EntityStats]) -> list[EntityStats]:
    names = [s for s in found.values() if " " in s.text]
    for key, stats in list(found.items()):
        full = [n for n in names if " " not in stats.text and n.text.endswith(" " + stats.text)]
        if len(full) == 1:  # an ambiguous surname (two Johnsons) stays on its own
            _absorb(full[0], stats)
            full[0].surname_alone = True
            del found[key]
    return sorted(found.values(), key=lambda s: (-s.mentions, s.text))


def _absorb(target: EntityStats, other: EntityStats) -> None:
    target.mentions += other.mentions
    target.documents |= other.documents
    target.titled += other.titled
    target.placed += other.placed

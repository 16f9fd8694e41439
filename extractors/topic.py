"""The topic profile: what the seed articles are about, as weighted terms.

Derived from the seed articles' texts (`derive_profile`), shown by `newsflow topic`, and
overridable in `newsflow.toml` (`with_overrides`). Two kinds of terms:

- entities (`extractors.entities`): who (people), where (places), what (organisations
  and other names). A person is matched by surname (``Putin``), so articles that name
  them once in full and then by surname count every mention.
- key words: the other content words, weighted TF-IDF-ish. There is no background corpus
  for a real IDF, so stop words (jusText's frequent-word lists) stand in for the common
  half of the language, and a word must occur in at least two seed articles (one when
  there are fewer than three seeds). Weight = share of seeds that use it x
  (1 + ln(total occurrences)), scaled so the heaviest term weighs 1.

Every term needs at least two mentions. The profile keeps the 15 heaviest entities and
the 25 heaviest key words; ties are broken alphabetically, so a profile is reproducible.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from extractors.entities import EntityStats, find_entities
from extractors.terms import content_tokens, stop_words, tokens

DEFAULT_THRESHOLD = 0.12
MAX_ENTITIES = 15
MAX_KEY_WORDS = 25
KINDS = ("who", "where", "what")


@dataclass(frozen=True)
class TopicTerm:
    text: str  # as shown: "Vladimir Putin"
    key: tuple[str, ...]  # the folded tokens matched in articles: ("putin",)
    weight: float  # 0..1
    kind: str  # who | where | what


@dataclass(frozen=True)
class TopicProfile:
    terms: tuple[TopicTerm, ...]
    threshold: float = DEFAULT_THRESHOLD
    origin: str = ""  # "seeds (5 articles)", "newsflow.toml"
    language: str = "en"

    def of_kind(self, kind: str) -> tuple[TopicTerm, ...]:
        return tuple(term for term in self.terms if term.kind == kind)

    @property
    def is_empty(self) -> bool:
        return not self.terms


def derive_profile(texts: Sequence[str], language: str = "en", origin: str = "") -> TopicProfile:
    stop = stop_words(language)
    min_docs = 2 if len(texts) >= 3 else 1
    entities = _entity_terms(texts, stop, min_docs)
    taken: set[tuple[str, ...]] = {(w,) for entity in entities for w in tokens(entity.text)}
    words = _key_word_terms(texts, stop, min_docs, taken)
    return TopicProfile(_scaled(entities + words), origin=origin, language=language)


def _entity_terms(texts: Sequence[str], stop: frozenset[str], min_docs: int) -> list[TopicTerm]:
    found = find_entities(texts, stop)
    usable = [e for e in found if e.mentions >= 2 and len(e.documents) >= min_docs]
    terms = [_entity_term(e, len(texts)) for e in usable]
    return _heaviest(_unique_keys(terms), MAX_ENTITIES)


def _entity_term(stats: EntityStats, documents: int) -> TopicTerm:
    key = tuple(tokens(stats.text))
    if stats.kind == "who" and len(key) > 1:
        key = key[-1:]  # people are named by surname after the first mention
    weight = len(stats.documents) / documents * (1 + math.log(stats.mentions))
    return TopicTerm(stats.text, key, weight, stats.kind)


def _key_word_terms(
    texts: Sequence[str], stop: frozenset[str], min_docs: int, taken: set[tuple[str, ...]]
) -> list[TopicTerm]:
    per_text = [Counter(content_tokens(text, stop)) for text in texts]
    totals: Counter[str] = sum(per_text, Counter())
    spread = Counter(word for counts in per_text for word in counts)
    terms = [
        TopicTerm(word, (word,), spread[word] / len(texts) * (1 + math.log(total)), "what")
        for word, total in totals.items()
        if total >= 2 and spread[word] >= min_docs and (word,) not in taken
    ]
    return _heaviest(terms, MAX_KEY_WORDS)


def _unique_keys(terms: Iterable[TopicTerm]) -> list[TopicTerm]:
    best: dict[tuple[str, ...], TopicTerm] = {}
    for term in terms:
        if term.key and (term.key not in best or term.weight > best[term.key].weight):
            best[term.key] = term
    return list(best.values())


def _heaviest(terms: Iterable[TopicTerm], count: int) -> list[TopicTerm]:
    return sorted(terms, key=lambda t: (-t.weight, t.text))[:count]


def _scaled(terms: list[TopicTerm]) -> tuple[TopicTerm, ...]:
    top = max((term.weight for term in terms), default=1.0)
    scaled = (replace(term, weight=round(term.weight / top, 3)) for term in terms)
    return tuple(sorted(scaled, key=lambda t: (-t.weight, t.text)))


def configured_term(text: str, kind: str = "what", weight: float = 1.0) -> TopicTerm:
    """A term named in newsflow.toml: matched as written (all its words, in order)."""
    return TopicTerm(text.strip(), tuple(tokens(text)), weight, kind)


def with_overrides(
    profile: TopicProfile,
    *,
    terms: Sequence[TopicTerm] = (),
    extra: Sequence[TopicTerm] = (),
    exclude: Sequence[str] = (),
    threshold: float | None = None,
) -> TopicProfile:
    """`terms` replaces the derived terms, `extra` adds to them, `exclude` drops by text."""
    chosen = list(terms) if terms else [*profile.terms, *extra]
    dropped = {text.casefold() for text in exclude}
    kept = [t for t in _unique_keys(chosen) if t.text.casefold() not in dropped and t.key]
    origin = "newsflow.toml" if terms else profile.origin
    kept.sort(key=lambda t: (-t.weight, t.text))
    return replace(
        profile, terms=tuple(kept), origin=origin, threshold=threshold or profile.threshold
    )

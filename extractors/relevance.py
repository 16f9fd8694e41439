"""How much of the topic an article covers: the relevance score and its threshold.

score = sum over the profile's terms of weight x credit / reference, capped at 1, where a
term's credit is 1 when the article mentions it at least twice, 0.5 for one mention and
0 otherwise (the title counts twice: a headline names what the article is about), and
reference is the summed weight of the profile's 10 heaviest terms. So an article that
fully covers the ten main terms, or an equal weight of others, scores 1; one that names
none of them scores 0, however long it is, and a short brief is not punished for
lacking room to mention forty terms.

An article is on topic when score >= threshold (default 0.12, `[topic] threshold` in
newsflow.toml). Measured against the profile derived from the seeds: each seed scores
1.0 against the profile of the other four; a 60-word wire story on the same events 0.67;
two-sentence briefs 0.15-0.35; unrelated news (sport, weather, markets, science, a
recipe) 0-0.04; news from the same region on another subject (grain exports, interest
rates) 0.06-0.07.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from extractors.terms import tokens
from extractors.topic import TopicProfile

FULL_CREDIT_MENTIONS = 2
REFERENCE_TERMS = 10


def ngram_counts(words: Sequence[str], longest: int) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for size in range(1, longest + 1):
        counts.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return counts


def relevance(profile: TopicProfile, title: str | None, body: str) -> float:
    """The share of the topic's weight that the article covers, 0..1, rounded to 3 places."""
    reference = sum(sorted((t.weight for t in profile.terms), reverse=True)[:REFERENCE_TERMS])
    if reference <= 0:
        return 0.0
    title_words = tokens(title or "")
    longest = max(len(term.key) for term in profile.terms)
    counts = ngram_counts([*title_words, *title_words, *tokens(body)], longest)
    covered = sum(term.weight * _credit(counts[term.key]) for term in profile.terms)
    return round(min(1.0, covered / reference), 3)


def _credit(mentions: int) -> float:
    return min(mentions, FULL_CREDIT_MENTIONS) / FULL_CREDIT_MENTIONS


def is_on_topic(profile: TopicProfile, score: float) -> bool:
    return profile.is_empty or score >= profile.threshold

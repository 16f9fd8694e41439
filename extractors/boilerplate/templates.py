"""Learning a source's template lines: what recurs, verbatim, across its documents.

Recurrence alone is not enough, because a source also repeats *article* text: a short
subheading ("What we know"), a quote carried through a story series, a background paragraph
reused in every follow-up ("Russia launched its full-scale invasion in February 2022.").
Removing those would lose reporting, so a recurring line is only taken as template when:

- it has at least MIN_WORDS words: one- and two-word lines are mostly subheadings and
  datelines, and the short UI labels a template is made of are covered by the rules;
- it does not report speech (said/told/according to ..., the rules' own `said` list in
  six languages): a quote is reporting, however often it is reused;
- it is not an ordinary third-person sentence of PLAIN_SENTENCE_WORDS words or more:
  templates are either short labels or written in the publisher's voice (we/our/you),
  while long declarative sentences without those are what background paragraphs look like.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import cache

from extractors.boilerplate.ruleset import lexicon

MIN_WORDS = 3
PLAIN_SENTENCE_WORDS = 12
_SYMBOL_CATEGORIES = ("Sm", "So", "Sk")  # not "Sc": a currency sign is part of "$2"

# Lines are casefolded before these are applied.
_REPORTED_SPEECH = re.compile(
    r"\b(?:said|says|told|according to|sagte|sagt|erklärte|laut|zufolge|a déclaré|a dit|"
    r"selon|dijo|afirmó|según|сказал\w*|заявил\w*|по словам|сказав|сказала|заявив|заявила|"
    r"за словами)\b"
)
_PUBLISHER_VOICE = re.compile(
    r"\b(?:we|our|us|you|your|wir|uns|unser\w*|ihr\w*|nous|notre|nos|vous|votre|vos|"
    r"nuestr\w+|tu|tus|usted\w*|мы|нас|наш\w*|вы|вас|ваш\w*|ми|ви)\b"
)


@cache
def _said() -> re.Pattern[str]:
    return re.compile(lexicon()["said"], re.IGNORECASE)


def learn_templates(documents: Iterable[Sequence[str]], min_documents: int = 3) -> frozenset[str]:
    """Normalised lines of one source recurring in `min_documents` documents, template-like."""
    return frozenset(template_counts(documents, min_documents))


def template_counts(documents: Iterable[Sequence[str]], min_documents: int = 3) -> dict[str, int]:
    """`learn_templates` with the number of documents each line was found in."""
    if min_documents < 2:
        raise ValueError("min_documents must be at least 2: one document shows no recurrence")
    documents_with_line: Counter[str] = Counter()
    for lines in documents:
        documents_with_line.update({normalise_line(line) for line in lines if line.strip()})
    return {
        line: count
        for line, count in documents_with_line.items()
        if count >= min_documents and may_be_template(line)
    }


def may_be_template(normalised: str) -> bool:
    words = normalised.split()
    if len(words) < MIN_WORDS or _REPORTED_SPEECH.search(normalised) or _said().search(normalised):
        return False
    return len(words) < PLAIN_SENTENCE_WORDS or bool(_PUBLISHER_VOICE.search(normalised))


def normalise_line(line: str) -> str:
    """Casefolded, NFKC, single-spaced and without punctuation at the ends: a template key."""
    text = _fold(line)
    start, end = 0, len(text)
    while start < end and _is_edge_noise(text[start]):
        start += 1
    while end > start and _is_edge_noise(text[end - 1]):
        end -= 1
    return text[start:end]


def may_hold_any(normalised: Collection[str], text: str) -> bool:
    """False only when no line of `text` can normalise to one of `normalised`.

    The whole text folded the way `normalise_line` folds one line holds every line's key as
    a substring: NFKC and casefolding never join characters across a newline, collapsing
    whitespace keeps each line's words in order, and the key only drops characters at a
    line's ends. One fold of the text and a few substring searches cost a fraction of
    normalising each line (issue 7: scanning a source's articles after a template change).
    """
    folded = _fold(text)
    return any(line in folded for line in normalised)


def _fold(text: str) -> str:
    """Casefolded, NFKC, single-spaced: one definition, for `normalise_line` and the
    prefilter alike (the prefilter is sound only while both fold the same way)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())  # what `\s+` -> " " and strip() did, faster


def _is_edge_noise(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith(("P", "Z")) or category in _SYMBOL_CATEGORIES

"""Words as the topic profile and the relevance score count them.

A token is a run of letters (apostrophes inside allowed), lower-cased, with a possessive
``'s`` dropped and a regular English plural folded (``talks`` -> ``talk``,
``losses`` -> ``loss``, ``allies`` -> ``ally``, ``Russia's`` -> ``russia``), so the
inflections that matter most in news match.
Stop words come from jusText's per-language lists (frequent words of Wikipedia, shipped
with trafilatura), which also drop generic news words such as "announced" or "april".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import justext

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
MIN_LENGTH = 3
_POSSESSIVE = re.compile(r"['’]s$")
_NOT_PLURAL = ("ss", "us", "is", "os", "ous")
# ISO 639-1 codes (as py3langid and feeds give them) to jusText's stop-list names.
_STOPLIST_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "uk": "Ukrainian",
    "pl": "Polish",
}


# Frequent in news prose whatever the story, and missing from jusText's lists.
_NEWS_WORDS_TEXT = """accused added agreed already appeared asked believe called claimed comment
    comments
    continue continued could cited despite described earlier expected face fact further
    going including instead issue know later likely made make making need needed noted
    number point possible question rather recent recently reported reportedly said say
    saying says seen show showed significant situation statement stated still take taken
    think told trying want wanted way week weeks whether without would"""
_NEWS_WORDS = frozenset(_NEWS_WORDS_TEXT.split())


def fold(word: str) -> str:
    """One word as a token: lower case, no possessive, a regular plural folded."""
    word = _POSSESSIVE.sub("", word.casefold().replace("’", "'"))
    if len(word) <= 4 or not word.endswith("s") or word.endswith(_NOT_PLURAL):
        return word
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


@functools.lru_cache(maxsize=16)
def stop_words(language: str | None = "en") -> frozenset[str]:
    """Folded stop words for `language` (English as well, news quotes it everywhere)."""
    names = {"English", _STOPLIST_NAMES.get((language or "en").split("-")[0].lower(), "English")}
    words = {fold(w) for w in _NEWS_WORDS}
    for name in names:
        words |= {fold(w) for w in justext.get_stoplist(name) if WORD.fullmatch(w)}
    return frozenset(words)


def tokens(text: str) -> list[str]:
    """Every word of `text` as a token, in order (stop words included: phrases need them)."""
    return [fold(match.group(0)) for match in WORD.finditer(text)]


def content_tokens(text: str, stop: frozenset[str]) -> Iterator[str]:
    """The tokens that can carry a topic: long enough and not stop words."""
    return (t for t in tokens(text) if len(t) >= MIN_LENGTH and t not in stop)

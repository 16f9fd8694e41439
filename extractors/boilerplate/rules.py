"""Compiled rules and how each one matches a line (or, for blocks, classifies it)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

CATEGORIES = frozenset(
    {
        "related_links",
        "donation_appeal",
        "newsletter",
        "paywall",
        "social_promo",
        "app_promo",
        "affiliate",
        "consent",
        "ai_disclosure",
        "byline_footer",
        "template",
    }
)
FOUND_KEYS = frozenset({"author", "publisher"})
# Lower-case words allowed inside a personal name ("Ursula von der Leyen").
_NAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "del", "la", "le", "du"})
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\bи\b|\bі\b)\s*", re.I)

Found = tuple[tuple[str, str], ...]

_WHITESPACE = re.compile(r"\s+")
# Typographic quotes vary by outlet and language; rules are written against plain ones.
_PLAIN_QUOTES = str.maketrans("’‘ʼ‛`‹›“”„‟«»", "'" * 7 + '"' * 6)
# Bullets and arrows decorate link lines ("» Also read", "Read more →") but carry no words.
_LEADING_DECORATION = re.compile(r"^[\s»›>•·*▶►▸→➤■□◆●|–—-]+")
_TRAILING_DECORATION = re.compile(r"[\s.,;:!…·|»›>→▶►–—-]+$")


def match_form(line: str) -> str:
    """The line as rules see it: NFKC, plain quotes, single spaces, no decoration at the ends."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", line)).strip()
    text = _TRAILING_DECORATION.sub("", _LEADING_DECORATION.sub("", text))
    return text.translate(_PLAIN_QUOTES)


@dataclass(frozen=True)
class RuleInfo:
    name: str
    version: str
    category: str
    languages: tuple[str, ...]
    source: str | None = None


@dataclass(frozen=True)
class LineRule:
    """One line on its own: any pattern matches the whole line, or all are found in it."""

    info: RuleInfo
    patterns: tuple[re.Pattern[str], ...]
    whole_line: bool
    unless: tuple[re.Pattern[str], ...]
    max_chars: int

    def match(self, text: str) -> Found | None:
        """What the line told us if the rule matches it, else None."""
        if len(text) > self.max_chars or any_found(self.unless, text):
            return None
        if self.whole_line:
            return first_full_match(self.patterns, text)
        if all(pattern.search(text) for pattern in self.patterns):
            return ()
        return None


class Role(Enum):
    """What a line can be inside a block, from the block rule's point of view."""

    START = "start"  # heading or salutation that opens a block
    BUTTON = "button"  # label of a button that closes it
    STRICT = "strict"  # publisher's voice about the block's topic: enough on its own
    LOOSE = "loose"  # publisher's voice or topic words: only between anchors
    QUOTED = "quoted"  # would be LOOSE but reports someone's words: article text
    OTHER = "other"


@dataclass(frozen=True)
class BlockRule:
    """A run of lines opened by a heading and/or closed by a button, in the publisher's voice."""

    info: RuleInfo
    start: tuple[re.Pattern[str], ...]
    end: tuple[re.Pattern[str], ...]
    voice: tuple[re.Pattern[str], ...]
    topic: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...]  # weaker topic words: LOOSE, never STRICT
    filler: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    max_lines: int

    def role(self, text: str) -> tuple[Role, Found]:
        for role, patterns in ((Role.START, self.start), (Role.BUTTON, self.end)):
            found = first_full_match(patterns, text)
            if found is not None:
                return role, found
        return self._body_role(text), ()

    def _body_role(self, text: str) -> Role:
        if first_full_match(self.filler, text) is not None:
            return Role.LOOSE
        in_voice, on_topic = any_found(self.voice, text), any_found(self.topic, text)
        if not (in_voice or on_topic or any_found(self.context, text)):
            return Role.OTHER
        if any_found(self.unless, text):
            return Role.QUOTED
        return Role.STRICT if in_voice and on_topic else Role.LOOSE


Rule = LineRule | BlockRule


def any_found(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def first_full_match(patterns: tuple[re.Pattern[str], ...], text: str) -> Found | None:
    """Found metadata of the first pattern matching all of `text` with plausible captures."""
    for pattern in patterns:
        match = pattern.fullmatch(text)
        found = captured(match) if match else None
        if found is not None:
            return found
    return None


def captured(match: re.Match[str]) -> Found | None:
    """Metadata named by the match's groups, or None when a capture is not a plausible name."""
    found: list[tuple[str, str]] = []
    for key, raw in match.groupdict().items():
        if raw is None:
            continue
        values = _split_names(raw) if key == "author" else [raw.strip(" \"'")]
        if not values or not all(_plausible(key, value) for value in values):
            return None
        found.extend((key, value) for value in values)
    return tuple(found)


def _split_names(raw: str) -> list[str]:
    return [name.strip(" \"'") for name in _NAME_SEPARATORS.split(raw) if name.strip(" \"'")]


def _plausible(key: str, value: str) -> bool:
    # Proper names are capitalised; "a message from the newsroom" names no publisher.
    words = value.split()
    if not words or not words[0][:1].isupper():
        return False
    if key == "author":
        return all(word[:1].isupper() or word in _NAME_PARTICLES for word in words)
    return True

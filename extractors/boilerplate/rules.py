"""Compiled rules and how each one matches a line (or, for blocks, classifies it)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from extractors.boilerplate.gates import Gated, Line, any_found, full_matches, gated

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

# Typographic quotes vary by outlet and language; rules are written against plain ones.
_PLAIN_QUOTES = tuple(zip("’‘ʼ‛`‹›“”„‟«»", "'" * 7 + '"' * 6, strict=True))
# What `\s` matches in a str pattern (the same as str.isspace), for str.strip.
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(
    map(chr, [*range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
)
# Bullets and arrows decorate link lines ("» Also read", "Read more →") but carry no words.
_LEADING_DECORATION = _SPACES + "»›>•·*▶►▸→➤■□◆●|–—-"
_TRAILING_DECORATION = _SPACES + ".,;:!…·|»›>→▶►–—-"


def match_form(line: str) -> str:
    """The line as rules see it: NFKC, plain quotes, single spaces, no decoration at the ends."""
    # str.split, strip and replace do what regexes did here, at a tenth of the cost.
    text = " ".join(unicodedata.normalize("NFKC", line).split())
    text = text.lstrip(_LEADING_DECORATION).rstrip(_TRAILING_DECORATION)
    if not text.isascii():
        for quote, plain in _PLAIN_QUOTES:
            if quote in text:
                text = text.replace(quote, plain)
    elif "`" in text:
        text = text.replace("`", "'")
    return text


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

    @cached_property
    def gates(self) -> Gated:
        return gated(self.patterns, self.whole_line)

    @cached_property
    def unless_gates(self) -> Gated:
        return gated(self.unless, whole_line=False)

    def match(self, line: Line) -> Found | None:
        """What the line told us if the rule matches it, else None."""
        if len(line.text) > self.max_chars:
            return None
        found = self._find(line)
        # `unless` runs last: it only vetoes, and most lines are out before it is needed.
        if found is None or any_found(self.unless_gates, line):
            return None
        return found

    def _find(self, line: Line) -> Found | None:
        if self.whole_line:
            return first_full_match(self.gates, line)
        if not all(gate.admits(line.folded) for _, gate in self.gates):
            return None
        return () if all(pattern.search(line.text) for pattern, _ in self.gates) else None


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

    @cached_property
    def anchor_gates(self) -> tuple[Gated, Gated]:
        return gated(self.start, whole_line=True), gated(self.end, whole_line=True)

    @cached_property
    def _body_gates(self) -> tuple[Gated, Gated, Gated, Gated, Gated]:
        voice, topic = gated(self.voice, False), gated(self.topic, False)
        context, unless = gated(self.context, False), gated(self.unless, False)
        return gated(self.filler, whole_line=True), voice, topic, context, unless

    def role(self, line: Line) -> tuple[Role, Found]:
        anchor = self.anchor(line)
        return anchor if anchor is not None else (self.body_role(line), ())

    def anchor(self, line: Line) -> tuple[Role, Found] | None:
        """START or BUTTON with what it named, if the line is one; else None."""
        start, end = self.anchor_gates
        for role, patterns in ((Role.START, start), (Role.BUTTON, end)):
            found = first_full_match(patterns, line)
            if found is not None:
                return role, found
        return None

    def body_role(self, line: Line) -> Role:
        """The role of a line that is not an anchor."""
        filler, voice, topic, context, unless = self._body_gates
        if first_full_match(filler, line) is not None:
            return Role.LOOSE
        in_voice, on_topic = any_found(voice, line), any_found(topic, line)
        if not (in_voice or on_topic or any_found(context, line)):
            return Role.OTHER
        if any_found(unless, line):
            return Role.QUOTED
        return Role.STRICT if in_voice and on_topic else Role.LOOSE


Rule = LineRule | BlockRule


def first_full_match(patterns: Gated, line: Line) -> Found | None:
    """Found metadata of the first pattern matching all of the line with plausible captures."""
    for match in full_matches(patterns, line):
        found = captured(match)
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

"""Plain-text articles: a title only where the text has one, a date marker, paragraphs.

Conventions read from seed files (and common in text dumps of news pages):
- a leading `date YYYY-MM-DD` marker is the publication date, never part of the title;
- a first line that reads as a headline (short, no final sentence punctuation, followed
  by a blank line) is the title; otherwise the text has no title and none is invented;
- every other non-empty line is a paragraph, in order, with inner whitespace collapsed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from extractors.records import Extracted

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*", re.I)
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = (".", "!", ";", ",", ":")
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200


def parse_plain_text(text: str) -> Extracted:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    published_at, text = _take_date_marker(text)
    raw_lines = text.split("\n")
    title, rest = _take_title(raw_lines)
    lines = tuple(line for line in (_tidy(raw) for raw in rest) if line)
    return Extracted(lines=lines, title=title, published_at=published_at)


def _take_date_marker(text: str) -> tuple[datetime | None, str]:
    match = _DATE_MARKER.match(text)
    if not match:
        return None, text
    year, month, day = (int(part) for part in match.groups())
    try:
        published = datetime(year, month, day, tzinfo=UTC)
    except ValueError:  # "date 2025-13-40" is text, not a date
        return None, text
    return published, text[match.end() :]


def _take_title(raw_lines: list[str]) -> tuple[str | None, list[str]]:
    first = _first_content_index(raw_lines)
    if first is None:
        return None, raw_lines
    candidate = _tidy(raw_lines[first])
    followed_by_blank = first + 1 < len(raw_lines) and not raw_lines[first + 1].strip()
    if followed_by_blank and looks_like_headline(candidate):
        return candidate, raw_lines[first + 1 :]
    return None, raw_lines


def _first_content_index(raw_lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(raw_lines) if line.strip()), None)


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and len(line) <= MAX_TITLE_CHARS
        and not line.endswith(_SENTENCE_END)
    )


def _tidy(line: str) -> str:
    return _WHITESPACE.sub(" ", line).strip()

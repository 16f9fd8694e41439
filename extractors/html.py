"""HTML pages through trafilatura: main text without comments, plus metadata."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import Document
from trafilatura.utils import load_html

from extractors.errors import EmptyDocument
from extractors.metadata import page_metadata
from extractors.records import Extracted

_AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|,|\band\b|&|\|)\s*")
_WHITESPACE = re.compile(r"\s+")


def parse_html(html: str, url: str | None = None) -> Extracted:
    """The page parsed once: metadata from the tree, then the text from a copy of it."""
    tree = load_html(html)
    if tree is None:
        raise EmptyDocument("no HTML tree could be parsed from the page")
    metadata = page_metadata(tree, url)
    text = _main_text(tree, url or metadata.url)
    title = _clean(metadata.title)
    return Extracted(
        lines=_body_lines(text, title),
        title=title,
        authors=split_authors(metadata.author),
        published_at=parse_date(metadata.date),
        site_name=_clean(metadata.sitename),
        canonical_url=_clean(metadata.url),
    )


def _main_text(tree: object, url: str | None) -> str:
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=False, favor_precision=False
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        raise EmptyDocument("no article text found in the page")
    return document.text or ""


def _body_lines(text: str, title: str | None) -> tuple[str, ...]:
    lines = [_WHITESPACE.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    # trafilatura keeps the <h1> as the first line; the title has its own field.
    if title and lines and lines[0] == title:
        lines = lines[1:]
    return tuple(lines)


def split_authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    names = (_clean(name) for name in _AUTHOR_SEPARATORS.split(author))
    return tuple(dict.fromkeys(name for name in names if name))


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clean(value: str | None) -> str | None:
    cleaned = _WHITESPACE.sub(" ", value).strip() if value else ""
    return cleaned or None

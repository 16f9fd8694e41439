"""The frozen records handed from one stage to the next.

    RawDocument -> Extracted -> Cleaned -> ArticleRecord
                \\-> Failure (at any stage)

Each record carries its provenance so a row in the warehouse can always be traced back to
the bytes it came from and the code versions that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from extractors.normalise import content_sha256


@dataclass(frozen=True)
class RawDocument:
    """Bytes as they came in, from a file or an HTTP response."""

    source_id: str
    url: str  # canonical identity: `seeds/000.txt` for files, the canonical URL for pages
    content: bytes
    media_type: str  # "text/plain" or "text/html"
    retrieved_at: datetime
    charset: str | None = None  # declared by the HTTP header, if any
    requested_url: str | None = None
    final_url: str | None = None
    http_status: int | None = None

    @cached_property
    def content_sha256(self) -> str:
        """The hex SHA-256 of `content`; a run asks for it at several steps, hashed once."""
        return content_sha256(self.content)


@dataclass(frozen=True)
class Extracted:
    """Text and metadata pulled out of a RawDocument, before boilerplate cleaning."""

    lines: tuple[str, ...]
    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    decoded_with: str | None = None  # the charset the bytes were decoded with


@dataclass(frozen=True)
class Removal:
    """One span of boilerplate taken out of a body, kept so it can be audited and undone."""

    rule: str
    rule_version: str
    category: str
    text: str
    line_start: int  # index into Extracted.lines, inclusive
    line_end: int  # exclusive


@dataclass(frozen=True)
class Cleaned:
    """The body after boilerplate stripping, with what was removed and what it told us."""

    lines: tuple[str, ...]
    removals: tuple[Removal, ...] = ()
    # Metadata found inside boilerplate before it was removed (author of a byline footer,
    # publisher of a donation appeal): keys "author", "publisher".
    found: tuple[tuple[str, str], ...] = ()

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class ArticleRecord:
    """One normalised article, ready to land."""

    article_id: str
    source_id: str
    url: str
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    language: str | None
    site_name: str | None
    body: str
    word_count: int
    content_hash: str
    document_id: str
    extractor_version: str
    rules_version: str
    removals: tuple[Removal, ...] = field(default=())


@dataclass(frozen=True)
class Failure:
    """An input that could not become an article; failures are data, not exceptions."""

    source_id: str
    url: str
    stage: str  # "read", "decode", "extract", "clean", "fetch", "land", ...
    reason: str  # one line, names the reason; the input is named by `url`
    transient: bool = False
    document_id: str | None = None

"""Identity and fingerprints of articles: stable ids, content hashes, word counts."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def digest(*parts: str, length: int = 20) -> str:
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:length]


def article_id_for(url: str) -> str:
    """One article per canonical URL, whichever source found it, on every run."""
    return digest("article", url)


def document_id_for(source_id: str, url: str, content_sha256: str) -> str:
    """One document per distinct set of bytes seen at a URL (so revisions are kept)."""
    return digest("document", source_id, url, content_sha256)


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def content_hash(body: str) -> str:
    """Fingerprint of the cleaned text; equal for texts that differ only in spacing."""
    canonical = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", body)).strip().casefold()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def word_count(body: str) -> int:
    return len(body.split())

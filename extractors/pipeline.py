"""One document through every pure stage: decode, extract, clean, normalise.

`process_document` never raises for bad input: whatever goes wrong comes back as a
`Failure` record naming the stage and the reason, so one bad page never stops a batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from extractors import runcache
from extractors.boilerplate import RuleSet, clean_lines
from extractors.decode import decode_bytes
from extractors.errors import EmptyDocument, ExtractionError, UnsupportedMediaType
from extractors.html import parse_html
from extractors.language import detect_language
from extractors.normalise import (
    article_id_for,
    content_hash,
    document_id_for,
    word_count,
)
from extractors.plaintext import parse_plain_text
from extractors.records import ArticleRecord, Cleaned, Extracted, Failure, RawDocument
from extractors.versions import EXTRACTOR_VERSION

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})


def document_id(raw: RawDocument) -> str:
    return document_id_for(raw.source_id, raw.url, raw.content_sha256)


def extract(raw: RawDocument) -> Extracted:
    is_html = raw.media_type in HTML_TYPES
    if not is_html and raw.media_type not in TEXT_TYPES:
        raise UnsupportedMediaType(f"unsupported media type {raw.media_type!r}")
    text, charset = decode_bytes(raw.content, raw.charset, html=is_html)
    if is_html:
        extracted = parse_html(text, raw.final_url or raw.requested_url)
    else:
        extracted = parse_plain_text(text)
    if not extracted.lines:
        raise EmptyDocument("no text after parsing")
    return replace(extracted, decoded_with=charset)


def clean(
    extracted: Extracted, ruleset: RuleSet, source_id: str, learned: Iterable[str] = ()
) -> Cleaned:
    cleaned = clean_lines(extracted.lines, ruleset, source_id=source_id, learned=learned)
    if not cleaned.lines:
        raise EmptyDocument("nothing left after boilerplate removal")
    return cleaned


def to_record(
    raw: RawDocument, extracted: Extracted, cleaned: Cleaned, ruleset: RuleSet
) -> ArticleRecord:
    found = dict(cleaned.found)
    body = cleaned.body
    authors = extracted.authors or ((found["author"],) if "author" in found else ())
    return ArticleRecord(
        article_id=article_id_for(raw.url),
        source_id=raw.source_id,
        url=raw.url,
        title=extracted.title,
        authors=authors,
        published_at=extracted.published_at,
        language=extracted.language or detect_language(body),
        site_name=extracted.site_name or found.get("publisher"),
        body=body,
        word_count=word_count(body),
        content_hash=content_hash(body),
        document_id=document_id(raw),
        extractor_version=EXTRACTOR_VERSION,
        rules_version=ruleset.version,
        removals=cleaned.removals,
    )


def extract_once(raw: RawDocument, cache: str | None) -> Extracted:
    """`extract`, or what it gave for the same bytes earlier in the run (`runcache`)."""
    if cache is None:
        return extract(raw)
    key = runcache.key(raw)  # once, for the lookup and the keeping
    found = runcache.load(cache, key)
    if found is None:
        found = extract(raw)
        runcache.keep(cache, key, found)
    return found


def process_document(
    raw: RawDocument, ruleset: RuleSet, learned: Iterable[str] = (), cache: str | None = None
) -> ArticleRecord | Failure:
    stage = "extract"
    try:
        extracted = extract_once(raw, cache)
        stage = "clean"
        cleaned = clean(extracted, ruleset, raw.source_id, learned)
        return to_record(raw, extracted, cleaned, ruleset)
    except ExtractionError as error:
        return failure_for(raw, error.stage if stage == "extract" else stage, error.reason)
    except Exception as error:
        return failure_for(raw, stage, f"{type(error).__name__}: {error}")


def failure_for(raw: RawDocument, stage: str, reason: str) -> Failure:
    first_line = reason.strip().splitlines()[0] if reason.strip() else "unknown error"
    return Failure(raw.source_id, raw.url, stage, first_line[:500], document_id=document_id(raw))

"""RSS, Atom and JSON Feed documents (bytes we fetched) to the links they name.

feedparser is only ever given a byte stream: handed a str or bytes it treats the value as
a URL or a file name and would fetch or open it. Before it sees the bytes, they pass the
XML guard (`extractors.xmlsafe`): entity declarations are refused, and a well-formed
document must also pass defusedxml. feedparser itself disables external entities.
JSON Feed (which feedparser does not read) is parsed here with the json module.
"""

from __future__ import annotations

import calendar
import io
import json
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from extractors.links import MAX_URL_CHARS, FoundLink
from extractors.urls import absolute_url
from extractors.xmlsafe import XMLMalformed, XMLRefused, parse_xml, refuse_entities

DEFAULT_MAX_LINKS = 1000


class FeedRefused(ValueError):
    """The bytes are not a feed we will read: hostile, broken beyond repair, or empty."""


def parse_feed(
    data: bytes, feed_url: str, content_type: str | None = None, max_links: int = DEFAULT_MAX_LINKS
) -> tuple[FoundLink, ...]:
    """The entries' links, absolute, in feed order, at most `max_links`."""
    if data.lstrip()[:1] == b"{":
        return _json_feed(data, feed_url, max_links)
    _guard(data)
    headers = {"content-location": feed_url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    if not parsed.entries and parsed.get("bozo"):
        raise FeedRefused(f"not a feed: {parsed.get('bozo_exception')}")
    channel = parsed.get("feed", {})
    links = (_entry_link(entry, channel, feed_url) for entry in parsed.entries)
    return _capped(links, max_links)


def _guard(data: bytes) -> None:
    try:
        refuse_entities(data)
        parse_xml(data)
    except XMLMalformed:
        pass  # broken but harmless: feedparser's lenient parser may still read it
    except XMLRefused as error:
        raise FeedRefused(str(error)) from None


def _entry_link(entry: Mapping[str, Any], channel: Mapping[str, Any], base: str) -> FoundLink:
    source = entry.get("source") or {}
    tags = entry.get("tags") or []
    return FoundLink(
        url=_absolute(entry.get("link") or _id_url(entry), base),
        title=_text(entry.get("title")),
        published_at=_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        language=_text(channel.get("language")),
        publisher=_text(source.get("title")) or _text(channel.get("title")),
        keywords=tuple(t["term"] for t in tags if t.get("term"))[:20],
    )


def _id_url(entry: Mapping[str, Any]) -> str:
    identifier = str(entry.get("id") or "")
    return identifier if identifier.startswith(("http://", "https://")) else ""


def _json_feed(data: bytes, feed_url: str, max_links: int) -> tuple[FoundLink, ...]:
    try:
        document = json.loads(data)
    except ValueError as error:
        raise FeedRefused(f"not a JSON feed: {error}") from None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise FeedRefused("not a JSON feed: no items list")
    links = (_json_item(item, feed_url) for item in items if isinstance(item, dict))
    return _capped(links, max_links)


def _json_item(item: Mapping[str, Any], base: str) -> FoundLink:
    return FoundLink(
        url=_absolute(str(item.get("url") or item.get("external_url") or ""), base),
        title=_text(item.get("title")),
        published_at=iso_datetime(item.get("date_published")),
        language=_text(item.get("language")),
    )


def _capped(links: Iterable[FoundLink], max_links: int) -> tuple[FoundLink, ...]:
    kept: list[FoundLink] = []
    for link in links:
        if link.url and len(link.url) <= MAX_URL_CHARS:
            kept.append(link)
        if len(kept) >= max_links:
            break
    return tuple(kept)


def _absolute(link: str, base: str) -> str:
    return absolute_url(link, base) if link.strip() else ""


def _text(value: object) -> str | None:
    text = " ".join(str(value).split()) if isinstance(value, str) else ""
    return text or None


def _struct_time(value: time.struct_time | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (OverflowError, ValueError, TypeError):
        return None


def iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or date-time as UTC; None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

"""Topic search providers: request URLs to build and answers (bytes we fetched) to read.

GDELT DOC 2.0 (`mode=artlist&format=json`) returns at most 250 articles per call, newest
first, for a query and a time window; a window whose answer is full may hold more, so the
caller halves it and asks again (see `flows.discover_search`). Google News RSS search is
an RSS feed whose links point at news.google.com and lead to the article (see
`extractors.googlenews`); the publisher is named in each item's ``<source>`` and
repeated at the end of its title.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from extractors.feeds import parse_feed
from extractors.links import MAX_URL_CHARS, FoundLink, SearchResults

GDELT_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
GDELT_MAX_RECORDS = 250  # the API's own cap per call
GOOGLE_NEWS_URL = "https://news.google.com/rss/search"
Window = tuple[datetime, datetime]


class SearchRefused(ValueError):
    """The provider's answer is not a result list (an error page, a rate-limit notice)."""


def gdelt_url(base_url: str, query: str, window: Window, max_records: int) -> str:
    params = {
        "query": query,
        "mode": "artlist",
        "format": "json",
        "maxrecords": str(min(max_records, GDELT_MAX_RECORDS)),
        "startdatetime": gdelt_time(window[0]),
        "enddatetime": gdelt_time(window[1]),
        "sort": "datedesc",
    }
    return f"{base_url}?{urlencode(params)}"


def gdelt_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_gdelt(data: bytes, max_records: int = GDELT_MAX_RECORDS) -> SearchResults:
    """An artlist answer; `capped` when it is full, so its window may hold more."""
    try:
        document = json.loads(data.decode("utf-8", errors="replace"), strict=False)
    except ValueError:
        first_line = data[:200].decode("utf-8", errors="replace").strip().splitlines()
        detail = first_line[0] if first_line else "empty"
        raise SearchRefused(f"not a GDELT answer: {detail}") from None
    if not isinstance(document, dict):
        raise SearchRefused("not a GDELT answer: not a JSON object")
    articles = document.get("articles") or []  # no match: GDELT answers {}
    links = tuple(_gdelt_link(a) for a in articles if isinstance(a, dict) and _url_of(a))
    return SearchResults(links=links, capped=len(articles) >= min(max_records, GDELT_MAX_RECORDS))


def _url_of(article: dict[str, object]) -> str:
    url = str(article.get("url") or "")
    return url if len(url) <= MAX_URL_CHARS and url.startswith(("http://", "https://")) else ""


def _gdelt_link(article: dict[str, object]) -> FoundLink:
    return FoundLink(
        url=_url_of(article),
        title=str(article.get("title") or "").strip() or None,
        published_at=_gdelt_seen(article.get("seendate")),
        language=str(article.get("language") or "") or None,
        publisher=str(article.get("domain") or "") or None,
    )


def _gdelt_seen(value: object) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def time_slices(end: datetime, lookback: timedelta, slice_length: timedelta) -> list[Window]:
    """[end - lookback, end] cut into consecutive windows, newest first."""
    windows: list[Window] = []
    upper = end
    while upper > end - lookback:
        lower = max(end - lookback, upper - slice_length)
        windows.append((lower, upper))
        upper = lower
    return windows


def halves(window: Window) -> list[Window]:
    middle = window[0] + (window[1] - window[0]) / 2
    return [(middle, window[1]), (window[0], middle)]


def google_news_url(base_url: str, query: str, language: str, country: str, when: str) -> str:
    scoped = f"{query} when:{when}" if when else query
    edition = f"{country}:{language.split('-')[0]}"
    params = {"q": scoped, "hl": language, "gl": country, "ceid": edition}
    return f"{base_url}?{urlencode(params)}"


def parse_google_news(data: bytes, feed_url: str) -> SearchResults:
    """Google News RSS items; titles lose their trailing " - Publisher"."""
    links = parse_feed(data, feed_url, "application/rss+xml")
    return SearchResults(links=tuple(_without_publisher(link) for link in links))


def _without_publisher(link: FoundLink) -> FoundLink:
    suffix = f" - {link.publisher}" if link.publisher else None
    if link.title and suffix and link.title.endswith(suffix):
        return replace(link, title=link.title[: -len(suffix)].strip() or None)
    return link

"""Fake GDELT DOC 2.0 and Google News RSS endpoints on a `LocalServer`.

They behave like the real services in what newsflow relies on:
- GDELT `mode=artlist&format=json`: articles seen between `startdatetime` and
  `enddatetime`, newest first, at most `maxrecords` and never more than 250 per call;
  `{}` when nothing matches; HTTP 429 with a plain-text notice when calls come faster
  than one per `min_interval_s` (GDELT's own rule is one per 5 s); scripted 429s first
  if `rate_limited_first` is set.
- Google News RSS search: an RSS feed whose item links go through the fake's own
  `/rss/articles/<id>` URLs, which redirect (302) to the publisher's article, with the
  publisher in ``<source>`` and at the end of the title.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from tests.httpfixture import LocalServer, RecordedRequest, Reply

GDELT_PATH = "/api/v2/doc/doc"
GDELT_CAP = 250
RATE_NOTICE = "Please limit requests to one every 5 seconds or contact us for larger queries."


@dataclass(frozen=True)
class Seen:
    url: str
    title: str
    seen: datetime


@dataclass
class GdeltCall:
    start: datetime
    end: datetime
    status: int
    returned: int


@dataclass
class FakeGdelt:
    server: LocalServer
    articles: list[Seen]
    min_interval_s: float = 5.0
    rate_limited_first: int = 0  # answer this many calls with 429 before anything else
    calls: list[GdeltCall] = field(default_factory=list)
    _last: float = field(default=-1e9)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.route(GDELT_PATH, self.answer)

    @property
    def base_url(self) -> str:
        return self.server.url(GDELT_PATH)

    def answer(self, request: RecordedRequest) -> Reply:
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.target).query).items()}
        start, end = _gdelt_time(params["startdatetime"]), _gdelt_time(params["enddatetime"])
        with self._lock:
            # Arrival gaps jitter by a few ms (a new connection, a reused one), as they do
            # at the real service, whose limit is no stopwatch either.
            too_soon = time.monotonic() - self._last < self.min_interval_s * 0.75
            self._last = time.monotonic()
            if self.rate_limited_first > 0 or too_soon:
                self.rate_limited_first = max(0, self.rate_limited_first - 1)
                self.calls.append(GdeltCall(start, end, 429, 0))
                return Reply.text(RATE_NOTICE, status=429, headers=(("Retry-After", "1"),))
        matches = sorted((a for a in self.articles if start <= a.seen <= end), key=_newest)
        chosen = matches[: min(int(params.get("maxrecords", 75)), GDELT_CAP)]
        self.calls.append(GdeltCall(start, end, 200, len(chosen)))
        body = {"articles": [_artlist(a) for a in chosen]} if chosen else {}
        return Reply.text(json.dumps(body), content_type="application/json; charset=utf-8")


def _newest(article: Seen) -> float:
    return -article.seen.timestamp()


def _gdelt_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _artlist(article: Seen) -> dict[str, str]:
    return {
        "url": article.url,
        "url_mobile": "",
        "title": article.title,
        "seendate": article.seen.strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": "",
        "domain": urlsplit(article.url).hostname or "",
        "language": "English",
        "sourcecountry": "United States",
    }


@dataclass
class FakeGoogleNews:
    """`/rss/search?q=...` lists `results` (publisher article URLs) via redirect links."""

    server: LocalServer
    results: list[tuple[str, str]]  # (article URL, title)
    publisher: str = "The Loopback Herald"

    def __post_init__(self) -> None:
        self.server.route("/rss/search", self.answer)
        for index, (url, _) in enumerate(self.results):
            self.server.route(f"/rss/articles/item{index}", Reply.redirect(url, status=302))

    @property
    def base_url(self) -> str:
        return self.server.url("/rss/search")

    def answer(self, request: RecordedRequest) -> Reply:
        items = "".join(self._item(index, title) for index, (_, title) in enumerate(self.results))
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Google News</title>{items}</channel></rss>"
        )
        return Reply.text(feed, content_type="application/rss+xml; charset=utf-8")

    def _item(self, index: int, title: str) -> str:
        link = self.server.url(f"/rss/articles/item{index}?oc=5")
        return (
            f"<item><title>{html.escape(title)} - {html.escape(self.publisher)}</title>"
            f"<link>{html.escape(link)}</link><pubDate>Wed, 22 Oct 2025 10:00:00 GMT</pubDate>"
            f'<source url="http://publisher.invalid">{html.escape(self.publisher)}</source>'
            "</item>"
        )

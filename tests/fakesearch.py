"""Fake GDELT DOC 2.0 and Google News RSS endpoints on a `LocalServer`.

They behave like the real services in what newsflow relies on:
- GDELT `mode=artlist&format=json`: articles seen between `startdatetime` and
  `enddatetime`, newest first, at most `maxrecords` and never more than 250 per call;
  `{}` when nothing matches; HTTP 429 with a plain-text notice when calls come faster
  than one per `min_interval_s` (GDELT's own rule is one per 5 s); scripted 429s first
  if `rate_limited_first` is set.
- Google News RSS search: an RSS feed whose item links go through the fake's own
  `/rss/articles/<id>` URLs, with the publisher in ``<source>`` and at the end of the
  title. How a link leads to the article (`form`): "redirect" (302), "decodable" (an
  older id that holds the URL; its link would redirect too, but need not be asked), or
  "js": the link answers 200 with a page carrying ``data-n-a-sg``/``data-n-a-ts``, and
  `POST /_/DotsSplashUi/data/batchexecute` with ``f.req`` answers, as the real one does,
  ``)]}'`` and JSON holding ``["garturlres", url, 1]`` as a string; a wrong signature or
  timestamp gets the real error envelope (no result, error ``[3]``), a malformed request
  400, a GET 405. `answers` scripts misbehaviour per item: "error", "garbled" (JSON cut
  off mid-answer), "html" (an HTML page with status 200).
"""

from __future__ import annotations

import base64
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
    """`/rss/search?q=...` lists `results` (publisher article URLs) via article links."""

    server: LocalServer
    results: list[tuple[str, str]]  # (article URL, title)
    publisher: str = "The Loopback Herald"
    form: str = "redirect"  # redirect | decodable | js: how a link leads to its article
    answers: dict[int, str] = field(default_factory=dict)  # item -> error | garbled | html
    resolved: list[str] = field(default_factory=list)  # article ids batchexecute answered

    def __post_init__(self) -> None:
        self.server.route("/rss/search", self.answer)
        self.server.route(BATCHEXECUTE_PATH, self.batchexecute)
        for index, (url, _) in enumerate(self.results):
            self.server.route(self.article_path(index), self._article(index, url))

    @property
    def base_url(self) -> str:
        return self.server.url("/rss/search")

    def article_path(self, index: int) -> str:
        return f"/rss/articles/{self.article_id(index)}"

    def article_id(self, index: int) -> str:
        if self.form == "decodable":
            return encode_article_id(self.results[index][0].encode())
        # Newer ids hold an opaque token, not the URL: only the signature leads on.
        return encode_article_id(f"AU_yqL{index:04d}tokenthatisnotaurl".encode())

    def answer(self, request: RecordedRequest) -> Reply:
        items = "".join(self._item(index, title) for index, (_, title) in enumerate(self.results))
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Google News</title>{items}</channel></rss>"
        )
        return Reply.text(feed, content_type="application/rss+xml; charset=utf-8")

    def _item(self, index: int, title: str) -> str:
        link = self.server.url(f"{self.article_path(index)}?oc=5")
        return (
            f"<item><title>{html.escape(title)} - {html.escape(self.publisher)}</title>"
            f"<link>{html.escape(link)}</link><pubDate>Wed, 22 Oct 2025 10:00:00 GMT</pubDate>"
            f'<source url="http://publisher.invalid">{html.escape(self.publisher)}</source>'
            "</item>"
        )

    def _article(self, index: int, url: str) -> Reply:
        if self.form != "js":
            return Reply.redirect(url, status=302)
        ts, sig = _signature(index)
        return Reply.html(JS_PAGE.format(id=self.article_id(index), ts=ts, sig=sig))

    def batchexecute(self, request: RecordedRequest) -> Reply:
        if request.method != "POST":
            return Reply.text("Method Not Allowed", status=405)
        call = _garturlreq(request.body)
        if call is None:
            return Reply.html(BAD_REQUEST, status=400)
        article_id, ts, sig = call
        index = next((i for i in range(len(self.results)) if self.article_id(i) == article_id), -1)
        misbehaviour = self.answers.get(index)
        if misbehaviour == "html":
            return Reply.html("<html><body><h1>Sorry...</h1>unusual traffic</body></html>")
        if misbehaviour == "garbled":
            return _json_reply(')]}\'\n\n[["wrb.fr","Fbv4je","[\\"garturlres\\",\\"http')
        if index < 0 or misbehaviour == "error" or (ts, sig) != _signature(index):
            return _json_reply(_envelope(None, [3]))
        self.resolved.append(article_id)
        return _json_reply(_envelope(json.dumps(["garturlres", self.results[index][0], 1]), None))


BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"
# What a JS-form article link answers, cut down to the parts that matter: the element
# with the signature, among the page's usual attributes and scripts.
JS_PAGE = """<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">
<title>Google News</title><script nonce="n0">window.WIZ_global_data = {{}};</script>
</head><body><c-wiz jsrenderer="Q2Ykqb" jsshadow jsdata="deferred-i1" data-p="%.@.]"
 jscontroller="jMalre" jsaction="rcuQ6b:npT2md" data-node-index="0;0" jsmodel="hc6Ubd">
<div class="m6dcfb" jscontroller="aLI87" data-n-a-id="{id}" data-n-a-ts="{ts}"
 data-n-a-sg="{sig}" data-n-vlb="0" jsaction="JIbuQc:qCKvH"></div></c-wiz>
<noscript>Opening the article needs JavaScript.</noscript></body></html>
"""
BAD_REQUEST = "<html><title>Error 400 (Bad Request)!!1</title><p>That’s an error.</html>"


def encode_article_id(payload: bytes) -> str:
    """An article id as Google mints them: a protobuf, base64url without padding."""
    body = b"\x08\x13\x22" + _varint(len(payload)) + payload + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        out.append((value & 0x7F) | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)


def _signature(index: int) -> tuple[int, str]:
    return 1761130000 + index, f"AZ5r3eQ{index:03d}-sig_{index * 7919:06d}"


def _garturlreq(body: bytes) -> tuple[str, int, str] | None:
    """(article id, timestamp, signature) of a well-formed request, else None."""
    try:
        envelope = json.loads(parse_qs(body.decode())["f.req"][0])
        rpc, payload, _, flavour = envelope[0][0]
        request = json.loads(payload)
        if rpc != "Fbv4je" or flavour != "generic" or request[0] != "garturlreq":
            return None
        article_id, ts, sig = request[2:5]
        return (article_id, ts, sig) if isinstance(ts, int) else None
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _envelope(payload: str | None, error: list[int] | None) -> str:
    result = ["wrb.fr", "Fbv4je", payload, None, None, error, "generic"]
    trailer = [["di", 42], ["af.httprm", 41, "-5975830325034553355", 27]]
    return ")]}'\n\n" + json.dumps([result, *trailer], separators=(",", ":"))


def _json_reply(body: str) -> Reply:
    return Reply.text(body, content_type="application/json; charset=utf-8")

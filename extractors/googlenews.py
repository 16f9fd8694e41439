"""Google News article links to the publisher's URL: the pure half (bytes in, URL out).

An item link of Google News RSS is ``<origin>/rss/articles/<id>?oc=5``. Its id is a
base64url protobuf, and what it holds depends on when Google minted it:

- Older ids hold the URL itself: the bytes 0x08 0x13 0x22, a varint length, then the URL
  (an AMP URL may follow). `decode_article_id` reads them with no request at all.
- Newer ids hold an opaque token (``AU_yqL...``). Their link answers 200 with a page whose
  element carries ``data-n-a-sg`` (a signature) and ``data-n-a-ts`` (a timestamp); the URL
  comes from the ``Fbv4je`` ("garturlreq") call of the page's RPC endpoint
  (`batchexecute_url`), POSTed as the form field ``f.req`` (`batchexecute_form`). The
  answer is JSON after a ``)]}'`` line, holding ``["garturlres", "<url>", ...]`` as a
  JSON string (`parse_batchexecute`).
- Some links still redirect with HTTP; the fetcher follows those like any redirect.

The network half (which request, when, through which fetcher) is `flows.discover_gnews`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from extractors.links import MAX_URL_CHARS

BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"
DEFAULT_EDITION = "US:en"
_ARTICLE_PATH = re.compile(r"/(?:rss/)?articles/([A-Za-z0-9_-]{8,2000})")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,2000}")
_URL_FIELD = b"\x08\x13\x22"  # field 1 = 19, then field 4 (length-delimited): the URL
_ANSWER_PREFIX = ")]}'"
_SIGNATURE_MARK = b"data-n-a-sg"


class GoogleNewsRefused(ValueError):
    """Bytes that name no article URL; the message says what was wrong with them."""


@dataclass(frozen=True)
class Signature:
    """What a JS-form article page hands its own script to ask for the article's URL."""

    article_id: str
    timestamp: int
    signature: str


def article_id(url: str) -> str | None:
    """The id of a Google News article link (``/rss/articles/<id>``), else None."""
    try:
        match = _ARTICLE_PATH.fullmatch(urlsplit(url).path)
    except ValueError:
        return None
    return match.group(1) if match else None


def batchexecute_url(base_url: str) -> str:
    """The RPC endpoint on the same origin as `base_url` (the RSS search URL)."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, BATCHEXECUTE_PATH, "", ""))


def decode_article_id(identifier: str) -> str | None:
    """The URL an older id holds, or None when it holds a token (or is not an id)."""
    try:
        data = base64.urlsafe_b64decode(identifier + "=" * (-len(identifier) % 4))
    except (binascii.Error, ValueError):
        return None
    if not data.startswith(_URL_FIELD):
        return None
    length, start = _varint(data, len(_URL_FIELD))
    url = data[start : start + length].decode("utf-8", errors="replace")
    return url if length and start + length <= len(data) and _usable(url) else None


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """A protobuf varint at `position`: (value, position after it); (0, end) if cut short."""
    value, shift = 0, 0
    while position < len(data) and shift < 35:
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position, shift = position + 1, shift + 7
        if not byte & 0x80:
            return value, position
    return 0, len(data)


def _usable(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= MAX_URL_CHARS


def is_js_form(page: bytes) -> bool:
    """Whether an article link answered with the page that carries a signature."""
    return _SIGNATURE_MARK in page


def page_signature(page: bytes, link_id: str) -> Signature:
    """The signature, timestamp and id on a JS-form page; the link's id unless the page
    names its own."""
    finder = _SignatureFinder()
    finder.feed(page.decode("utf-8", errors="replace"))
    attributes = finder.found
    if attributes is None:
        raise GoogleNewsRefused("article page has no element with data-n-a-sg and data-n-a-ts")
    signature, stamp = attributes.get("data-n-a-sg") or "", attributes.get("data-n-a-ts") or ""
    if not _TOKEN.fullmatch(signature) or not stamp.isdigit():
        raise GoogleNewsRefused(f"article page has a malformed signature {signature[:40]!r}")
    own_id = attributes.get("data-n-a-id") or ""
    return Signature(own_id if _TOKEN.fullmatch(own_id) else link_id, int(stamp), signature)


class _SignatureFinder(HTMLParser):
    """The attributes of the first element that carries both signature attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if self.found is None and "data-n-a-sg" in names and "data-n-a-ts" in names:
            self.found = names


def batchexecute_form(signature: Signature, edition: str = DEFAULT_EDITION) -> dict[str, str]:
    """The POST form of one ``garturlreq`` call, as the page's own script sends it."""
    # Placeholders ("X") and flags copied from the page's own request; only the edition,
    # the id, the timestamp and the signature vary.
    client = ["X", "X", ["X", "X"], None, None, 1, 1, edition, None, 1, *[None] * 5, 0, 1]
    context = [client, "X", "X", 1, [1, 1, 1], 1, 1, None, 0, 0, None, 0]
    request: list[object] = ["garturlreq", context, signature.article_id]
    request += [signature.timestamp, signature.signature]
    envelope = [[["Fbv4je", _compact(request), None, "generic"]]]
    return {"f.req": _compact(envelope)}


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def parse_batchexecute(data: bytes) -> str:
    """The article URL in a ``Fbv4je`` answer; GoogleNewsRefused says why there is none."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.startswith(_ANSWER_PREFIX):
        raise GoogleNewsRefused(f"not a batchexecute answer: {_first_line(text)}")
    for envelope in _envelopes(text[len(_ANSWER_PREFIX) :]):
        if envelope[:2] == ["wrb.fr", "Fbv4je"]:
            return _answered_url(envelope)
    raise GoogleNewsRefused("batchexecute answer holds no Fbv4je result")


def _envelopes(text: str) -> Iterator[list[object]]:
    """Every inner array of the answer's JSON values; numbers between them are the byte
    counts of the chunked framing and are skipped."""
    decoder, position = json.JSONDecoder(), 0
    while (position := _skip_space(text, position)) < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            raise GoogleNewsRefused(f"garbled batchexecute answer at byte {position}") from None
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, list))


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _answered_url(envelope: list[object]) -> str:
    payload = envelope[2] if len(envelope) > 2 else None
    if not isinstance(payload, str):
        code = envelope[5] if len(envelope) > 5 else None
        raise GoogleNewsRefused(f"batchexecute gave no URL (error {_compact(code)})")
    try:
        result = json.loads(payload)
    except ValueError:
        raise GoogleNewsRefused("batchexecute result is not JSON") from None
    url = result[1] if isinstance(result, list) and result[:1] == ["garturlres"] else None
    if not isinstance(url, str) or not _usable(url):
        raise GoogleNewsRefused(f"batchexecute result names no usable URL: {payload[:80]}")
    return url


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:120] if lines else "empty"

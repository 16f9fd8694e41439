"""Google News article links: the pure parsing, and the fake endpoints it is tested against.

The fake batchexecute is checked against our own request builder and answer parser over
real HTTP on loopback, so the end-to-end tests (tests/test_discovery_gnews.py) stand on a
fake that answers the way the real endpoint does.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from extractors.googlenews import (
    GoogleNewsRefused,
    Signature,
    article_id,
    batchexecute_form,
    batchexecute_url,
    decode_article_id,
    page_signature,
    parse_batchexecute,
)
from tests.fakesearch import BATCHEXECUTE_PATH, JS_PAGE, FakeGoogleNews, encode_article_id
from tests.httpfixture import LocalServer

ARTICLE = "https://www.example.org/world/2025/10/22/budapest-summit.html"
# The brief's own spelling of one request, with its placeholders filled in.
EXPECTED_FREQ = (
    '[[["Fbv4je","[\\"garturlreq\\",[[\\"X\\",\\"X\\",[\\"X\\",\\"X\\"],null,null,1,1,'
    '\\"US:en\\",null,1,null,null,null,null,null,0,1],\\"X\\",\\"X\\",1,[1,1,1],1,1,null,0,'
    '0,null,0],\\"CBMiTOKEN\\",1761130000,\\"AZ5r3e_sig\\"]",null,"generic"]]]'
)


def answer(*lines: str) -> bytes:
    return ("\n".join([")]}'", "", *lines])).encode()


def test_older_ids_decode_to_their_url() -> None:
    identifier = encode_article_id(ARTICLE.encode())
    assert identifier.startswith("CBMi")
    assert decode_article_id(identifier) == ARTICLE
    long_url = ARTICLE + "?" + "x" * 300  # a two-byte length
    assert decode_article_id(encode_article_id(long_url.encode())) == long_url


@pytest.mark.parametrize(
    "identifier",
    [
        encode_article_id(b"AU_yqLPnotaurlbutatoken"),  # the newer, opaque form
        encode_article_id(b"javascript:alert(1)"),
        base64.urlsafe_b64encode(b"\x08\x13\x22\x7fhttps://cut.example/").decode(),  # too short
        "not*base64",
        "",
    ],
)
def test_ids_without_a_usable_url_do_not_decode(identifier: str) -> None:
    assert decode_article_id(identifier) is None


def test_article_ids_come_from_article_links_only() -> None:
    assert article_id("https://news.google.com/rss/articles/CBMiXyz123?oc=5") == "CBMiXyz123"
    assert article_id("https://news.google.com/articles/CBMiXyz123") == "CBMiXyz123"
    assert article_id("https://news.google.com/rss/search?q=x") is None
    assert article_id("https://news.google.com/rss/articles/a/b") is None


def test_batchexecute_lives_on_the_origin_of_the_base_url() -> None:
    endpoint = batchexecute_url("http://127.0.0.1:8123/rss/search?x=1")
    assert endpoint == "http://127.0.0.1:8123/_/DotsSplashUi/data/batchexecute"


def test_signature_and_timestamp_are_read_from_the_page() -> None:
    page = JS_PAGE.format(id="CBMiOWN", ts=1761130007, sig="AZ5r3e-x_1").encode()
    assert page_signature(page, "CBMiLINK") == Signature("CBMiOWN", 1761130007, "AZ5r3e-x_1")
    without_id = page.replace(b'data-n-a-id="CBMiOWN"', b"")
    assert page_signature(without_id, "CBMiLINK").article_id == "CBMiLINK"


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (b"<html><body><p>Consent needed</p></body></html>", "no element with data-n-a-sg"),
        (b'<div data-n-a-sg="AZ" data-n-a-ts="soon"></div>', "malformed signature"),
        (b'<div data-n-a-sg="a b" data-n-a-ts="1"></div>', "malformed signature"),
    ],
)
def test_pages_without_a_usable_signature_are_refused(page: bytes, reason: str) -> None:
    with pytest.raises(GoogleNewsRefused, match=reason):
        page_signature(page, "CBMiLINK")


def test_the_request_form_is_the_pages_own() -> None:
    form = batchexecute_form(Signature("CBMiTOKEN", 1761130000, "AZ5r3e_sig"))
    assert form == {"f.req": EXPECTED_FREQ}


def test_answers_give_the_article_url_plain_or_chunked() -> None:
    result = (
        '["wrb.fr","Fbv4je","[\\"garturlres\\",\\"' + ARTICLE + '\\",1]",null,null,null,"generic"]'
    )
    assert parse_batchexecute(answer(f'[{result},["di",42]]')) == ARTICLE
    chunked = answer("212", f"[{result}]", "25", '[["di",42],["af.httprm",41,"-5",27]]')
    assert parse_batchexecute(chunked) == ARTICLE


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (answer('[["wrb.fr","Fbv4je",null,null,null,[3],"generic"]]'), r"no URL \(error \[3\]\)"),
        (answer('[["wrb.fr","Fbv4je","[\\"garturlres\\",\\"http'), "garbled"),
        (b"<html><body>Sorry...</body></html>", "not a batchexecute answer: <html>"),
        (b"", "not a batchexecute answer: empty"),
        (answer('[["di",42]]'), "no Fbv4je result"),
        (answer('[["wrb.fr","Fbv4je","{not json",null]]'), "result is not JSON"),
        (
            answer('[["wrb.fr","Fbv4je","[\\"garturlres\\",\\"file:///etc/passwd\\"]"]]'),
            "no usable URL",
        ),
    ],
)
def test_error_and_garbled_answers_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(GoogleNewsRefused, match=reason):
        parse_batchexecute(data)


@pytest.fixture
def fake() -> Iterator[FakeGoogleNews]:
    with LocalServer() as server:
        yield FakeGoogleNews(server, [(ARTICLE, "A"), (ARTICLE + "?2", "B")], form="js")


def ask(fake: FakeGoogleNews, index: int, **changes: object) -> httpx.Response:
    """What our code would POST for item `index`, read off the fake's own article page."""
    page = httpx.get(fake.server.url(fake.article_path(index))).content
    signature = page_signature(page, fake.article_id(index))
    signature = replace(signature, **changes)  # type: ignore[arg-type]
    endpoint = batchexecute_url(fake.base_url)
    return httpx.post(endpoint, data=batchexecute_form(signature))


@pytest.mark.network
def test_the_fake_answers_our_request_with_the_article_url(fake: FakeGoogleNews) -> None:
    reply = ask(fake, 1)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/json")
    assert parse_batchexecute(reply.content) == ARTICLE + "?2"
    assert fake.resolved == [fake.article_id(1)]


@pytest.mark.network
def test_the_fake_refuses_a_wrong_signature_get_and_garbage(fake: FakeGoogleNews) -> None:
    with pytest.raises(GoogleNewsRefused, match=r"error \[3\]"):
        parse_batchexecute(ask(fake, 0, signature="AZforged").content)
    assert httpx.get(fake.server.url(BATCHEXECUTE_PATH)).status_code == 405
    garbage = httpx.post(fake.server.url(BATCHEXECUTE_PATH), data={"f.req": "[[1]]"})
    assert garbage.status_code == 400
    assert fake.resolved == []


@pytest.mark.network
@pytest.mark.parametrize(("misbehaviour", "reason"), [("garbled", "garbled"), ("html", "not a")])
def test_the_fake_misbehaves_on_request(
    fake: FakeGoogleNews, misbehaviour: str, reason: str
) -> None:
    fake.answers[0] = misbehaviour
    with pytest.raises(GoogleNewsRefused, match=reason):
        parse_batchexecute(ask(fake, 0).content)

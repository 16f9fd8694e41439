"""Pure discovery parsing: URLs, feeds, sitemaps, search answers, topic, relevance,
fingerprints and the config file. No network, no warehouse."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from extractors.feeds import FeedRefused, parse_feed
from extractors.fingerprint import is_near_duplicate, resemblance, sketch
from extractors.relevance import is_on_topic, relevance
from extractors.search import halves, parse_gdelt, parse_google_news, time_slices
from extractors.sitemaps import SitemapRefused, parse_sitemap
from extractors.topic import TopicProfile, configured_term, derive_profile, with_overrides
from extractors.urls import article_url, canonical_url, declared_canonical
from flows.discovery_settings import ConfigError, load_settings
from tests.conftest import SEEDS
from tests.newssite import news_sitemap, rss, sitemap_index, urlset
from tests.newsstories import OFF_TOPIC, ON_TOPIC, SUMMIT_OFF, SYNDICATED

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def seed_profile() -> TopicProfile:
    return derive_profile([path.read_text() for path in sorted(SEEDS.glob("*.txt"))])


@pytest.mark.parametrize(
    ("found", "canonical"),
    [
        (f"{BASE}/a.html?utm_source=rss&utm_medium=feed", f"{BASE}/a.html"),
        (f"{BASE}/a.html?fbclid=x&id=3#comments", f"{BASE}/a.html?id=3"),
        ("HTTPS://Example.COM:443/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("file:///etc/passwd", "file:///etc/passwd"),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(found: str, canonical: str) -> None:
    assert canonical_url(found) == canonical


def test_rel_canonical_is_honoured_only_on_the_same_site() -> None:
    page = b'<html><head><link href="/a.html" rel="canonical"></head></html>'
    assert declared_canonical(page, f"{BASE}/a.html?page=1") == f"{BASE}/a.html"
    assert article_url(f"{BASE}/a.html?page=1", page) == f"{BASE}/a.html"
    foreign = b"<link rel='canonical' href='https://other.example/a'>"
    assert article_url(f"{BASE}/a.html?page=1", foreign) == f"{BASE}/a.html?page=1"


def test_rss_links_are_absolute_with_titles_and_dates() -> None:
    feed = rss(ON_TOPIC[:2], lambda path: BASE + path, ["/relative.html"]).encode()
    links = parse_feed(feed, f"{BASE}/feed.xml")
    assert [link.url.split("?")[0] for link in links] == [
        f"{BASE}{ON_TOPIC[0].path}",
        f"{BASE}{ON_TOPIC[1].path}",
        f"{BASE}/relative.html",
    ]
    assert links[0].title == ON_TOPIC[0].title
    assert links[0].published_at == datetime(2025, 10, 22, 9, 15, tzinfo=UTC)


def test_atom_and_json_feeds_are_read() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>A</title>'
        b'<link href="/a"/><id>1</id><updated>2025-10-22T10:00:00Z</updated></entry></feed>'
    )
    assert parse_feed(atom, f"{BASE}/atom.xml")[0].url == f"{BASE}/a"
    items = {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "/j", "title": "J"}]}
    assert parse_feed(json.dumps(items).encode(), f"{BASE}/feed.json")[0].url == f"{BASE}/j"


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text(rss(ON_TOPIC[:1], lambda path: BASE + path))
    with pytest.raises(FeedRefused):
        parse_feed(str(secret).encode(), f"{BASE}/feed.xml")


def test_news_sitemap_metadata_is_read() -> None:
    sitemap = news_sitemap([f"{BASE}{SUMMIT_OFF.path}"], [SUMMIT_OFF]).encode()
    link = parse_sitemap(sitemap, f"{BASE}/news-sitemap.xml").links[0]
    assert (link.title, link.language, link.publisher) == (
        SUMMIT_OFF.title,
        "en",
        "The Loopback Herald",
    )
    assert link.published_at == datetime(2025, 10, 22, 9, 15, tzinfo=UTC)


def test_sitemap_index_gzip_and_url_cap() -> None:
    index = parse_sitemap(sitemap_index(["/a.xml", f"{BASE}/b.xml"]).encode(), f"{BASE}/i.xml")
    assert index.children == (f"{BASE}/a.xml", f"{BASE}/b.xml")
    many = gzip.compress(urlset(f"{BASE}/{n}.html" for n in range(100)).encode())
    capped = parse_sitemap(many, f"{BASE}/s.xml.gz", max_urls=10)
    assert len(capped.links) == 10 and capped.truncated


def test_sitemap_that_is_not_one_is_refused() -> None:
    with pytest.raises(SitemapRefused):
        parse_sitemap(b"<html><body>hello</body></html>", f"{BASE}/s.xml")
    with pytest.raises(SitemapRefused):
        parse_sitemap(gzip.compress(bytes(10_000_000)), f"{BASE}/s.xml.gz", max_bytes=100_000)


def test_gdelt_answer_says_when_it_is_capped() -> None:
    articles = [
        {"url": f"https://e.example/{n}", "seendate": "20251022T100000Z"} for n in range(250)
    ]
    results = parse_gdelt(json.dumps({"articles": articles}).encode())
    assert results.capped and len(results.links) == 250
    assert results.links[0].published_at == datetime(2025, 10, 22, 10, tzinfo=UTC)
    assert parse_gdelt(b"{}").links == () and not parse_gdelt(b"{}").capped


def test_time_window_is_sliced_and_halved() -> None:
    end = datetime(2025, 10, 22, tzinfo=UTC)
    slices = time_slices(end, timedelta(hours=24), timedelta(hours=6))
    assert len(slices) == 4 and slices[0] == (end - timedelta(hours=6), end)
    assert halves(slices[0]) == [
        (end - timedelta(hours=3), end),
        (end - timedelta(hours=6), end - timedelta(hours=3)),
    ]


def test_google_news_titles_lose_the_publisher() -> None:
    feed = (
        b"<rss><channel><item><title>Summit off - Herald</title><link>https://news.example/"
        b'rss/articles/x?oc=5</link><source url="https://h.example">Herald</source></item>'
        b"</channel></rss>"
    )
    link = parse_google_news(feed, "https://news.example/rss/search").links[0]
    assert (link.title, link.publisher) == ("Summit off", "Herald")


def test_topic_from_the_seeds_names_who_where_and_what(seed_profile: TopicProfile) -> None:
    who = [term.text for term in seed_profile.of_kind("who")]
    where = [term.text for term in seed_profile.of_kind("where")]
    what = [term.text for term in seed_profile.of_kind("what")]
    assert {"Donald Trump", "Vladimir Putin", "Volodymyr Zelensky"} <= set(who)
    assert "Ukraine" in where and "Budapest" in where
    assert {"Kremlin", "summit", "peace"} <= set(what)
    assert derive_profile([p.read_text() for p in sorted(SEEDS.glob("*.txt"))]) == seed_profile


def test_relevance_separates_the_story_from_other_news(seed_profile: TopicProfile) -> None:
    for story in ON_TOPIC:
        score = relevance(seed_profile, story.title, "\n".join(story.paragraphs))
        assert is_on_topic(seed_profile, score), story.slug
    off = relevance(seed_profile, OFF_TOPIC.title, "\n".join(OFF_TOPIC.paragraphs))
    assert off < 0.05 and not is_on_topic(seed_profile, off)


def test_configured_terms_replace_or_extend_the_topic(seed_profile: TopicProfile) -> None:
    replaced = with_overrides(seed_profile, terms=[configured_term("harbour festival")])
    assert [t.key for t in replaced.terms] == [("harbour", "festival")]
    assert relevance(replaced, OFF_TOPIC.title, "\n".join(OFF_TOPIC.paragraphs)) > 0.5
    trimmed = with_overrides(seed_profile, exclude=["Kremlin"], threshold=0.3)
    assert "Kremlin" not in [t.text for t in trimmed.terms] and trimmed.threshold == 0.3


def test_near_duplicates_resemble_and_other_articles_do_not() -> None:
    original = sketch("\n".join(SUMMIT_OFF.paragraphs))
    copy = sketch("\n".join(SYNDICATED.paragraphs))
    other = sketch("\n".join(ON_TOPIC[1].paragraphs))
    assert is_near_duplicate(original, copy)
    assert resemblance(original, other) < 0.1


def test_config_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text("[politeness]\ndelay_s = 'slow'\n")
    with pytest.raises(ConfigError, match=r"newsflow.toml: politeness.delay_s: expected float"):
        load_settings(config)
    config.write_text("[search.gdelt]\nmax_call = 3\n")
    with pytest.raises(ConfigError, match=r"unknown key 'search.gdelt.max_call'"):
        load_settings(config)
    config.write_text("[sources\n")
    with pytest.raises(ConfigError, match=r"newsflow.toml: not valid TOML"):
        load_settings(config)


def test_config_with_providers_and_defaults(tmp_path: Path) -> None:
    config = tmp_path / "newsflow.toml"
    config.write_text(
        '[topic]\nterms = ["ceasefire"]\n[sources]\nfeeds = ["https://a.example/rss"]\n'
        '[search.gdelt]\nbase_url = "http://127.0.0.1:9/api"\n[search.google_news]\n'
        "enabled = false\n"
    )
    settings = load_settings(config)
    assert settings.feeds == ("https://a.example/rss",) and settings.topic.terms == ("ceasefire",)
    assert settings.gdelt is not None and settings.gdelt.min_interval_s == 5.0
    assert settings.google_news is None and settings.politeness.delay_s == 1.0

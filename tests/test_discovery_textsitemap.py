"""Text sitemaps (one URL per line): the parser, and `newsflow discover` reading them from
the fixture news site, plain, gzipped, and listed by an XML sitemap index."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.sitemaps import SitemapRefused, is_text_sitemap, parse_sitemap
from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer, Reply
from tests.newssite import NewsSite, sitemap_index, text_sitemap, urlset, write_config
from tests.newsstories import KREMLIN_REACTS, OFF_TOPIC, SANCTIONS, SUMMIT_OFF

BASE = "http://127.0.0.1:8000"
TOPIC = '[topic]\nterms = ["Putin", "Trump", "summit", "Kremlin"]\n'


def links(data: bytes, **caps: int) -> list[str]:
    return [link.url for link in parse_sitemap(data, f"{BASE}/sitemap.txt", **caps).links]


def test_one_url_per_line_with_bom_crlf_and_blank_lines() -> None:
    data = f"\ufeff{BASE}/a.html\r\n\r\n  {BASE}/b.html?id=2  \r\nHTTPS://Example.org/c\r\n"
    assert links(data.encode()) == [
        f"{BASE}/a.html",
        f"{BASE}/b.html?id=2",
        "HTTPS://Example.org/c",
    ]


def test_lines_that_are_not_absolute_http_urls_are_skipped() -> None:
    lines = [
        f"{BASE}/kept.html",
        "/relative.html",
        "# a comment",
        "javascript:alert(1)",
        "file:///etc/passwd",
        f"{BASE}/with space.html",
        "http://",
        "http://bad-port:99999999/x",
        f"{BASE}/{'x' * 2100}",
    ]
    assert links(text_sitemap(lines).encode()) == [f"{BASE}/kept.html"]


def test_caps_of_xml_sitemaps_apply() -> None:
    data = text_sitemap(f"{BASE}/{n}.html" for n in range(10)).encode()
    document = parse_sitemap(data, BASE, max_urls=4)
    assert [link.url for link in document.links] == [f"{BASE}/{n}.html" for n in range(4)]
    assert document.truncated
    with pytest.raises(SitemapRefused, match="exceeds 100 bytes"):
        parse_sitemap(data, BASE, max_bytes=100)
    with pytest.raises(SitemapRefused, match="exceeds 100 bytes"):
        parse_sitemap(gzip.compress(data), BASE, max_bytes=100)


def test_gzipped_text_is_read_and_xml_stays_xml() -> None:
    data = text_sitemap([f"{BASE}/a.html"]).encode()
    assert links(gzip.compress(data)) == [f"{BASE}/a.html"]
    xml = urlset([f"{BASE}/x.html"]).encode()
    assert not is_text_sitemap(xml) and not is_text_sitemap(b"\xef\xbb\xbf\n " + xml)
    assert links(xml) == [f"{BASE}/x.html"]
    assert not is_text_sitemap("<?xml?><urlset/>".encode("utf-16"))


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"Service Unavailable\n", b"%PDF-1.4\n"]
)
def test_bytes_without_a_single_url_are_refused(data: bytes) -> None:
    with pytest.raises(SitemapRefused, match="no line is an absolute http"):
        parse_sitemap(data, BASE)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with LocalServer() as server:
        site = NewsSite(server)
        for story in (SUMMIT_OFF, KREMLIN_REACTS, OFF_TOPIC):
            site.publish(story)
        site.publish(SANCTIONS, listed=False)
        site.serve()
        yield site


def discover(tmp_path: Path, warehouse: Path, site: NewsSite, *sitemaps: str) -> str:
    limits = "[limits]\nmax_links_per_source = 3\n"
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority], TOPIC + limits)
    args = ["discover", "--config", str(config), "--mode", "local"]
    args += [arg for url in sitemaps for arg in ("--sitemap", url)]
    result = run_cli(*args, warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.network
@pytest.mark.timeout(120)
def test_text_sitemaps_plain_gzipped_and_indexed_are_read(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    plain = site.serve_text_sitemap(extra=["/relative.html", "not a url"])
    gzipped = gzip.compress(text_sitemap([site.url(SANCTIONS.path)]).encode())
    site.server.route(
        "/more.txt.gz", Reply(body=gzipped, headers=(("Content-Type", "application/gzip"),))
    )
    index = sitemap_index([site.url("/more.txt.gz")])
    site.server.route("/index.xml", Reply.text(index, content_type="application/xml"))
    discover(tmp_path, warehouse, site, plain, site.url("/index.xml"))
    found = query(
        warehouse,
        "SELECT source_id, canonical_url FROM candidate_sightings ORDER BY canonical_url",
    )
    by_source = {url: source.split(":")[0] for source, url in found}
    assert by_source == {
        site.url(SUMMIT_OFF.path): "sitemap",
        site.url(KREMLIN_REACTS.path): "sitemap",
        site.url(OFF_TOPIC.path): "sitemap",
        site.url(SANCTIONS.path): "sitemap",
    }
    landed = query(warehouse, "SELECT url FROM articles ORDER BY url")
    expected = sorted(site.url(s.path) for s in (SUMMIT_OFF, KREMLIN_REACTS, SANCTIONS))
    assert [row[0] for row in landed] == expected
    assert query(warehouse, "SELECT count(*) FROM failures") == [(0,)]


@pytest.mark.network
@pytest.mark.timeout(120)
def test_a_text_sitemap_over_the_link_cap_is_cut_and_says_so(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    extra = [site.url(f"/world/more-{n}.html") for n in range(5)]
    plain = site.serve_text_sitemap(extra=extra)
    discover(tmp_path, warehouse, site, plain)
    assert query(warehouse, "SELECT count(*) FROM candidates") == [(3,)]
    problems = query(warehouse, "SELECT url, stage, reason FROM failures")
    assert problems == [(plain, "discover", "over 3 links: cut")]

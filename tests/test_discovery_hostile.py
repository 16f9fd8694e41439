"""Hostile and broken sources: entity bombs, XXE, sitemap loops and floods, links and
redirects to places the fetcher must not go, duplicates in every spelling (issue 8)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer, Reply
from tests.newssite import NewsSite, article_html, rss, sitemap_index, urlset, write_config
from tests.newsstories import KREMLIN_REACTS, SANCTIONS, SUMMIT_OFF

pytestmark = [pytest.mark.network, pytest.mark.reliability, pytest.mark.timeout(60)]

TOPIC = '[topic]\nterms = ["Putin", "Trump", "summit", "Kremlin"]\n'
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">]>
<rss version="2.0"><channel><title>&lol7;</title>
<item><title>&lol7;</title><link>{link}</link><description>&lol7;</description></item>
</channel></rss>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>&xxe;</title><link>{link}</link><description>&xxe;</description></item>
</channel></rss>"""


@pytest.fixture
def site() -> Iterator[LocalServer]:
    with LocalServer() as server:
        server.route("/robots.txt", Reply.robots("User-agent: *\nAllow: /\n"))
        yield server


def discover(
    tmp_path: Path, warehouse: Path, site: LocalServer, *sources: str, extra: str = ""
) -> str:
    config = write_config(tmp_path / "newsflow.toml", [site.authority], TOPIC + extra)
    result = run_cli(
        "discover", *sources, "--config", str(config), "--mode", "local", warehouse=warehouse
    )
    assert result.exit_code == 0, result.output
    return result.output


def everything_stored(warehouse: Path) -> bytes:
    """Every text column of every table, the raw store and the WARC files, as bytes."""
    import duckdb

    parts: list[bytes] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        for schema, table in tables:
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            parts.append(str(rows).encode())
    for folder in (warehouse.with_name("news.raw"), warehouse.with_name("news.warc")):
        for path in folder.rglob("*.gz") if folder.exists() else ():
            parts.append(gzip.decompress(path.read_bytes()))
    return b"\n".join(parts)


@pytest.mark.parametrize("template", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_feeds_are_refused_without_expansion(
    tmp_path: Path, warehouse: Path, site: LocalServer, template: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CANARY-7f3a")
    feed = template.format(secret=secret, link=site.url("/a.html"))
    site.route("/feed.xml", Reply.text(feed, content_type="application/rss+xml"))
    output = discover(tmp_path, warehouse, site, "--feed", site.url("/feed.xml"))
    assert "entity declarations are refused" in output
    assert query(warehouse, "SELECT count(*) FROM candidates") == [(0,)]
    stored = everything_stored(warehouse)
    assert b"TOP-SECRET-CANARY-7f3a" not in stored
    assert b"lollollollol" not in stored


def test_sitemap_index_that_lists_itself_is_read_once(
    tmp_path: Path, warehouse: Path, site: LocalServer
) -> None:
    own = site.url("/index.xml")
    site.route("/index.xml", Reply.text(sitemap_index([own, site.url("/other.xml")])))
    site.route("/other.xml", Reply.text(sitemap_index([own, site.url("/index.xml#again")])))
    discover(tmp_path, warehouse, site, "--sitemap", own)
    assert [r.path for r in site.requests if r.path.endswith(".xml")] == [
        "/index.xml",
        "/other.xml",
    ]


def test_sitemap_caps_bound_links_files_and_depth(
    tmp_path: Path, warehouse: Path, site: LocalServer
) -> None:
    with LocalServer("127.0.0.3") as canary:
        flood = urlset(canary.url(f"/story-{n}.html") for n in range(500))
        site.route("/flood.xml", Reply.text(flood))
        for level in range(6):
            site.route(
                f"/deep{level}.xml", Reply.text(sitemap_index([site.url(f"/deep{level + 1}.xml")]))
            )
        limits = "[limits]\nmax_links_per_source = 40\nsitemap_depth = 2\n"
        output = discover(
            tmp_path,
            warehouse,
            site,
            "--sitemap",
            site.url("/flood.xml"),
            "--sitemap",
            site.url("/deep0.xml"),
            extra=limits,
        )
        assert canary.connections == 0
    assert query(warehouse, "SELECT count(*), min(status) FROM candidates") == [(40, "refused")]
    assert "over 40 links: cut" in output and "nested deeper than 2" in output
    assert [r.path for r in site.requests if r.path.startswith("/deep")] == [
        "/deep0.xml",
        "/deep1.xml",
        "/deep2.xml",
    ]


def test_links_to_private_and_oddly_spelt_addresses_are_refused(
    tmp_path: Path, warehouse: Path, site: LocalServer
) -> None:
    with LocalServer("127.0.0.3") as canary:
        port = canary.port
        links = [
            canary.url("/a"),
            f"http://2130706435:{port}/b",  # 127.0.0.3 as one number
            f"http://0x7f.0.0.3:{port}/c",
            f"http://[::ffff:127.0.0.3]:{port}/d",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/admin",
            "file:///etc/passwd",
            "ftp://127.0.0.1/x",
        ]
        site.route("/feed.xml", Reply.text(rss([], str, links), content_type="text/xml"))
        discover(tmp_path, warehouse, site, "--feed", site.url("/feed.xml"))
        assert canary.connections == 0
    rows = query(warehouse, "SELECT status, reason FROM candidates")
    assert len(rows) == len(links)
    assert all(status == "refused" and reason for status, reason in rows)


def test_redirects_to_refused_places_are_refused_at_that_hop(
    tmp_path: Path, warehouse: Path, site: LocalServer
) -> None:
    with LocalServer("127.0.0.3") as canary:
        site.route("/to-canary", Reply.redirect(canary.url("/x")))
        site.route("/to-file", Reply.redirect("file:///etc/passwd"))
        site.route("/to-metadata", Reply.redirect("http://169.254.169.254/latest/"))
        links = [site.url(p) for p in ("/to-canary", "/to-file", "/to-metadata")]
        site.route("/feed.xml", Reply.text(rss([], str, links), content_type="text/xml"))
        discover(tmp_path, warehouse, site, "--feed", site.url("/feed.xml"))
        assert canary.connections == 0
    rows = dict(query(warehouse, "SELECT canonical_url, status FROM candidates"))
    assert rows == dict.fromkeys(links, "refused")


def test_duplicates_in_one_batch_collapse_without_constraint_errors(
    tmp_path: Path, warehouse: Path, site: LocalServer
) -> None:
    news = NewsSite(site)
    for story in (SUMMIT_OFF, KREMLIN_REACTS, SANCTIONS):
        news.publish(story, listed=False)
    copy = site.url("/print/summit.html")  # the same text, no rel=canonical back
    site.route("/print/summit.html", Reply.html(article_html(SUMMIT_OFF, copy)))
    variants = [f"{site.url(SUMMIT_OFF.path)}?utm_source={n}#part{n}" for n in range(3)]
    links = [*variants, site.url(SUMMIT_OFF.path), copy, site.url(KREMLIN_REACTS.path)]
    links += [site.url(SANCTIONS.path) + "?gclid=1", site.url(SANCTIONS.path)]
    site.route("/feed.xml", Reply.text(rss([], str, links), content_type="text/xml"))
    output = discover(tmp_path, warehouse, site, "--feed", site.url("/feed.xml"))
    assert "3 new" in output and "duplicates           1" in output
    assert query(warehouse, "SELECT count(*), count(DISTINCT content_hash) FROM articles") == [
        (3, 3)
    ]
    duplicate = query(warehouse, "SELECT reason FROM candidates WHERE status = 'duplicate'")
    assert duplicate[0][0].startswith("same text as")
    assert len(site.requests_to(SUMMIT_OFF.path)) == 1

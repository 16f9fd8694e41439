"""A small news site on 127.0.0.1 for discovery tests: articles, a feed, sitemaps, robots.

    with LocalServer() as server:
        site = NewsSite(server)
        site.publish(STORIES[0])               # an article page, listed in feed and sitemap
        site.serve()                           # routes /feed.xml, /news-sitemap.xml, ...
        site.url("/feed.xml")

Article pages are realistic HTML: navigation, a byline, `article:published_time` and
author meta tags, ``rel=canonical``, related links, a comment section and a footer, so
extraction has boilerplate to leave out. Pages answer conditional requests (ETag and
Last-Modified), as most news sites do. Everything is plain data so tests can tell what
should land; nothing here reaches beyond the server it is given.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.httpfixture import Answer, LocalServer, Reply, conditional

SITE_NAME = "The Loopback Herald"
LAST_MODIFIED = "Wed, 22 Oct 2025 12:00:00 GMT"


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    author: str
    published: str  # ISO 8601
    paragraphs: tuple[str, ...]
    section: str = "world"

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.slug}.html"


@dataclass
class NewsSite:
    server: LocalServer
    stories: list[Story] = field(default_factory=list)
    feed_links: list[str] = field(default_factory=list)  # extra links, as written in the feed
    sitemap_links: list[str] = field(default_factory=list)
    robots: str = "User-agent: *\nDisallow: /private/\n"

    def url(self, path: str) -> str:
        return self.server.url(path)

    def publish(self, story: Story, *, listed: bool = True) -> str:
        """Serve `story` as an article page (conditional GET included); list it if asked."""
        self.server.route(story.path, self.page(story))
        if listed:
            self.stories.append(story)
        return self.url(story.path)

    def page(self, story: Story) -> Answer:
        etag = f'"{story.slug}-v1"'
        body = article_html(story, self.url(story.path))
        return conditional(Reply.html(body), etag=etag, last_modified=LAST_MODIFIED)

    def serve(self) -> None:
        links = [self.url(s.path) for s in self.stories]
        self.server.route("/robots.txt", Reply.robots(self.robots))
        self.server.route("/feed.xml", _xml(rss(self.stories, self.url, self.feed_links)))
        sitemap = news_sitemap([*links, *self.sitemap_links], self.stories)
        self.server.route("/news-sitemap.xml", _xml(sitemap))

    def serve_text_sitemap(self, path: str = "/sitemap.txt", extra: Iterable[str] = ()) -> str:
        """The listed stories, then the `extra` lines as written, as a text sitemap."""
        lines = [*(self.url(s.path) for s in self.stories), *extra]
        self.server.route(path, Reply.text(text_sitemap(lines)))
        return self.url(path)

    def requested(self, path: str) -> int:
        return len(self.server.requests_to(path))


def _xml(text: str) -> Reply:
    return Reply.text(text, content_type="application/xml; charset=utf-8")


def article_html(story: Story, canonical: str) -> str:
    paragraphs = "\n".join(f"      <p>{html.escape(p)}</p>" for p in story.paragraphs)
    title = html.escape(story.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
  <meta charset="utf-8">
  <title>{title} | {SITE_NAME}</title>
  <meta name="author" content="{html.escape(story.author)}">
  <meta property="og:site_name" content="{SITE_NAME}">
  <meta property="og:title" content="{title}">
  <meta property="article:published_time" content="{story.published}">
  <link rel="canonical" href="{canonical}">
</head><body>
  <header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/sport/">Sport</a>
    <a href="/subscribe">Subscribe</a></nav></header>
  <main><article>
    <h1>{title}</h1>
    <p class="byline">By <span class="author">{html.escape(story.author)}</span>,
      <time datetime="{story.published}">{story.published[:10]}</time></p>
    <div class="article-body">
{paragraphs}
    </div>
  </article>
  <aside class="related"><h2>More from {SITE_NAME}</h2><ul>
    <li><a href="/sport/derby.html">Derby ends in a draw</a></li>
    <li><a href="/weather/storm.html">Storm warning for the weekend</a></li></ul></aside>
  <section id="comments" class="comments"><h2>Comments</h2>
    <div class="comment"><p>Reader42: Great piece, thanks for writing it.</p></div>
  </section></main>
  <footer><p>&copy; 2025 {SITE_NAME}. All rights reserved.</p>
    <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>
"""


def rss(stories: Iterable[Story], url_of: object, extra_links: Iterable[str] = ()) -> str:
    make_url = url_of if callable(url_of) else str
    items = [
        _rss_item(s.title, make_url(s.path) + "?utm_source=rss&utm_medium=feed", s.published)
        for s in stories
    ]
    items += [_rss_item("More", link, "2025-10-22T08:00:00Z") for link in extra_links]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{SITE_NAME}</title><link>{make_url('/')}</link>"
        f"<language>en</language>{''.join(items)}</channel></rss>\n"
    )


def _rss_item(title: str, link: str, published: str) -> str:
    return (
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<pubDate>{published}</pubDate></item>"
    )


def news_sitemap(links: Iterable[str], stories: Iterable[Story]) -> str:
    dated = {s.slug: s for s in stories}
    entries = []
    for link in links:
        story = next((s for slug, s in dated.items() if f"/{slug}.html" in link), None)
        entries.append(_sitemap_entry(link, story))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{''.join(entries)}</urlset>\n"
    )


def _sitemap_entry(link: str, story: Story | None) -> str:
    if story is None:
        return f"<url><loc>{html.escape(link)}</loc></url>"
    return (
        f"<url><loc>{html.escape(link)}</loc><news:news><news:publication>"
        f"<news:name>{SITE_NAME}</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{story.published}"
        f"</news:publication_date><news:title>{html.escape(story.title)}</news:title>"
        "</news:news></url>"
    )


def sitemap_index(children: Iterable[str]) -> str:
    entries = "".join(f"<sitemap><loc>{html.escape(c)}</loc></sitemap>" for c in children)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>\n"
    )


def urlset(links: Iterable[str]) -> str:
    entries = "".join(f"<url><loc>{html.escape(link)}</loc></url>" for link in links)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )


def text_sitemap(lines: Iterable[str]) -> str:
    """A text sitemap (sitemaps.org): one URL per line, UTF-8."""
    return "".join(f"{line}\n" for line in lines)


def write_config(
    path: Path, allow_hosts: Iterable[str], extra: str = "", politeness: str = ""
) -> Path:
    """A newsflow.toml for tests: the given hosts allowed, pacing fit for loopback."""
    path.write_text(
        f"[sources]\nallow_hosts = {json.dumps(list(allow_hosts))}\n"
        "[politeness]\ndelay_s = 0.05\nbackoff_base_s = 0.01\ndeadline_s = 5.0\n"
        + politeness
        + extra,
        encoding="utf-8",
    )
    return path

"""Sitemaps (bytes we fetched) to links: XML sitemaps, sitemap indexes, Google News
sitemaps, and text sitemaps.

A ``<urlset>`` gives article links, with ``<lastmod>`` and, in a news sitemap, the
``<news:news>`` block (publication name and language, publication date, title,
keywords); a ``<sitemapindex>`` gives child sitemaps, which the caller fetches with a
bounded depth and a visited set (see `flows.discover_sources`). Entries past `max_urls`
are not read and the result says it was truncated. Parsing goes through the XML guard.

A text sitemap (sitemaps.org) is one fully specified URL per line, UTF-8, at most 50,000
URLs and 50 MB, gzipped or not. Which kind a document is, the bytes decide, not the
Content-Type (servers label both loosely): XML starts with ``<`` (after a byte-order mark
and white space), a text sitemap never does. Its lines that are not absolute http(s)
URLs (relative paths, comments, other schemes, over-long ones) are skipped.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from extractors.feeds import iso_datetime
from extractors.links import MAX_URL_CHARS, FoundLink, SitemapDocument
from extractors.urls import absolute_url
from extractors.xmlsafe import (
    DEFAULT_MAX_XML_BYTES,
    XMLRefused,
    child_text,
    find_child,
    inflate_if_gzipped,
    local_name,
    parse_xml,
)

DEFAULT_MAX_URLS = 50_000  # the sitemap protocol's own limit per file


class SitemapRefused(ValueError):
    """Not a sitemap we will read: hostile, oversized, broken, or another XML document."""


def parse_sitemap(
    data: bytes,
    sitemap_url: str,
    max_urls: int = DEFAULT_MAX_URLS,
    max_bytes: int = DEFAULT_MAX_XML_BYTES,
) -> SitemapDocument:
    try:
        data = inflate_if_gzipped(data, max_bytes)
        if is_text_sitemap(data):
            return parse_text_sitemap(data, max_urls)
        root = parse_xml(data, max_bytes)
    except XMLRefused as error:
        raise SitemapRefused(str(error)) from None
    kind = local_name(root)
    if kind == "urlset":
        links = _entries(root, "url", max_urls)
        found = tuple(_url_link(entry, sitemap_url) for entry in links)
        return SitemapDocument(links=_usable(found), truncated=_truncated(root, "url", max_urls))
    if kind == "sitemapindex":
        entries = _entries(root, "sitemap", max_urls)
        children = (absolute_url(child_text(e, "loc") or "", sitemap_url) for e in entries)
        usable = tuple(c for c in children if _usable_url(c))
        return SitemapDocument(children=usable, truncated=_truncated(root, "sitemap", max_urls))
    raise SitemapRefused(f"not a sitemap: root element <{kind}>")


def _entries(root: Element, name: str, cap: int) -> list[Element]:
    found: list[Element] = []
    for child in root:
        if local_name(child) == name:
            found.append(child)
            if len(found) >= cap:
                break
    return found


def _truncated(root: Element, name: str, cap: int) -> bool:
    return sum(1 for child in root if local_name(child) == name) > cap


def _url_link(entry: Element, base: str) -> FoundLink:
    news = find_child(entry, "news")
    publication = find_child(news, "publication") if news is not None else None
    published = child_text(news, "publication_date") if news is not None else None
    keywords = (child_text(news, "keywords") or "") if news is not None else ""
    return FoundLink(
        url=absolute_url(child_text(entry, "loc") or "", base),
        title=child_text(news, "title") if news is not None else None,
        published_at=iso_datetime(published or child_text(entry, "lastmod")),
        language=child_text(publication, "language") if publication is not None else None,
        publisher=child_text(publication, "name") if publication is not None else None,
        keywords=tuple(k.strip() for k in keywords.split(",") if k.strip())[:20],
    )


def _usable(links: tuple[FoundLink, ...]) -> tuple[FoundLink, ...]:
    return tuple(link for link in links if _usable_url(link.url))


def _usable_url(url: str) -> bool:
    return bool(url) and len(url) <= MAX_URL_CHARS and "://" in url


def is_text_sitemap(data: bytes) -> bool:
    """Not XML: XML starts with ``<`` (UTF-16 XML with its byte-order mark)."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(head) and not head.startswith((b"<", b"\xff\xfe", b"\xfe\xff"))


def parse_text_sitemap(data: bytes, max_urls: int = DEFAULT_MAX_URLS) -> SitemapDocument:
    """One URL per line; SitemapRefused when no line is one (a binary or an error page)."""
    lines = data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    urls = [line.strip() for line in lines if _text_url(line.strip())]
    if not urls and any(line.strip() for line in lines):
        raise SitemapRefused("not a sitemap: no line is an absolute http(s) URL")
    links = tuple(FoundLink(url=url) for url in urls[:max_urls])
    return SitemapDocument(links=links, truncated=len(urls) > max_urls)


def _text_url(line: str) -> bool:
    if not line.lower().startswith(("http://", "https://")) or len(line) > MAX_URL_CHARS:
        return False
    try:
        parts = urlsplit(line)
        usable = bool(parts.hostname) and (parts.port is None or parts.port >= 0)
    except ValueError:  # a port out of range, a bad host spelling
        return False
    return usable and not any(c.isspace() for c in line)

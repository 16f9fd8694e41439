"""Canonical URLs: one spelling per article, whatever link led to it.

`canonical_url` drops what does not change the page: tracking parameters (utm_*, fbclid,
gclid and the rest of courlan's list), the fragment, default ports, letter case of scheme
and host; query parameters are sorted. `declared_canonical` reads the page's own
``<link rel="canonical">``, which wins when it names a page on the same site (a page may
not claim to be another site's article: that would let any site overwrite any article).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url, scrub_url

_HTTP = ("http", "https")
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_HEAD_BYTES = 256 * 1024  # rel=canonical lives in <head>; no need to scan a whole page


def canonical_url(url: str) -> str:
    """The URL's canonical spelling; a URL that is not plain http(s) comes back trimmed."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        if parts.scheme.lower() not in _HTTP or not parts.hostname:
            return text
        cleaned = urlsplit(normalize_url(scrub_url(text)))
    except ValueError:  # courlan and urllib raise it for bad ports and hosts
        return text
    return urlunsplit((cleaned.scheme, cleaned.netloc, cleaned.path or "/", cleaned.query, ""))


def absolute_url(link: str, base: str) -> str:
    """`link` resolved against `base`, as a browser would; whitespace around it dropped."""
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return link.strip()


def site_of(url: str) -> str:
    """``host[:port]`` without a leading ``www.``: the unit "same site" is judged by."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""


def same_site(first: str, second: str) -> bool:
    site = site_of(first)
    return bool(site) and site == site_of(second)


def declared_canonical(page: bytes, base_url: str) -> str | None:
    """The page's ``<link rel="canonical" href>``, absolute; None if absent or not http(s)."""
    for tag in _LINK_TAG.finditer(page[:_HEAD_BYTES]):
        attributes = _attributes(tag.group(0))
        if "canonical" in attributes.get("rel", "").lower().split() and attributes.get("href"):
            target = absolute_url(attributes["href"], base_url)
            return target if urlsplit(target).scheme in _HTTP else None
    return None


def _attributes(tag: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        value = next(v for v in match.groups()[1:] if v is not None)
        found.setdefault(match.group(1).decode("ascii").lower(), _text(value))
    return found


def _text(value: bytes) -> str:
    # Attribute values are ASCII in practice; latin-1 never fails and keeps bytes 1:1.
    return html.unescape(value.decode("latin-1")).strip()


def article_url(final_url: str, page: bytes | None) -> str:
    """Where an article lives: its declared canonical if on the same site, else final URL."""
    declared = declared_canonical(page, final_url) if page else None
    chosen = declared if declared and same_site(declared, final_url) else final_url
    return canonical_url(chosen)

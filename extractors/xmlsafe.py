"""Parsing untrusted XML (feeds, sitemaps) without letting it expand or reach out.

Feeds and sitemaps come from servers we do not control. Entity declarations are what
billion-laughs (exponential expansion) and XXE (``SYSTEM "file:///etc/passwd"``) need, and
no real feed or sitemap declares any, so a document that declares one is refused before
any parser expands it: first by a byte scan (which also covers documents too broken for
an XML parser, that feedparser's lenient parser would still read), then by defusedxml.
A plain DOCTYPE (RSS 0.91 has one) is allowed: expat never fetches external DTDs here.
Gzipped sitemaps are inflated within a cap, so a compression bomb stops at the cap.
"""

from __future__ import annotations

import re
import zlib
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

DEFAULT_MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
_STEP = 64 * 1024


class XMLRefused(ValueError):
    """The document is hostile (entity declarations), too large, or not XML at all."""


class XMLMalformed(XMLRefused):
    """Not well-formed: refused for sitemaps, left to feedparser's lenient parser for feeds."""


def refuse_entities(data: bytes) -> None:
    """Raise XMLRefused if `data` declares entities, in UTF-8 or (byte-wise) UTF-16."""
    if _ENTITY_DECLARATION.search(data) or _ENTITY_DECLARATION.search(data.replace(b"\0", b"")):
        raise XMLRefused("entity declarations are refused (billion laughs / XXE guard)")


def parse_xml(data: bytes, max_bytes: int = DEFAULT_MAX_XML_BYTES) -> Element:
    """The root element of untrusted XML; XMLRefused for hostile, oversized or broken input."""
    data = inflate_if_gzipped(data, max_bytes)
    refuse_entities(data)
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise XMLRefused(f"refused: {type(error).__name__}") from None
    except ParseError as error:
        raise XMLMalformed(f"not well-formed XML: {error}") from None


def inflate_if_gzipped(data: bytes, max_bytes: int) -> bytes:
    """`data` itself, or its gzip content if it is gzipped, never more than `max_bytes`."""
    if not data.startswith(_GZIP_MAGIC):
        if len(data) > max_bytes:
            raise XMLRefused(f"document exceeds {max_bytes} bytes")
        return data
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    pieces: list[bytes] = []
    try:
        pending = data
        while pending and not inflater.eof:
            pieces.append(inflater.decompress(pending, _STEP))
            pending = inflater.unconsumed_tail
            _check_size(pieces, max_bytes)
        pieces.append(inflater.flush())
    except zlib.error as error:
        raise XMLRefused(f"corrupt gzip: {error}") from None
    _check_size(pieces, max_bytes)
    return b"".join(pieces)


def _check_size(pieces: list[bytes], max_bytes: int) -> None:
    if sum(len(piece) for piece in pieces) > max_bytes:
        raise XMLRefused(f"gzipped document exceeds {max_bytes} bytes when inflated")


def local_name(element: Element) -> str:
    """The tag without its namespace: ``{http://...}loc`` -> ``loc``."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def child_text(element: Element, name: str) -> str | None:
    """Text of the first direct child called `name` (any namespace), stripped."""
    for child in element:
        if local_name(child) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def find_child(element: Element, name: str) -> Element | None:
    return next((child for child in element if local_name(child) == name), None)

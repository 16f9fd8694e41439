"""HTML pages through trafilatura: main text without comments, plus metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from lxml.etree import ElementDefaultClassLookup, XPath
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.external import SANITIZED_XPATH as UNCLEAN
from trafilatura.settings import Document
from trafilatura.utils import HTML_PARSER, load_html

from extractors.errors import EmptyDocument
from extractors.fast_xpaths import speed_up_trafilatura
from extractors.metadata import page_metadata
from extractors.records import Extracted

_AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|,|\band\b|&|\|)\s*")
_WHITESPACE = re.compile(r"\s+")
# A first extraction shorter than this gets trafilatura's whole cascade (see _main_text):
# four times its own minimum (`min_extracted_size`, 250), about two short paragraphs.
FULL_CASCADE_BELOW_CHARS = 1000
# ... and so does one with this share of the page's whole text: likely the baseline's dump
# (generated news pages measure 0.1-0.8, whole-page dumps about 1.0).
WHOLE_PAGE_SHARE = 0.9
# Plain strings: lxml's default "smart" strings each keep a link to their parent node,
# which made this count 5 % of a page's extraction (issue 7).
_PAGE_TEXT = XPath("//body//text()[not(parent::script or parent::style)]", smart_strings=False)


def _use_c_element_lookup() -> None:
    """Give trafilatura's parser a class lookup done in C, not in Python.

    lxml.html picks each node's class with a Python callback (HtmlElementClassLookup),
    called for every node a page's walk touches: 3 % of extraction here. The C lookup
    makes every element a plain HtmlElement (no form-field subclasses, which trafilatura
    never uses); the extracted records are identical (tests/test_html_cascade.py).
    """
    lookup = ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
    HTML_PARSER.set_element_class_lookup(lookup)


_use_c_element_lookup()
speed_up_trafilatura()


def parse_html(html: str, url: str | None = None) -> Extracted:
    """The page parsed once: metadata from the tree, then the text from a copy of it."""
    tree = load_html(html)
    if tree is None:
        raise EmptyDocument("no HTML tree could be parsed from the page")
    metadata = page_metadata(tree, url)
    text = _main_text(tree, url or metadata.url)
    title = _clean(metadata.title)
    return Extracted(
        lines=_body_lines(text, title),
        title=title,
        authors=split_authors(metadata.author),
        published_at=parse_date(metadata.date),
        site_name=_clean(metadata.sitename),
        canonical_url=_clean(metadata.url),
    )


def _main_text(tree: HtmlElement, url: str | None) -> str:
    """trafilatura's own extractor first; its full cascade only where it can change the text.

    The cascade's second stage runs readability (and sometimes jusText) on every page; it
    replaces trafilatura's own text only when that text is short, lacks paragraphs, holds
    leftovers such as navigation, or is under half of readability's. That stage costs
    about 30 % of extraction (issue 7's profile). Without it a weak first result falls to
    the baseline, a dump of the whole page's text. So the cascade runs whenever the first
    result is short, paragraph-less, unclean or nearly the whole page's text.
    """
    first = _extracted(tree, url, fast=True)
    if first.weak or len(first.text) >= WHOLE_PAGE_SHARE * _page_text_length(tree):
        return _extracted(tree, url, fast=False).text
    return first.text


def _page_text_length(tree: HtmlElement) -> int:
    # A tenth of the cost of trafilatura's html2txt; counts a little more (menus too).
    return sum(len(text.strip()) for text in _PAGE_TEXT(tree))


@dataclass(frozen=True)
class _Text:
    text: str
    weak: bool  # short, without paragraphs, or with page furniture left in


def _extracted(tree: HtmlElement, url: str | None, *, fast: bool) -> _Text:
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=False,
        fast=fast,
    )
    if not isinstance(document, Document) or document.body is None or not document.text:
        raise EmptyDocument("no article text found in the page")
    body, text = document.body, document.text
    short = len(text) < FULL_CASCADE_BELOW_CHARS
    return _Text(text, short or not body.xpath(".//p//text()") or bool(body.xpath(UNCLEAN)))


def _body_lines(text: str, title: str | None) -> tuple[str, ...]:
    lines = [_WHITESPACE.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    # trafilatura keeps the <h1> as the first line; the title has its own field.
    if title and lines and lines[0] == title:
        lines = lines[1:]
    return tuple(lines)


def split_authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    names = (_clean(name) for name in _AUTHOR_SEPARATORS.split(author))
    return tuple(dict.fromkeys(name for name in names if name))


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clean(value: str | None) -> str | None:
    cleaned = _WHITESPACE.sub(" ", value).strip() if value else ""
    return cleaned or None

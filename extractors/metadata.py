"""Page metadata through trafilatura's own extractors, minus the fields newsflow never keeps.

`trafilatura.bare_extraction(with_metadata=True)` also collects categories, tags and the
licence; those walk every link and footer of the page and cost about a sixth of the whole
extraction (issue 7's profile), for fields that have no column. This runs the same steps
in the same order for title, authors, canonical URL, date and site name, on a tree the
caller parsed once and passes on to the text extraction. trafilatura is pinned, and
tests/test_html_metadata.py checks these fields against its `extract_metadata`.
"""

from __future__ import annotations

from typing import Any

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params


def page_metadata(tree: HtmlElement, url: str | None = None) -> Document:
    """Title, author, URL, date and site name as trafilatura would find them; reads only."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a single token is a handle or a section, not a name
    metadata = _with_json_ld(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, **_date_params(metadata.url))
    metadata.sitename = _site_name(tree, metadata)
    metadata.clean_and_trim()
    return metadata


def _with_json_ld(tree: HtmlElement, metadata: Document) -> Document:
    try:
        return extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's own guard: its JSON-LD reader has known bugs
        return metadata


def _date_params(url: str | None) -> dict[str, Any]:
    return {**set_date_params(True), "url": url}


def _site_name(tree: HtmlElement, metadata: Document) -> str | None:
    name = metadata.sitename or extract_sitename(tree)
    if name:
        name = name.lstrip("@")
        return name if "." in name or name[:1].isupper() else name.title()
    match = META_URL.match(metadata.url) if metadata.url else None
    return match[1] if match else None

"""extractors/html.py runs trafilatura's full cascade only where it can change the text.

The check is against trafilatura itself: on every page kind the project generates, and on
pages built to be weak for the first pass (short, or with no paragraphs), the body
newsflow extracts is the one the full cascade gives.
"""

from __future__ import annotations

import pytest
import trafilatura
from lxml.etree import tostring
from trafilatura.utils import load_html

from bench.pages import OUTLETS, page_html
from extractors.html import FULL_CASCADE_BELOW_CHARS, _extracted, parse_html
from tests.newssite import article_html
from tests.newsstories import ON_TOPIC, SYNDICATED

URL = "http://127.0.0.1:8000/world/x.html"
SENTENCE = "Negotiators from both delegations met again on Tuesday in Geneva. "
MENU = "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(30))


def full_cascade_lines(html: str) -> list[str]:
    document = trafilatura.bare_extraction(
        html, url=URL, include_comments=False, include_tables=False, with_metadata=True
    )
    assert document is not None
    return [" ".join(line.split()) for line in (document.text or "").split("\n") if line.strip()]


def page(body: str) -> str:
    head = "<head><title>Talks</title></head>"
    return f"<html>{head}<body><nav><ul>{MENU}</ul></nav>{body}</body></html>"


def body_lines(html: str) -> list[str]:
    return list(parse_html(html, URL).lines)


@pytest.mark.parametrize(
    "html",
    [article_html(story, URL) for story in (*ON_TOPIC, SYNDICATED)]
    + [page_html(index) for index in range(len(OUTLETS) * 4)],
)
def test_generated_pages_get_the_full_cascades_text(html: str) -> None:
    title = parse_html(html, URL).title
    expected = full_cascade_lines(html)
    if expected and expected[0] == title:
        expected = expected[1:]
    assert body_lines(html) == expected


def test_a_short_first_pass_gets_the_full_cascade() -> None:
    html = page(f"<article><p>{SENTENCE * 3}</p></article>")
    first = _extracted(load_html(html), URL, fast=True)
    assert first.weak and 0 < len(first.text) < FULL_CASCADE_BELOW_CHARS
    assert body_lines(html) == [line for line in full_cascade_lines(html) if line != "Talks"]


@pytest.mark.parametrize("wrapper", ["<div id='main'>{}</div>", "<center><font>{}</font></center>"])
def test_a_whole_page_dump_gets_the_full_cascade(wrapper: str) -> None:
    """trafilatura's own extractor finds nothing in loose spans; without the cascade the
    baseline dumps the whole page, menus included; with it, the article alone remains."""
    spans = "".join(f"<span>{SENTENCE * 2}</span>" for _ in range(10))
    html = page(wrapper.format(spans))
    first = _extracted(load_html(html), URL, fast=True)
    assert "Section 7" in first.text  # what the first pass alone would land
    lines = body_lines(html)
    assert lines == [line for line in full_cascade_lines(html) if line != "Talks"]
    assert not any("Section" in line for line in lines)


def _stock_tree(html: str) -> object:
    # lxml.html's own parser set-up, with its Python class lookup (what trafilatura ships).
    import lxml.html

    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True
    )
    return lxml.html.fromstring(html, parser=parser)


@pytest.mark.parametrize("index", range(0, 120, 7))
def test_the_c_class_lookup_extracts_what_lxml_html_does(index: int) -> None:
    """extractors/html.py gives trafilatura's parser a C class lookup; same output."""
    html = page_html(index)
    stock_tree = _stock_tree(html)
    assert type(stock_tree.find(".//body")).__name__ == "HtmlElement"
    assert type(load_html(html)).__name__ == "HtmlElement"
    options = {"url": URL, "include_comments": False, "with_metadata": True}
    ours = trafilatura.bare_extraction(load_html(html), **options)
    stock = trafilatura.bare_extraction(stock_tree, **options)
    assert ours is not None and stock is not None
    trees = {"body", "commentsbody"}  # elements: compared by their serialisation
    assert {k: v for k, v in ours.as_dict().items() if k not in trees} == {
        k: v for k, v in stock.as_dict().items() if k not in trees
    }
    assert tostring(ours.body) == tostring(stock.body)
    assert parse_html(html, URL).lines  # and newsflow's own path gives a body

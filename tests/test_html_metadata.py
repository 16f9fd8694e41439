"""extractors/metadata.py finds what trafilatura's own `extract_metadata` finds.

It re-runs trafilatura's metadata steps without categories, tags and licence (issue 7's
profile); this keeps it honest against the pinned trafilatura on pages of every kind the
project generates: the fixture news site's articles and the benchmark's five outlets.
"""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from bench.pages import OUTLETS, page_html
from extractors.html import parse_html
from extractors.metadata import page_metadata
from tests.newssite import article_html
from tests.newsstories import OFF_TOPIC, ON_TOPIC, SYNDICATED

FIELDS = ("title", "author", "url", "date", "sitename")
SITE_PAGES = [
    article_html(story, f"http://127.0.0.1:8000{story.path}")
    for story in (*ON_TOPIC, OFF_TOPIC, SYNDICATED)
]
BENCH_PAGES = [page_html(index) for index in range(len(OUTLETS) * 3)]


@pytest.mark.parametrize("html", SITE_PAGES + BENCH_PAGES)
def test_fields_match_trafilatura(html: str) -> None:
    tree = load_html(html)
    ours = page_metadata(tree, "http://127.0.0.1:8000/x.html")
    theirs = extract_metadata(tree, "http://127.0.0.1:8000/x.html")
    assert {f: getattr(ours, f) for f in FIELDS} == {f: getattr(theirs, f) for f in FIELDS}
    assert ours.title and ours.date


def test_site_name_from_the_url_when_the_page_names_none() -> None:
    html = (
        "<html><head><title>Talks resume</title>"
        '<link rel="canonical" href="https://www.example.org/a.html"></head>'
        "<body><article><p>" + "Talks resume in Geneva on Monday. " * 20 + "</p></article>"
        "</body></html>"
    )
    ours = page_metadata(load_html(html))
    assert ours.sitename == extract_metadata(html).sitename == "example.org"


def test_the_tree_is_parsed_once_and_left_as_it_was() -> None:
    html = SITE_PAGES[0]
    tree = load_html(html)
    before = len(list(tree.iter()))
    page_metadata(tree)
    assert len(list(tree.iter())) == before
    record = parse_html(html, "http://127.0.0.1:8000/world/x.html")
    assert record.title and record.authors and record.published_at and record.lines

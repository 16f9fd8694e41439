"""extractors/fast_xpaths.py rewrites trafilatura's XPaths; they must select the same nodes.

Checked three ways: the rewrites on small paths (and where they must not apply), every
swapped-in XPath against the one trafilatura wrote on generated and hand-made pages, and
whole extractions against stock trafilatura in a fresh interpreter that never loads
newsflow's extractors.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import trafilatura
from lxml.etree import XPath
from trafilatura.utils import load_html

from bench.pages import OUTLETS, page_html
from extractors import html as _loads_the_swap  # noqa: F401  (imported for its effect)
from extractors.fast_xpaths import REGEXP_NS, _compiled, guarded, original_paths, unioned
from tests.newssite import article_html
from tests.newsstories import ON_TOPIC, SYNDICATED

URL = "http://127.0.0.1:8000/world/x.html"
PARAGRAPH = "<p>Negotiators from both delegations met again on Tuesday in Geneva, they said.</p>"
# Markup the rewritten paths test for: comment sections, infinite scroll, share bars,
# cookie banners, bylines; empty and upper-case attributes; trafilatura's own tag names.
TRICKY_PAGE = f"""<html><head><title>Talks</title></head><body>
<div class="" id=""><section class="Comments">{PARAGRAPH}</section></div>
<article class="post"><h1 class="entry-title">Talks resume</h1>
<p class="byline">By <a rel="author" href="/a">Ana Ruiz</a> and
<span class="author">Li Wei</span></p>
{PARAGRAPH * 6}
<aside class="mvp-post-add-box"><h1>Next story</h1>{PARAGRAPH}</aside>
<div class="elementor-share-buttons"><a href="/s">Share</a></div>
<div id="comments"><ol class="comment-list"><li>{PARAGRAPH}</li></ol></div>
<div id="disqus_thread"></div><section class="commentary">{PARAGRAPH}</section>
<list class="comment-list"><item>{PARAGRAPH}</item></list>
<div style="display:none">{PARAGRAPH}</div><span id="hidden-note">x</span>
</article>
<div class="cookie-banner" id="onetrust-consent-sdk">We use cookies.</div>
<div class="CookieBanner">Accept</div>
<div id="main"><div class="content">{PARAGRAPH * 2}</div></div>
<footer class="site-footer"><div class="tags"><a href="/t">Talks</a></div></footer>
</body></html>"""


def corpus() -> list[str]:
    pages = [page_html(index) for index in range(0, len(OUTLETS) * 6, 2)]
    stories = [article_html(story, URL) for story in (*ON_TOPIC, SYNDICATED)]
    return [TRICKY_PAGE, *pages, *stories]


def test_a_test_on_an_attribute_is_guarded_by_its_presence() -> None:
    assert guarded("//*[re:test(@class, 'nav')]") == "//*[((@class) and re:test(@class, 'nav'))]"
    assert guarded("//*[re:test(@id|@class, '^x', 'i')]") == (
        "//*[((@id or @class) and re:test(@id|@class, '^x', 'i'))]"
    )


@pytest.mark.parametrize("pattern", ["a*", "^$|x", "(?:nav)?"])
def test_a_pattern_that_matches_nothing_at_all_keeps_its_callback(pattern: str) -> None:
    path = f"//*[re:test(@class, '{pattern}')]"
    assert guarded(path) == path


def test_a_leading_list_of_names_becomes_a_union() -> None:
    assert unioned(".//*[self::div or self::aside][@id]") == "(.//div|.//aside)[@id]"
    assert unioned(".//*[self::div or self::p][not(.//h1)]") == "(.//div|.//p)[not(.//h1)]"
    assert unioned("(//*[self::h1 or self::h2][@class])[1]") == "((//h1|//h2)[@class])[1]"


def test_guarding_twice_guards_once_and_other_prefixes_are_left_alone() -> None:
    path = "//*[re:test(@class, 'nav')]"
    assert guarded(guarded(path)) == guarded(path)
    assert guarded("//*[xre:test(@class, 'nav')]") == "//*[xre:test(@class, 'nav')]"


def test_a_rewrite_that_does_not_compile_keeps_the_original() -> None:
    original = XPath("//a")
    assert _compiled("//a[", original) is original


@pytest.mark.parametrize(
    "path",
    [
        ".//*[self::div or self::p][2]",
        ".//*[self::div or self::p][(1)]",
        ".//*[self::div or self::p][1 + 0]",
        ".//*[self::div or self::p][$n]",
        ".//*[self::div or self::p][count(a)]",
        ".//*[self::div or self::p][string-length(@id)]",
        ".//*[self::div or self::p][position() < 3]",
        ".//*[self::div or self::p][@id][last()]",
        ".//*[self::div and @id]",  # not a plain list of names
        ".//p[self::p or self::div]",
    ],
)
def test_positions_and_other_shapes_are_left_alone(path: str) -> None:
    assert unioned(path) == path


def test_trafilatura_runs_with_rewritten_xpaths() -> None:
    assert len(original_paths()) >= 20
    from trafilatura import core

    assert all(xpath.path in original_paths() for xpath in core.RAW_TREE_PRUNE_XPATH)


@pytest.mark.parametrize("rewritten", sorted(original_paths()))
def test_each_rewritten_xpath_selects_what_the_original_does(rewritten: str) -> None:
    ours = XPath(rewritten, namespaces={"re": REGEXP_NS})
    theirs = XPath(original_paths()[rewritten], namespaces={"re": REGEXP_NS})
    for html in corpus():
        tree = load_html(html)
        paths = tree.getroottree().getpath
        assert [paths(node) for node in ours(tree)] == [paths(node) for node in theirs(tree)]


def test_the_tricky_page_exercises_the_rewritten_paths() -> None:
    """Without hits on both sides, the comparison above would prove little."""
    tree = load_html(TRICKY_PAGE)
    hits = [XPath(path, namespaces={"re": REGEXP_NS})(tree) for path in original_paths()]
    assert sum(bool(found) for found in hits) >= 10


OPTION_SETS = [
    {"include_comments": False, "include_tables": False, "with_metadata": True},
    {"include_comments": False, "include_tables": False, "fast": True},
    {},
    {"favor_precision": True},
    {"favor_recall": True, "with_metadata": True},
]
_STOCK = """
import json, sys
from pathlib import Path
import trafilatura
assert "extractors" not in sys.modules
pages = json.loads(Path(sys.argv[1]).read_text())
options = json.loads(sys.argv[2])
rows = [[trafilatura.extract(page, url=sys.argv[3], **o) for o in options] for page in pages]
print(json.dumps(rows))
"""


def test_extractions_equal_stock_trafilaturas(tmp_path: Path) -> None:
    pages = corpus()
    (tmp_path / "pages.json").write_text(json.dumps(pages))
    command = [sys.executable, "-c", _STOCK, str(tmp_path / "pages.json"), json.dumps(OPTION_SETS)]
    stock = json.loads(subprocess.run([*command, URL], capture_output=True, check=True).stdout)
    ours = [[trafilatura.extract(page, url=URL, **o) for o in OPTION_SETS] for page in pages]
    assert ours == stock
    assert all(any(text for text in row) for row in ours)

"""Invented outlets: HTML page templates that wrap a body the way real news sites do.

Each outlet has its own furniture (masthead, navigation, sidebar, related-links box,
footer), which trafilatura is expected to drop, and its own way of putting calls to action
*inside* the article body (a boxed appeal with a heading and a button, a newsletter form, a
"Read also" paragraph with a link), which is what survives it. Pages are deterministic: the
same inputs always give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

ARTICLE = "article"
Labelled = Sequence[tuple[str, str]]  # (label, text): "article" or a boilerplate category
BUTTON_MAX_CHARS = 32  # a short last line of an appeal box is rendered as its button


@dataclass(frozen=True)
class Outlet:
    name: str
    language: str
    furniture: Callable[[str], tuple[str, str]]  # site name -> (before body, after body)
    box: Callable[[str, Sequence[str]], str]  # category, lines -> in-body boilerplate HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _links(labels: Sequence[str], prefix: str = "/") -> str:
    return "".join(
        f'<li><a href="{prefix}{n}-{_slug(label)}">{_e(label)}</a></li>'
        for n, label in enumerate(labels)
    )


def _slug(text: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split()[:6])


_NAV = ["World", "Politics", "Business", "Science", "Culture", "Opinion", "Sport"]
_MOST_READ = [
    "Ministers clash over the budget in a late-night session",
    "Storm leaves thousands without power along the coast",
    "Court rules on the disputed election in the north",
    "Inside the race to build a cheaper battery",
]
_RELATED = [
    "How the harbour deal came together",
    "Timeline: ten years of negotiations",
    "Analysis: what the vote means for the region",
]


def _classic_furniture(site: str) -> tuple[str, str]:
    before = (
        f'<header class="masthead"><a class="logo" href="/">{_e(site)}</a>'
        f'<nav class="main-nav"><ul>{_links(_NAV)}</ul></nav></header>'
        '<div class="layout"><main><article class="story">'
    )
    after = (
        "</article></main>"
        f'<aside class="sidebar"><h2>Most read</h2><ol>{_links(_MOST_READ, "/story/")}</ol></aside>'
        "</div>"
        f'<footer class="site-footer"><p>© 2025 {_e(site)}. All rights reserved.</p>'
        '<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
        '<li><a href="/privacy">Privacy policy</a></li></ul></footer>'
    )
    return before, after


def _magazine_furniture(site: str) -> tuple[str, str]:
    before = (
        f'<div id="top"><div class="brand">{_e(site)}</div>'
        f'<div class="menu"><ul>{_links(_NAV, "/section/")}</ul></div>'
        '<div class="breadcrumbs"><a href="/">Home</a> › <a href="/news">News</a></div></div>'
        '<div id="content"><div class="entry-content">'
    )
    after = (
        '</div><div class="related-box"><h3>Related stories</h3>'
        f"<ul>{_links(_RELATED, '/related/')}</ul></div>"
        '<div class="tags"><a href="/tag/a">Harbour</a> <a href="/tag/b">Council</a></div></div>'
        f'<div id="footer">{_e(site)} · Independent since 1998 · '
        '<a href="/imprint">Imprint</a> · <a href="/jobs">Jobs</a></div>'
    )
    return before, after


def _portal_furniture(site: str) -> tuple[str, str]:
    before = (
        f'<div class="header"><span class="site">{_e(site)}</span>'
        f'<ul class="nav">{_links(_NAV, "/rubric/")}</ul></div>'
        '<div class="share-top"><a href="/share/fb">Facebook</a> <a href="/share/tg">Telegram</a>'
        '</div><div class="article-body" itemprop="articleBody">'
    )
    after = (
        f'</div><div class="news-feed"><h4>Новости</h4><ul>{_links(_MOST_READ, "/n/")}</ul></div>'
        f'<div class="footer-wrap"><p>{_e(site)} — 18+</p>'
        '<p><a href="/rules">Правила</a> <a href="/ads">Реклама</a></p></div>'
    )
    return before, after


def _p(line: str) -> str:
    return f"<p>{_e(line)}</p>"


def _boxed(category: str, lines: Sequence[str]) -> str:
    """An appeal or sign-up box: heading, paragraphs, and a button for a short last line."""
    head, *rest = lines
    parts = [f"<h3>{_e(head)}</h3>" if len(lines) > 1 and len(head) <= 60 else _p(head)]
    if rest and len(rest[-1]) <= BUTTON_MAX_CHARS:
        parts += [_p(line) for line in rest[:-1]]
        parts.append(f'<p><a class="button" href="/{category}">{_e(rest[-1])}</a></p>')
    else:
        parts += [_p(line) for line in rest]
    return f'<div class="promo promo-{category}">{"".join(parts)}</div>'


def _plain(category: str, lines: Sequence[str]) -> str:
    """Boilerplate written straight into the body as paragraphs, links for related lines."""
    if category == "related_links":
        return "".join(f'<p><a href="/read/{_slug(line)}">{_e(line)}</a></p>' for line in lines)
    return "".join(_p(line) for line in lines)


OUTLETS = (
    Outlet("classic", "any", _classic_furniture, _boxed),
    Outlet("magazine", "any", _magazine_furniture, _plain),
    Outlet("portal", "any", _portal_furniture, _boxed),
)


def render_page(outlet: Outlet, site: str, title: str, lines: Labelled, language: str) -> str:
    """A full HTML page; article lines are paragraphs, boilerplate runs are the outlet's box."""
    before, after = outlet.furniture(site)
    body = "".join(
        "".join(_p(text) for _, text in run) if label == ARTICLE else outlet.box(label, _texts(run))
        for label, run in ((label, list(run)) for label, run in groupby(lines, key=lambda x: x[0]))
    )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{_e(title)} | {_e(site)}</title></head><body>"
        f"{before}<h1>{_e(title)}</h1>{body}{after}</body></html>"
    )


def _texts(run: Sequence[tuple[str, str]]) -> list[str]:
    return [text for _, text in run]

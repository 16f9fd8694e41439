"""Invented outlets: HTML page templates that wrap a body the way real news sites do.

Each outlet has its own furniture (masthead, navigation, sidebar, related-links box,
footer), in the page's language, which trafilatura is expected to drop, and its own way
of putting calls to action *inside* the article body: a boxed appeal with a heading and a
button, a newsletter form, a "Read also" paragraph with a link, or plain paragraphs. Some
of those survive trafilatura, some (an `<aside>`) do not, as on real sites. Pages are
deterministic: the same inputs always give the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

ARTICLE = "article"
Labelled = Sequence[tuple[str, str]]  # (label, text): "article" or a boilerplate category
BUTTON_MAX_CHARS = 32  # a short last line of an appeal box is rendered as its button

# Furniture labels: sections, "most read", "related", "all rights reserved", "about us".
LABELS = {
    "en": (
        ["World", "Politics", "Business", "Culture", "Sport"],
        "Most read",
        "Related stories",
        "All rights reserved",
        "About us",
    ),
    "de": (
        ["Welt", "Politik", "Wirtschaft", "Kultur", "Sport"],
        "Meistgelesen",
        "Mehr zum Thema",
        "Alle Rechte vorbehalten",
        "Über uns",
    ),
    "fr": (
        ["Monde", "Politique", "Économie", "Culture", "Sport"],
        "Les plus lus",
        "Sur le même sujet",
        "Tous droits réservés",
        "Qui sommes-nous",
    ),
    "es": (
        ["Mundo", "Política", "Economía", "Cultura", "Deportes"],
        "Lo más leído",
        "Noticias relacionadas",
        "Todos los derechos reservados",
        "Quiénes somos",
    ),
    "ru": (
        ["Мир", "Политика", "Экономика", "Культура", "Спорт"],
        "Самое читаемое",
        "По теме",
        "Все права защищены",
        "О нас",
    ),
    "uk": (
        ["Світ", "Політика", "Економіка", "Культура", "Спорт"],
        "Найпопулярніше",
        "За темою",
        "Усі права захищені",
        "Про нас",
    ),
}
_HEADLINES = [
    "Ministers clash over the budget in a late-night session",
    "Storm leaves thousands without power along the coast",
    "Court rules on the disputed election in the north",
]


@dataclass(frozen=True)
class Outlet:
    name: str
    furniture: Callable[[str, str], tuple[str, str]]  # site, language -> (before, after)
    box: Callable[[str, Sequence[str]], str]  # category, lines -> in-body boilerplate HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _links(labels: Sequence[str], prefix: str) -> str:
    return "".join(
        f'<li><a href="{prefix}{n}">{_e(label)}</a></li>' for n, label in enumerate(labels)
    )


def _labels(language: str) -> tuple[list[str], str, str, str, str]:
    return LABELS.get(language, LABELS["en"])


def _classic(site: str, language: str) -> tuple[str, str]:
    nav, most_read, _, rights, about = _labels(language)
    before = (
        f'<header class="masthead"><a class="logo" href="/">{_e(site)}</a>'
        f'<nav class="main-nav"><ul>{_links(nav, "/s/")}</ul></nav></header>'
        '<div class="layout"><main><article class="story">'
    )
    after = (
        f'</article></main><aside class="sidebar"><h2>{_e(most_read)}</h2>'
        f"<ol>{_links(_HEADLINES, '/story/')}</ol></aside></div>"
        f'<footer class="site-footer"><p>© 2025 {_e(site)}. {_e(rights)}.</p>'
        f'<ul><li><a href="/about">{_e(about)}</a></li><li><a href="/privacy">Privacy</a></li>'
        "</ul></footer>"
    )
    return before, after


def _magazine(site: str, language: str) -> tuple[str, str]:
    nav, _, related, rights, _ = _labels(language)
    before = (
        f'<div id="top"><div class="brand">{_e(site)}</div>'
        f'<div class="menu"><ul>{_links(nav, "/section/")}</ul></div></div>'
        '<div id="content"><div class="entry-content">'
    )
    after = (
        f'</div><div class="related-box"><h3>{_e(related)}</h3>'
        f"<ul>{_links(_HEADLINES, '/related/')}</ul></div></div>"
        f'<div id="footer">{_e(site)} · {_e(rights)} · <a href="/imprint">Imprint</a></div>'
    )
    return before, after


def _portal(site: str, language: str) -> tuple[str, str]:
    nav, most_read, _, rights, about = _labels(language)
    before = (
        f'<div class="header"><span class="site">{_e(site)}</span>'
        f'<ul class="nav">{_links(nav, "/rubric/")}</ul></div>'
        '<div class="share-top"><a href="/share/fb">Facebook</a> <a href="/share/tg">Telegram</a>'
        '</div><div class="article-body" itemprop="articleBody">'
    )
    after = (
        f'</div><div class="news-feed"><h4>{_e(most_read)}</h4>'
        f"<ul>{_links(_HEADLINES, '/n/')}</ul></div>"
        f'<div class="footer-wrap"><p>{_e(site)} — {_e(rights)}</p>'
        f'<p><a href="/about">{_e(about)}</a></p></div>'
    )
    return before, after


def _p(line: str) -> str:
    return f"<p>{_e(line)}</p>"


def _boxed(category: str, lines: Sequence[str], tag: str = "div") -> str:
    """An appeal or sign-up box: heading, paragraphs, and a button for a short last line."""
    head, *rest = lines
    parts = [f"<h3>{_e(head)}</h3>" if rest and len(head) <= 60 else _p(head)]
    if rest and len(rest[-1]) <= BUTTON_MAX_CHARS:
        parts += [_p(line) for line in rest[:-1]]
        parts.append(f'<p><a class="button" href="/{category}">{_e(rest[-1])}</a></p>')
    else:
        parts += [_p(line) for line in rest]
    return f'<{tag} class="promo promo-{category}">{"".join(parts)}</{tag}>'


def _aside_appeals(category: str, lines: Sequence[str]) -> str:
    # Appeals in an <aside> (which trafilatura drops), everything else boxed in the body.
    return _boxed(category, lines, "aside" if category == "donation_appeal" else "div")


def _plain(category: str, lines: Sequence[str]) -> str:
    """Boilerplate written straight into the body as paragraphs, links for related lines."""
    if category == "related_links":
        return "".join(f'<p><a href="/read/{n}">{_e(line)}</a></p>' for n, line in enumerate(lines))
    return "".join(_p(line) for line in lines)


OUTLETS = (
    Outlet("classic", _classic, _boxed),
    Outlet("magazine", _magazine, _plain),
    Outlet("portal", _portal, _boxed),
    Outlet("broadsheet", _classic, _aside_appeals),
    Outlet("blog", _magazine, _boxed),
)


def render_page(outlet: Outlet, site: str, title: str, lines: Labelled, language: str) -> str:
    """A full HTML page; article lines are paragraphs, boilerplate runs are the outlet's box."""
    before, after = outlet.furniture(site, language)
    runs = ((label, [text for _, text in run]) for label, run in groupby(lines, lambda x: x[0]))
    body = "".join(
        "".join(map(_p, texts)) if label == ARTICLE else outlet.box(label, texts)
        for label, texts in runs
    )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{_e(title)} | {_e(site)}</title></head><body>"
        f"{before}<h1>{_e(title)}</h1>{body}{after}</body></html>"
    )

"""Deterministic, realistic news pages for the benchmark: five outlets, four languages.

Each page is a full HTML document as a news site serves it: head metadata (OpenGraph,
JSON-LD), navigation, scripts, sidebars, a footer full of links, and an article body of
3 to 40 paragraphs with the boilerplate real outlets put inside it (related links,
newsletter prompts, donation appeals, AI disclosures). Page `i` of a corpus is always the
same bytes, so runs compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.vocabulary import BOILERPLATE, LANGUAGES, Language

NAV = ["World", "Politics", "Business", "Tech", "Science", "Culture", "Sport", "Opinion"]


@dataclass(frozen=True)
class Story:
    language: Language
    title: str
    authors: tuple[str, ...]
    published: date
    paragraphs: tuple[str, ...]
    section: str


def _sentence(rng: random.Random, lang: Language) -> str:
    words = [rng.choice(lang.subjects), rng.choice(lang.verbs), rng.choice(lang.objects)]
    if rng.random() < 0.6:
        words.append(rng.choice(lang.details))
    if rng.random() < 0.3:
        words.append(lang.amount.format(n=rng.randint(2, 900)))
    return ", ".join([" ".join(words[:3]), *words[3:]]) + "."


def _paragraph(rng: random.Random, lang: Language) -> str:
    if rng.random() < 0.2:
        return rng.choice(lang.quotes).format(name=rng.choice(lang.names))
    return " ".join(_sentence(rng, lang) for _ in range(rng.randint(1, 4)))


def _paragraph_count(rng: random.Random) -> int:
    # Mostly short news items, a long tail of features.
    return max(3, min(40, int(rng.lognormvariate(2.3, 0.55))))


def story_for(index: int, seed: int = 7) -> Story:
    rng = random.Random(seed * 1_000_003 + index)
    lang = rng.choices(LANGUAGES, weights=[70, 12, 10, 8])[0]
    count = _paragraph_count(rng)
    paragraphs = [_paragraph(rng, lang) for _ in range(count)]
    for line in rng.sample(BOILERPLATE[lang.code], k=rng.randint(0, 2)):
        paragraphs.insert(rng.randint(1, len(paragraphs)), line)
    title = f"{rng.choice(lang.subjects)} {rng.choice(lang.verbs)} {rng.choice(lang.objects)}"
    return Story(
        language=lang,
        title=title[:1].upper() + title[1:] + f" ({index})",
        authors=tuple(rng.sample(lang.names, k=rng.randint(1, 2))),
        published=date(2025, 1, 1) + timedelta(days=rng.randint(0, 364)),
        paragraphs=tuple(paragraphs),
        section=rng.choice(NAV),
    )


def _head(story: Story, outlet: str, index: int) -> str:
    authors = ", ".join(f'{{"@type":"Person","name":"{a}"}}' for a in story.authors)
    return (
        f'<head><meta charset="utf-8"><title>{story.title} | {outlet}</title>'
        f'<meta property="og:title" content="{story.title}">'
        f'<meta property="og:site_name" content="{outlet}">'
        f'<meta name="author" content="{" and ".join(story.authors)}">'
        f'<meta property="article:published_time" content="{story.published}T08:00:00Z">'
        f'<link rel="canonical" href="https://{_host(outlet)}/news/{index}">'
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":"{story.title}","datePublished":'
        f'"{story.published}T08:00:00Z","author":[{authors}]}}</script>'
        f"<script>{_tracking_script(index)}</script></head>"
    )


def _host(outlet: str) -> str:
    return outlet.lower().replace(" ", "") + ".example"


def _tracking_script(index: int) -> str:
    # The hydration state real sites inline: repetitive JSON, a few to tens of kilobytes.
    rng = random.Random(index)
    items = ",".join(
        f'{{"id":{rng.randint(1, 99999)},"section":"{rng.choice(NAV).lower()}",'
        f'"url":"/news/{rng.randint(1, 99999)}","ab":"{rng.getrandbits(32):x}"}}'
        for _ in range(rng.randint(20, 250))
    )
    return f'window.__STATE__={{"items":[{items}]}};'


def _nav(outlet: str) -> str:
    # A mega-menu: what makes real pages several times larger than their text.
    menus = "".join(
        f'<li class="menu"><a href="/{n.lower()}">{n}</a><ul class="sub">'
        + "".join(f'<li><a href="/{n.lower()}/{i}">{n} topic {i}</a></li>' for i in range(12))
        + "</ul></li>"
        for n in NAV
    )
    return f'<header><a class="logo" href="/">{outlet}</a><nav><ul>{menus}</ul></nav></header>'


def _footer(outlet: str, rng: random.Random) -> str:
    links = "".join(
        f'<li><a href="/page/{rng.randint(1, 999)}">{rng.choice(NAV)} {i}</a></li>'
        for i in range(rng.randint(40, 160))
    )
    return f"<footer><ul>{links}</ul><p>© 2025 {outlet}. All rights reserved.</p></footer>"


def _teaser(rng: random.Random, lang: Language) -> str:
    link = f"/news/{rng.randint(1, 99999)}"
    return (
        f'<div class="card"><div class="card-inner"><a class="card-media" href="{link}">'
        f'<picture><source srcset="/t/{rng.randint(1, 99999)}.webp"><img src="/t/x.jpg" '
        f'alt=""></picture></a><div class="card-body"><span class="kicker">'
        f'{rng.choice(NAV)}</span><h4><a href="{link}">{rng.choice(lang.objects)}</a></h4>'
        f"<p>{rng.choice(lang.details)}</p></div></div></div>"
    )


def _sidebar(rng: random.Random, lang: Language) -> str:
    cards = "".join(_teaser(rng, lang) for _ in range(rng.randint(6, 20)))
    return f'<aside class="sidebar"><h3>Most read</h3><div class="cards">{cards}</div></aside>'


def _more_stories(rng: random.Random, lang: Language) -> str:
    cards = "".join(_teaser(rng, lang) for _ in range(rng.randint(8, 30)))
    return f'<section class="more"><h3>More stories</h3><div class="grid">{cards}</div></section>'


SHARE_ICON = '<svg viewBox="0 0 24 24"><path d="M18 16.08c-.76 0-1.44.3-1.96.77"/></svg>'


def _share_bar() -> str:
    buttons = "".join(
        f'<li><button class="share-{n}" aria-label="{n}">{SHARE_ICON}</button></li>'
        for n in ("facebook", "x", "linkedin", "email", "whatsapp", "copy")
    )
    return f'<div class="share"><ul>{buttons}</ul></div>'


def _body(story: Story, tag: str = "p") -> str:
    return "".join(f"<{tag}>{p}</{tag}>" for p in story.paragraphs)


def daily(story: Story, index: int, rng: random.Random) -> str:
    byline = f'<p class="byline">By {" and ".join(story.authors)}</p>'
    when = f'<time datetime="{story.published}">{story.published}</time>'
    article = f'<article class="post"><h1>{story.title}</h1>{byline}{when}{_body(story)}</article>'
    return f"{_nav('The Daily')}<main>{article}{_sidebar(rng, story.language)}</main>"


def wire(story: Story, index: int, rng: random.Random) -> str:
    dateline = f"<p>LONDON, {story.published} (Wire) - {story.paragraphs[0]}</p>"
    rest = "".join(f"<p>{p}</p>" for p in story.paragraphs[1:])
    credit = f"<p>(Reporting by {story.authors[0]}; Editing by {story.authors[-1]})</p>"
    return f'<div id="story"><h1>{story.title}</h1>{dateline}{rest}{credit}</div>'


def magazine(story: Story, index: int, rng: random.Random) -> str:
    parts = []
    for number, paragraph in enumerate(story.paragraphs):
        if number and number % 6 == 0:
            parts.append(f"<h2>{rng.choice(story.language.details).capitalize()}</h2>")
        parts.append(f"<p>{paragraph}</p>")
    figure = f"<figure><img src='/i/{index}.jpg'><figcaption>{story.section}</figcaption></figure>"
    comments = "".join(
        f'<div class="comment"><b>reader{i}</b><p>{rng.choice(story.paragraphs)}</p></div>'
        for i in range(rng.randint(0, 8))
    )
    section = f"<section><h1>{story.title}</h1>{figure}{''.join(parts)}</section>"
    return f"{_nav('Long Read')}<main>{section}</main><div id='comments'>{comments}</div>"


def portal(story: Story, index: int, rng: random.Random) -> str:
    consent = '<div class="cookie-banner">We use cookies. <button>Accept all</button></div>'
    ads = "".join(f'<div class="ad" id="ad-{i}"></div>' for i in range(rng.randint(3, 9)))
    related = _sidebar(rng, story.language).replace("sidebar", "related")
    body = f'<div class="article-body"><h1>{story.title}</h1>{ads}{_body(story)}</div>'
    return f"{consent}{_nav('Portal News')}{body}{related}{_sidebar(rng, story.language)}"


def local(story: Story, index: int, rng: random.Random) -> str:
    table = "<table><tr><td>Weather</td><td>12°C</td></tr></table>"
    text = f'<div class="text">{_body(story)}</div>'
    return f'<div class="content"><h2>{story.title}</h2>{text}{table}</div>'


Template = Callable[[Story, int, random.Random], str]
OUTLETS: list[tuple[str, Template]] = [
    ("The Daily", daily),
    ("Wire Service", wire),
    ("Long Read", magazine),
    ("Portal News", portal),
    ("Local Herald", local),
]


def page_html(index: int, seed: int = 7) -> str:
    story = story_for(index, seed)
    outlet, template = OUTLETS[index % len(OUTLETS)]
    rng = random.Random(index * 31 + seed)
    content = template(story, index, rng) + _share_bar() + _more_stories(rng, story.language)
    layout = f'<div class="layout"><div class="container">{content}</div></div>'
    body = f"<body>{layout}{_footer(outlet, rng)}</body>"
    lang = story.language.code
    return f'<!DOCTYPE html><html lang="{lang}">{_head(story, outlet, index)}{body}</html>'


def write_pages(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` pages as `folder/NNNNNN.html`; existing files with the same name are reused."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"{index:06d}.html"
        if not path.exists():
            path.write_text(page_html(index, seed), encoding="utf-8")
        paths.append(path)
    return paths

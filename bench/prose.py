"""Ordinary news articles, generated deterministically for timing the pipeline.

An ordinary page is what most of the traffic looks like: fourteen paragraphs of reporting
with attributions, numbers and quotes, and no boilerplate inside the body. The words are
chosen so that some lines do touch the rules' vocabulary (support, subscribers, app, AI)
the way real reporting does, because a benchmark of lines no rule ever looks at twice would
flatter the engine.
"""

from __future__ import annotations

import random

LINES_PER_ARTICLE = 14

_SUBJECTS = [
    "The regional council",
    "Officials in the capital",
    "The central bank",
    "A spokesperson for the ministry",
    "Residents of the eastern districts",
    "The opposition leader",
    "Emergency services",
    "The company's chief executive",
    "Analysts at two investment banks",
    "The foreign minister",
    "Local volunteers",
    "The union representing rail workers",
]
_VERBS = [
    "announced new measures to",
    "warned that it would be difficult to",
    "agreed on Tuesday to",
    "rejected a proposal to",
    "has repeatedly promised to",
    "voted narrowly to",
    "is expected next week to",
    "asked the government to",
]
_OBJECTS = [
    "extend support for families hit by the floods",
    "cut subsidies for heating by a third",
    "reopen the bridge across the river before the winter",
    "raise interest rates for the fourth time this year",
    "review how the agency uses AI to screen applications",
    "limit the number of subscribers a single provider may hold",
    "fund repairs to the water treatment plant",
    "postpone talks with the neighbouring government",
    "publish the findings of the inquiry in full",
    "ban the app from government phones",
]
_DETAILS = [
    "according to figures released on Monday",
    "after a meeting that lasted more than six hours",
    "despite protests outside the building",
    "in a statement posted on its website",
    "two days after the deadline had passed",
    "following months of negotiations",
]
_QUOTES = [
    "“We cannot keep asking people to wait,” said {name}, who has led the campaign since 2019.",
    "“This is not the end of the process, it is the beginning,” {name} told reporters.",
    "{name} said the decision would be reviewed in the spring.",
    "“The numbers speak for themselves,” said {name}, an economist at the university.",
]
_NAMES = ["Maria Kovalenko", "James Whitfield", "Sofia Marquez", "Daniel Okafor", "Lena Braun"]


def _sentence(rng: random.Random) -> str:
    sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    if rng.random() < 0.6:
        sentence += f", {rng.choice(_DETAILS)}"
    if rng.random() < 0.4:
        sentence += f", at a cost of {rng.randint(2, 900)} million euros"
    return sentence + "."


def _paragraph(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(_QUOTES).format(name=rng.choice(_NAMES))
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))


def article_lines(seed: int) -> list[str]:
    """The body of one ordinary article; the same seed always gives the same lines."""
    rng = random.Random(seed)
    return [_paragraph(rng) for _ in range(LINES_PER_ARTICLE)]


def article_title(seed: int) -> str:
    rng = random.Random(seed * 7919)
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"

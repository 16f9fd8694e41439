"""The issue's bar on whole pages: appeals gone, article kept, body F1 not below trafilatura."""

from __future__ import annotations

import pytest

from bench.boilerplate_eval import load_documents
from bench.boilerplate_f1 import (
    MIN_APPEAL_REMOVED,
    MIN_ARTICLE_KEPT,
    Scores,
    build_pages,
    score,
)
from extractors.boilerplate import load_ruleset


@pytest.fixture(scope="module")
def scores() -> Scores:
    return score(build_pages(load_documents()), load_ruleset())


def test_at_least_ninety_percent_of_appeal_lines_removed(scores: Scores) -> None:
    assert scores.appeal_removed >= MIN_APPEAL_REMOVED


def test_at_least_ninety_nine_percent_of_article_lines_kept(scores: Scores) -> None:
    assert scores.article_kept >= MIN_ARTICLE_KEPT


def test_body_token_f1_not_below_plain_trafilatura(scores: Scores) -> None:
    assert scores.newsflow.f1 >= scores.plain.f1
    assert scores.newsflow.recall >= scores.plain.recall - 0.001  # nothing bought with text


def test_pages_are_deterministic() -> None:
    documents = load_documents()[:10]
    assert [p.html for p in build_pages(documents)] == [p.html for p in build_pages(documents)]
    assert len({p.outlet.name for p in build_pages(load_documents())}) >= 4

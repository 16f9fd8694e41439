"""Body quality on whole pages: newsflow against plain trafilatura, token by token.

Every labelled document of `bench/boilerplate_set` becomes an HTML page of one of the
invented outlets in `bench/outlets.py`: furniture around it, its lines in the body, its
boilerplate lines boxed or inline as that outlet does. The ground truth is the document's
article lines. Each page goes through plain `trafilatura.extract(html)` and through
newsflow's `process_document`; both bodies are scored as bags of word tokens against the
truth (precision, recall, F1, summed over all pages). For newsflow it also prints the share
of appeal lines (donation appeals) and of all boilerplate lines that are gone, and the
share of article lines kept. A page's title is its <h1>, not body: a first line equal to
it is dropped from both outputs alike.

The rules were tuned on these documents, so the numbers are optimistic: they show what
the pipeline does with the pages around the lines, not how the rules fare on unseen text.

    .venv/bin/python -m bench.boilerplate_f1 [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura

from bench.boilerplate_eval import APPEAL, ARTICLE, Document, load_documents
from bench.outlets import OUTLETS, Outlet, render_page
from extractors.boilerplate import RuleSet, load_ruleset
from extractors.pipeline import process_document
from extractors.records import ArticleRecord, RawDocument

MIN_APPEAL_REMOVED = 0.90
MIN_ARTICLE_KEPT = 0.99
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    document: Document
    outlet: Outlet
    title: str
    html: str


@dataclass(frozen=True)
class Overlap:
    """Word tokens in common with the truth, in the output, and in the truth."""

    common: int = 0
    predicted: int = 0
    truth: int = 0

    def __add__(self, other: Overlap) -> Overlap:
        return Overlap(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int]:
        return self.common, self.predicted, self.truth

    @property
    def precision(self) -> float:
        return self.common / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.common / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0


def build_pages(documents: Sequence[Document]) -> list[Page]:
    return [_page(document) for document in documents]


def _page(document: Document) -> Page:
    # The outlet follows from the document id, so a page never changes between runs.
    number = int(hashlib.sha256(document.id.encode()).hexdigest(), 16)
    outlet = OUTLETS[number % len(OUTLETS)]
    site = document.source_id.replace("-", " ").title()
    first = next(text for label, text in document.lines if label == ARTICLE)
    title = " ".join(first.split()[:8]).rstrip(",.;:")
    return Page(
        document, outlet, title, render_page(outlet, site, title, document.lines, document.language)
    )


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.casefold()))


def overlap(output: str, truth: str) -> Overlap:
    predicted, expected = tokens(output), tokens(truth)
    return Overlap(
        sum((predicted & expected).values()), sum(predicted.values()), sum(expected.values())
    )


def without_title(body: str, title: str) -> str:
    lines = body.split("\n")
    return "\n".join(lines[1:] if lines and lines[0].strip() == title else lines)


def plain_body(page: Page) -> str:
    return without_title(trafilatura.extract(page.html) or "", page.title)


def newsflow_body(page: Page, ruleset: RuleSet) -> str:
    raw = RawDocument(
        source_id=page.document.source_id,
        url=f"https://{page.outlet.name}.example/{page.document.id}",
        content=page.html.encode("utf-8"),
        media_type="text/html",
        retrieved_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    record = process_document(raw, ruleset)
    return without_title(record.body, page.title) if isinstance(record, ArticleRecord) else ""


def kept(line: str, body: str) -> bool:
    """Whether a labelled line is still in a body (whitespace aside; a line may be merged)."""
    return _SPACES.sub(" ", line).strip() in _SPACES.sub(" ", body)


@dataclass(frozen=True)
class Judged:
    """One labelled line, and whether each output still has it."""

    page: Page
    label: str
    text: str
    by_plain: bool
    by_newsflow: bool

    @property
    def newsflow_wrong(self) -> bool:
        return self.by_newsflow != (self.label == ARTICLE)


@dataclass(frozen=True)
class Scores:
    plain: Overlap
    newsflow: Overlap
    lines: tuple[Judged, ...]

    def removed(self, by_newsflow: bool, labels: set[str] | None = None) -> float:
        chosen = [j for j in self.lines if j.label != ARTICLE and (not labels or j.label in labels)]
        gone = [j for j in chosen if not (j.by_newsflow if by_newsflow else j.by_plain)]
        return len(gone) / len(chosen) if chosen else 1.0

    @property
    def appeal_removed(self) -> float:
        return self.removed(True, {APPEAL})

    @property
    def article_kept(self) -> float:
        articles = [j for j in self.lines if j.label == ARTICLE]
        return sum(j.by_newsflow for j in articles) / len(articles) if articles else 1.0

    @property
    def pages_with_appeal_left_by_plain(self) -> int:
        return len({j.page.document.id for j in self.lines if j.label == APPEAL and j.by_plain})


def score(pages: Sequence[Page], ruleset: RuleSet) -> Scores:
    plain, ours, lines = Overlap(), Overlap(), []
    for page in pages:
        truth = "\n".join(text for label, text in page.document.lines if label == ARTICLE)
        plain_text, our_text = plain_body(page), newsflow_body(page, ruleset)
        plain, ours = plain + overlap(plain_text, truth), ours + overlap(our_text, truth)
        lines += [
            Judged(page, label, text, kept(text, plain_text), kept(text, our_text))
            for label, text in page.document.lines
        ]
    return Scores(plain, ours, tuple(lines))


def meets_bar(scores: Scores) -> bool:
    return (
        scores.appeal_removed >= MIN_APPEAL_REMOVED
        and scores.article_kept >= MIN_ARTICLE_KEPT
        and scores.newsflow.f1 >= scores.plain.f1
    )


def report(scores: Scores) -> str:
    row = "{:<22}{:>10.4f}{:>10.4f}{:>10.4f}"
    plain, ours = scores.plain, scores.newsflow
    pages = len({j.page.document.id for j in scores.lines})
    return "\n".join(
        [
            f"{pages} pages from {len(OUTLETS)} outlet templates",
            f"{'body tokens vs truth':<22}{'precision':>10}{'recall':>10}{'F1':>10}",
            row.format("plain trafilatura", plain.precision, plain.recall, plain.f1),
            row.format("newsflow", ours.precision, ours.recall, ours.f1),
            "",
            f"pages with an appeal line left by plain trafilatura  "
            f"{scores.pages_with_appeal_left_by_plain}",
            f"boilerplate lines removed, plain trafilatura  {scores.removed(False):.4f}",
            f"boilerplate lines removed, newsflow           {scores.removed(True):.4f}",
            f"appeal lines removed, newsflow                {scores.appeal_removed:.4f}"
            f"  (bar {MIN_APPEAL_REMOVED})",
            f"article lines kept, newsflow                  {scores.article_kept:.4f}"
            f"  (bar {MIN_ARTICLE_KEPT})",
        ]
    )


def wrong_lines(scores: Scores) -> list[str]:
    return [
        f"  {j.page.document.id} ({j.page.outlet.name}) [{j.label}] {j.text}"
        for j in scores.lines
        if j.newsflow_wrong
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="list lines newsflow got wrong")
    args = parser.parse_args(argv)
    scores = score(build_pages(load_documents()), load_ruleset())
    print(report(scores))
    if args.verbose:
        print(
            "\n".join(["", "newsflow kept boilerplate or lost article text:", *wrong_lines(scores)])
        )
    return 0 if meets_bar(scores) else 1


if __name__ == "__main__":
    raise SystemExit(main())

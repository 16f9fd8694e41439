"""How well the boilerplate engine separates article lines from boilerplate.

Runs `clean_lines` over the hand-labelled documents in `bench/boilerplate_set/*.json`
(each line labelled "article" or with the boilerplate category it belongs to) and prints
precision and recall per category and overall, and every article line wrongly removed.

The outlets are invented. `<lang>.json` were written first and the rules tuned on them;
`batch2_mixed.json` and `batch3_mixed.json` were each written afterwards and measured
before any rule was changed for them (first pass: batch 2 removal precision 1.0, recall
0.875, appeal recall 0.9; batch 3 precision 1.0, recall 0.765, appeal recall 1.0), then
used for further tuning. `batch4_tricky_article_lines.json`
holds article sentences that talk about donations, subscriptions, cookies, apps or AI.
Scores on the whole set are therefore optimistic; new wording belongs in a new batch,
measured before the rules are touched.

    .venv/bin/python -m bench.boilerplate_eval [--verbose]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractors.boilerplate import RuleSet, clean_lines, load_ruleset

SET_DIR = Path(__file__).parent / "boilerplate_set"
ARTICLE = "article"
APPEAL = "donation_appeal"
# Precision first: losing article text is worse than leaving an appeal in.
MIN_ARTICLE_KEPT = 0.99
MIN_REMOVAL_PRECISION = 0.99
MIN_APPEAL_RECALL = 0.9


@dataclass(frozen=True)
class JudgedLine:
    """One labelled line and what the engine did with it (`removed_as` is a category)."""

    document: str
    label: str
    text: str
    removed_as: str | None


@dataclass(frozen=True)
class Score:
    hits: int
    predicted: int
    labelled: int

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.labelled if self.labelled else 1.0


@dataclass(frozen=True)
class Document:
    id: str
    source_id: str
    language: str
    lines: tuple[tuple[str, str], ...]  # (label, text)


def load_documents(folder: Path = SET_DIR) -> list[Document]:
    return [
        Document(raw["id"], raw["source_id"], raw["language"], tuple(map(tuple, raw["lines"])))
        for path in sorted(folder.glob("*.json"))
        for raw in json.loads(path.read_text(encoding="utf-8"))
    ]


def judge(documents: Iterable[Document], ruleset: RuleSet) -> list[JudgedLine]:
    return [line for doc in documents for line in _judge_document(doc, ruleset)]


def _judge_document(doc: Document, ruleset: RuleSet) -> list[JudgedLine]:
    cleaned = clean_lines([text for _, text in doc.lines], ruleset, source_id=doc.source_id)
    removed_as: dict[int, str] = {}
    for removal in cleaned.removals:
        span = range(removal.line_start, removal.line_end)
        removed_as.update(dict.fromkeys(span, removal.category))
    return [
        JudgedLine(doc.id, label, text, removed_as.get(index))
        for index, (label, text) in enumerate(doc.lines)
    ]


def category_score(lines: Sequence[JudgedLine], category: str) -> Score:
    hits = sum(line.label == category and line.removed_as == category for line in lines)
    predicted = sum(line.removed_as == category for line in lines)
    return Score(hits, predicted, sum(line.label == category for line in lines))


def removal_score(lines: Sequence[JudgedLine], labels: Iterable[str] | None = None) -> Score:
    """Removed-or-not against boilerplate-or-not, whatever category the rule gave."""
    wanted = set(labels) if labels is not None else {line.label for line in lines} - {ARTICLE}
    removed = [line for line in lines if line.removed_as is not None]
    hits = sum(line.label in wanted for line in removed)
    return Score(hits, len(removed), sum(line.label in wanted for line in lines))


def wrongly_removed(lines: Sequence[JudgedLine]) -> list[JudgedLine]:
    return [line for line in lines if line.label == ARTICLE and line.removed_as is not None]


def article_kept(lines: Sequence[JudgedLine]) -> float:
    articles = sum(line.label == ARTICLE for line in lines)
    return 1 - len(wrongly_removed(lines)) / articles if articles else 1.0


def meets_thresholds(lines: Sequence[JudgedLine]) -> bool:
    return (
        article_kept(lines) >= MIN_ARTICLE_KEPT
        and removal_score(lines).precision >= MIN_REMOVAL_PRECISION
        and removal_score(lines, [APPEAL]).recall >= MIN_APPEAL_RECALL
    )


def report(lines: Sequence[JudgedLine], verbose: bool = False) -> str:
    documents = len({line.document for line in lines})
    rows = [f"{len(lines)} lines in {documents} documents", _header()]
    categories = sorted({line.label for line in lines} - {ARTICLE})
    rows += [_row(category, category_score(lines, category)) for category in categories]
    rows += [_row("ALL boilerplate", removal_score(lines)), ""]
    wrong = wrongly_removed(lines)
    rows.append(f"article lines kept        {article_kept(lines):.4f}")
    rows.append(f"article lines removed     {len(wrong)}")
    rows.append(f"appeal lines removed      {removal_score(lines, [APPEAL]).recall:.4f}")
    rows += [f"  WRONG {line.document}: {line.text}" for line in wrong]
    if verbose:
        rows += [f"  MISSED {line.document} [{line.label}]: {line.text}" for line in _missed(lines)]
    return "\n".join(rows)


def _missed(lines: Sequence[JudgedLine]) -> list[JudgedLine]:
    return [line for line in lines if line.label not in (ARTICLE, line.removed_as)]


def _header() -> str:
    return f"{'category':<18}{'precision':>10}{'recall':>8}{'labelled':>10}{'removed':>9}"


def _row(name: str, score: Score) -> str:
    rates = f"{score.precision:>10.3f}{score.recall:>8.3f}"
    return f"{name:<18}{rates}{score.labelled:>10}{score.predicted:>9}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="also list missed boilerplate")
    args = parser.parse_args(argv)
    lines = judge(load_documents(), load_ruleset())
    print(report(lines, verbose=args.verbose))
    return 0 if meets_thresholds(lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What boilerplate cleaning costs next to trafilatura, on ordinary generated pages.

Builds PAGES deterministic article pages (`bench/prose.py` bodies in `bench/outlets.py`
templates), times plain `trafilatura.extract` over all of them, then `clean_lines` over the
lines newsflow extracted from the same pages, and prints both per page and their ratio.
The pipeline's throughput budget leaves cleaning about a tenth of trafilatura's time.

    .venv/bin/python -m bench.boilerplate_speed [--pages 200] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import trafilatura

from bench.outlets import ARTICLE, OUTLETS, render_page
from bench.prose import article_lines, article_title
from extractors.boilerplate import RuleSet, clean_lines, load_ruleset
from extractors.html import parse_html

DEFAULT_PAGES = 200
BUDGET_RATIO = 0.10  # cleaning may cost this share of trafilatura's time


@dataclass(frozen=True)
class Timing:
    pages: int
    lines: int
    trafilatura_s: float
    clean_s: float

    @property
    def ratio(self) -> float:
        return self.clean_s / self.trafilatura_s if self.trafilatura_s else 0.0

    def report(self) -> str:
        per_page = 1000 / self.pages
        return "\n".join(
            [
                f"{self.pages} pages, {self.lines} body lines "
                f"({self.lines / self.pages:.1f} a page)",
                f"trafilatura.extract  {self.trafilatura_s * per_page:8.3f} ms a page",
                f"clean_lines          {self.clean_s * per_page:8.3f} ms a page"
                f"  ({self.clean_s * 1000 / max(self.lines, 1):.4f} ms a line)",
                f"clean / trafilatura  {self.ratio:8.3f}  (budget {BUDGET_RATIO:.2f})",
            ]
        )


def ordinary_pages(count: int) -> list[str]:
    return [
        render_page(
            OUTLETS[n % len(OUTLETS)],
            "The Harbour Tribune",
            article_title(n),
            [(ARTICLE, line) for line in article_lines(n)],
            "en",
        )
        for n in range(count)
    ]


def best_of(repeat: int, *works: Callable[[], object]) -> list[float]:
    """Fastest of `repeat` CPU-time runs of each work, the works interleaved: the least
    disturbed by whatever else the machine runs, and disturbed alike."""
    best = [float("inf")] * len(works)
    for _ in range(repeat):
        for index, work in enumerate(works):
            started = time.process_time()
            work()
            best[index] = min(best[index], time.process_time() - started)
    return best


def clean_all(bodies: Sequence[Sequence[str]], ruleset: RuleSet) -> None:
    for lines in bodies:
        clean_lines(lines, ruleset, source_id="harbour-tribune")


def measure(pages: Sequence[str], repeat: int) -> Timing:
    ruleset = load_ruleset()
    bodies = [parse_html(page).lines for page in pages]
    clean_all(bodies[:5], ruleset)  # warm caches that a long-running worker has warm too
    plain_s, clean_s = best_of(
        repeat,
        lambda: [trafilatura.extract(page) for page in pages],
        lambda: clean_all(bodies, ruleset),
    )
    return Timing(len(pages), sum(map(len, bodies)), plain_s, clean_s)


def profile(pages: Sequence[str]) -> None:
    ruleset = load_ruleset()
    bodies = [parse_html(page).lines for page in pages]
    profiler = cProfile.Profile()
    profiler.runcall(clean_all, bodies, ruleset)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing; best is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile clean_lines instead")
    args = parser.parse_args(argv)
    pages = ordinary_pages(args.pages)
    if args.profile:
        profile(pages)
    else:
        print(measure(pages, args.repeat).report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

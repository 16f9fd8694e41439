"""`python -m bench`: the throughput, memory and Prefect-overhead benchmark (issue 7).

    .venv/bin/python -m bench                 # 2,000 pages, re-ingest of 10,000 documents
    .venv/bin/python -m bench --large         # 20,000 pages
    .venv/bin/python -m bench --quick         # a smoke run of a few hundred pages
    .venv/bin/python -m bench --pages 5000 --reingest-docs 2000 --keep /tmp/nf-bench

See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report, scenarios

QUICK_PAGES, QUICK_REINGEST = 120, 240
SECTIONS = ("files", "fetch", "reingest", "prefect")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages for (1), (2), (4)")
    parser.add_argument("--large", action="store_true", help="20,000 pages")
    parser.add_argument("--reingest-docs", type=int, default=10000, help="documents for (3)")
    parser.add_argument("--quick", action="store_true", help="a tiny smoke run")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace, work: Path) -> scenarios.Config:
    pages = 20000 if args.large else args.pages
    reingest_docs = args.reingest_docs
    if args.quick:
        pages, reingest_docs = QUICK_PAGES, QUICK_REINGEST
    return scenarios.Config(pages=pages, reingest_docs=reingest_docs, work=work)


def run(config: scenarios.Config, sections: tuple[str, ...]) -> scenarios.Results:
    results = scenarios.Results()
    pages, archive = scenarios.prepare_pages(config)
    if "files" in sections:
        scenarios.file_ingest(config, pages, results)
    if "fetch" in sections:
        scenarios.fetch_ingest(config, pages, results)
    if "reingest" in sections:
        scenarios.reingest(config, archive, results)
    if "prefect" in sections:
        scenarios.prefect_share(config, pages, results)
    return results


def header(config: scenarios.Config) -> list[str]:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"newsflow bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}",
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"load average before the run: {load}",
        f"{config.pages} pages; re-ingest of {config.reingest_docs} stored documents",
    ]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    config = config_from(args, work)
    started = time.perf_counter()
    lines = header(config)
    try:
        results = run(config, tuple(args.only or SECTIONS))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    lines += ["", "Comparisons (ratios; run times exclude interpreter start-up):"]
    lines += report.comparison_lines(results)
    lines += ["", "CPU per page by stage (one process, 100 pages):", *report.stage_lines(results)]
    lines += ["", "Steps:", *report.step_lines(results)]
    lines += ["", "Peak RSS by phase (summed over the tree):", *report.phase_lines(results)]
    lines += ["", "Targets:"]
    lines += report.target_lines(results)
    lines.append(f"\nbench took {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where one page's CPU goes, stage by stage, in one process: the why behind ratio (1).

Each stage runs over the same sample of pages on its own and reports CPU milliseconds a
page (process time, so other load on the machine disturbs it less than wall time).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SAMPLE_PAGES = 100


def _per_page(items: Sequence[Any], work: Callable[[Any], object]) -> float:
    started = time.process_time()
    for item in items:
        work(item)
    return (time.process_time() - started) / max(1, len(items)) * 1000


def stage_costs(paths: Sequence[Path]) -> dict[str, float]:
    import trafilatura

    from bench.child import NEWSFLOW_OPTIONS

    contents = [path.read_bytes() for path in paths[:SAMPLE_PAGES]]
    if not contents:
        return {}
    trafilatura.extract(contents[0], **NEWSFLOW_OPTIONS)  # first-call set-up, as below
    plain = _per_page(contents, lambda c: trafilatura.extract(c, **NEWSFLOW_OPTIONS))
    # Importing extractors patches trafilatura (faster XPaths, extractors/fast_xpaths.py;
    # a C class lookup for its parser, extractors/html.py): the line above is stock
    # trafilatura, the next one the same call after the patches.
    from extractors.batch import DEFAULT_RULES
    from extractors.boilerplate import clean_lines
    from extractors.language import detect_language
    from extractors.pipeline import extract, process_document
    from extractors.records import RawDocument

    raws = [
        RawDocument("bench", f"bench/{i}.html", c, "text/html", datetime.now(UTC))
        for i, c in enumerate(contents)
    ]
    rules = DEFAULT_RULES.load()
    process_document(raws[0], rules)  # first-call set-up is not a per-page cost
    extracted = [extract(raw) for raw in raws]
    bodies = ["\n".join(e.lines) for e in extracted]
    return {
        "trafilatura.extract (newsflow's options)": plain,
        "  the same, after newsflow's trafilatura patches": _per_page(
            contents, lambda c: trafilatura.extract(c, **NEWSFLOW_OPTIONS)
        ),
        "decode + trafilatura (extract)": _per_page(raws, extract),
        "boilerplate (clean_lines)": _per_page(
            extracted, lambda e: clean_lines(e.lines, rules, source_id="bench")
        ),
        "language detection": _per_page(bodies, detect_language),
        "whole process_document": _per_page(raws, lambda r: process_document(r, rules)),
        "raw store write (main process)": _raw_store_cost(contents),
    }


def _raw_store_cost(contents: Sequence[bytes]) -> float:
    from extractors.normalise import content_sha256
    from warehouse import rawstore

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        return _per_page(contents, lambda c: rawstore.store(root, content_sha256(c), c))

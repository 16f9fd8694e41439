"""One benchmark step in a process of its own; prints one JSON line of what it measured.

    python -m bench.child plain DIR newsflow|default
    python -m bench.child ingest DIR WAREHOUSE
    python -m bench.child fetch BASE_URL COUNT WAREHOUSE
    python -m bench.child discovery-fetch BASE_URL COUNT WAREHOUSE
    python -m bench.child reingest SOURCE WAREHOUSE
    python -m bench.child plain-stored SOURCE WAREHOUSE
    python -m bench.child prefect DIR WAREHOUSE_PREFECT WAREHOUSE_LOCAL   (PREFECT_API_URL set)
    python -m bench.child stages DIR

`run_s` is the step itself; `import_s` the imports before it, reported apart so that the
comparisons are between the work, not interpreter start-up.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Report = dict[str, Any]

# trafilatura.extract with the options newsflow's parse_html uses (extractors/html.py), and
# with trafilatura's defaults (comments and tables kept, no metadata).
NEWSFLOW_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
}
OPTIONS: dict[str, dict[str, Any]] = {"newsflow": NEWSFLOW_OPTIONS, "default": {}}


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def plain(folder: str, options: str = "newsflow") -> Report:
    import trafilatura

    started = time.perf_counter()
    texts = 0
    for path in html_files(Path(folder)):
        text = trafilatura.extract(path.read_bytes(), **OPTIONS[options])
        texts += bool(text)
    return {"run_s": time.perf_counter() - started, "extracted": texts}


def ingest(folder: str, warehouse: str) -> Report:
    from bench.statements import count_landing_statements, time_after_run
    from flows.pipeline import run_ingest
    from flows.steps import LOCAL_STEPS

    count = count_landing_statements()
    after_run = time_after_run()
    started = time.perf_counter()
    summary = run_ingest([Path(folder)], warehouse, LOCAL_STEPS, mode="local")
    run_s = time.perf_counter() - started
    statements = {"writes": count.batches, "statements": count.statements}
    extra = {
        "executemany": count.executemany,
        "after_run_s": after_run.seconds,
        "after_run_at": after_run.started_at,
        "batches_ended_at": after_run.batches_ended_at,
    }
    return {"run_s": run_s, **_counts(summary), **statements, **extra}


def fetch(base_url: str, count: str, warehouse: str) -> Report:
    from bench.fetch_ingest import fetch_and_ingest

    urls = [f"{base_url}/{index:06d}.html" for index in range(int(count))]
    started = time.perf_counter()
    summary = fetch_and_ingest(urls, warehouse)
    return {"run_s": time.perf_counter() - started, **_counts(summary)}


def discovery_fetch(base_url: str, count: str, warehouse: str) -> Report:
    from bench.fetch_ingest import discovery_fetch as run_fetch

    urls = [f"{base_url}/{index:06d}.html" for index in range(int(count))]
    started = time.perf_counter()
    summary = run_fetch(urls, warehouse)
    landed = summary.articles_new + summary.articles_updated + summary.articles_unchanged
    report = {"documents": summary.fetched, "articles": landed, "failures": summary.failed}
    return {"run_s": time.perf_counter() - started, **report}


def reingest(source_id: str, warehouse: str) -> Report:
    from flows.reingest import run_reingest

    started = time.perf_counter()
    summary = run_reingest(source_id, warehouse)
    return {"run_s": time.perf_counter() - started, "documents": summary.documents}


def plain_stored(source_id: str, warehouse: str) -> Report:
    """trafilatura over the raw bytes the warehouse keeps, read from its raw store."""
    import duckdb
    import trafilatura

    from warehouse import rawstore

    root = rawstore.raw_root(warehouse)
    with duckdb.connect(warehouse, read_only=True) as con:
        sql = "SELECT DISTINCT raw_path FROM documents WHERE source_id = ? ORDER BY 1"
        paths = [row[0] for row in con.execute(sql, [source_id]).fetchall()]
    started = time.perf_counter()
    for relative in paths:
        trafilatura.extract(rawstore.load(root, relative), **NEWSFLOW_OPTIONS)
    return {"run_s": time.perf_counter() - started, "documents": len(paths)}


def prefect(folder: str, warehouse_prefect: str, warehouse_local: str) -> Report:
    from bench.prefect_share import measure_prefect_share

    return measure_prefect_share(Path(folder), warehouse_prefect, warehouse_local)


def stages(folder: str) -> Report:
    from bench.stages import stage_costs

    started = time.perf_counter()
    costs = stage_costs(html_files(Path(folder)))
    return {"run_s": time.perf_counter() - started, "stages_ms": costs}


def _counts(summary: Any) -> Report:
    return {
        "documents": summary.documents_read,
        "articles": summary.articles_landed,
        "failures": summary.failures,
    }


STEPS: dict[str, Callable[..., Report]] = {
    "plain": plain,
    "ingest": ingest,
    "fetch": fetch,
    "discovery-fetch": discovery_fetch,
    "reingest": reingest,
    "plain-stored": plain_stored,
    "prefect": prefect,
    "stages": stages,
}


def main(argv: list[str]) -> None:
    name, *args = argv
    started = time.perf_counter()
    report = STEPS[name](*args)
    report["step_s"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    report["main_cpu_s"] = usage.ru_utime + usage.ru_stime
    report["import_s"] = report["step_s"] - report["run_s"]
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

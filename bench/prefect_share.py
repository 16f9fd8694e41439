"""Prefect's share of an ingest's wall time: comparison (4), run inside one child process.

The same pages are ingested twice into two fresh warehouses, through the `ingest-seeds`
flow on the server in PREFECT_API_URL and through the local steps, after a warm-up (the
extraction workers started, every file read once, an empty flow run to warm the server)
so neither run pays for that alone. Prefect's share is what the flow run costs beyond the
local run: flow and task runs, state changes, events, the artifact, the API round trips
(and the server's CPU, which competes for the same cores).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.child import html_files

WARM_UP_PAGES = 64


def _warm_up(folder: Path) -> None:
    from prefect import flow

    from flows.pipeline import run_ingest
    from flows.steps import LOCAL_STEPS

    # A just-started server answers its first request about 1 s late; a long-running one,
    # which is what flows normally talk to, does not.
    flow(name="bench-warm-up")(lambda: None)()

    for path in html_files(folder):
        path.read_bytes()
    with tempfile.TemporaryDirectory() as scratch:
        sample = Path(scratch) / folder.name
        sample.mkdir()
        for path in html_files(folder)[:WARM_UP_PAGES]:
            (sample / path.name).write_bytes(path.read_bytes())
        run_ingest([sample], str(Path(scratch) / "warm.duckdb"), LOCAL_STEPS, mode="local")


ROUNDS = 2  # flow and local alternate; the fastest of each is compared (see bench/README)


def measure_prefect_share(
    folder: Path, warehouse_prefect: str, warehouse_local: str
) -> dict[str, Any]:
    started = time.perf_counter()
    from flows.modes import configure_prefect_environment

    configure_prefect_environment()
    import flows.ingest  # noqa: F401  (imported here so that its import is timed)

    import_s = time.perf_counter() - started
    _warm_up(folder)
    marks = _time_run_ingest_in_flow()
    rounds = [
        _one_round(folder, warehouse_prefect, warehouse_local, n, marks) for n in range(ROUNDS)
    ]
    fastest = min(rounds, key=lambda r: r["prefect_s"])
    return {
        **fastest,
        "run_s": time.perf_counter() - started - import_s,
        "local_s": min(r["local_s"] for r in rounds),
        "flow_runs_s": [r["prefect_s"] for r in rounds],
        "local_runs_s": [r["local_s"] for r in rounds],
        "prefect_import_s": import_s,
    }


def _one_round(
    folder: Path, prefect_at: str, local_at: str, index: int, inside: dict[str, float]
) -> dict[str, Any]:
    from flows.ingest import ingest_seeds
    from flows.pipeline import run_ingest
    from flows.steps import LOCAL_STEPS

    flow_started = time.perf_counter()
    summary = ingest_seeds([str(folder)], _fresh(prefect_at, index))
    flow_ended = time.perf_counter()
    run_ingest([folder], _fresh(local_at, index), LOCAL_STEPS, mode="local")
    return {
        "prefect_s": flow_ended - flow_started,
        "local_s": time.perf_counter() - flow_ended,
        "before_body_s": inside["first"] - flow_started,
        "body_s": inside["last"] - inside["first"],
        "after_body_s": flow_ended - inside["last"],
        "articles": summary["articles_new"],
    }


def _fresh(warehouse: str, index: int) -> str:
    # Every round lands into an empty warehouse, as the first did.
    path = Path(warehouse)
    return str(path if index == 0 else path.with_name(f"{path.stem}-{index}{path.suffix}"))


def _time_run_ingest_in_flow() -> dict[str, float]:
    """When the flow body's run_ingest starts and ends, and when the flow call returns:
    what Prefect costs before, inside (tasks, API calls) and after (state, heartbeat)."""
    import flows.ingest

    marks: dict[str, float] = {}
    original = flows.ingest.run_ingest

    def timed(*args: Any, **kwargs: Any) -> Any:
        marks["first"] = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            marks["last"] = time.perf_counter()

    flows.ingest.run_ingest = timed
    return marks

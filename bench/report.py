"""Ratios, targets and the printed report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.measure import MIB, StepResult, TreePeaks, mib
from bench.scenarios import Results

GIB = 1024 * MIB
FLAT_GROWTH = 1.15  # peak RSS may grow this much from the smaller to the larger corpus


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    holds: bool | None  # None: not measured in this run


def ratio(results: Results, ours: str, baseline: str) -> float | None:
    if ours not in results.steps or baseline not in results.steps:
        return None
    return results.steps[ours].report["run_s"] / results.steps[baseline].report["run_s"]


def cpu_ratio(results: Results, ours: str, baseline: str) -> float | None:
    if ours not in results.steps or baseline not in results.steps:
        return None
    return results.steps[ours].cpu_s / results.steps[baseline].cpu_s


def prefect_share(results: Results) -> float | None:
    step = results.steps.get("prefect")
    if not step:
        return None
    return 1 - step.report["local_s"] / step.report["prefect_s"]


def largest_ingests(results: Results) -> list[StepResult]:
    """The ingest steps for the memory checks: of several rounds, the one with the highest
    peak (the ratios use the fastest)."""
    ingests = [_highest_peak(results, n) for n in ("ingest", "archive-ingest")]
    found = [step for step in ingests if step is not None]
    return sorted(found, key=lambda step: step.report["documents"])


def _highest_peak(results: Results, name: str) -> StepResult | None:
    rounds = results.rounds.get(name) or ([results.steps[name]] if name in results.steps else [])
    return max(rounds, key=lambda step: step.peaks.total_peak, default=None)


def targets(results: Results) -> list[Target]:
    return [check(results) for check in CHECKS]


def _end_to_end(results: Results) -> Target:
    value = ratio(results, "ingest", "plain")
    shown = "n/a" if value is None else f"{value:.2f}x"
    return Target("end-to-end ingest <= 0.6x plain trafilatura", shown, _le(value, 0.6))


def _memory(results: Results) -> Target:
    ingests = largest_ingests(results)
    if not ingests:
        return Target("peak RSS <= 1 GiB", "n/a", None)
    big = ingests[-1]
    shown = (
        f"{mib(big.peaks.total_peak)} RSS summed over all processes at "
        f"{big.report['documents']} pages (PSS {mib(big.peaks.total_pss_peak)})"
    )
    return Target("peak RSS <= 1 GiB", shown, big.peaks.total_peak <= GIB)


def _flat(results: Results) -> Target:
    ingests = largest_ingests(results)
    if len(ingests) < 2 or ingests[0].report["documents"] == ingests[-1].report["documents"]:
        return Target("peak RSS flat as N grows", "needs two corpus sizes", None)
    small, big = ingests[0], ingests[-1]
    growth = big.peaks.total_peak / small.peaks.total_peak
    shown = (
        f"{mib(small.peaks.total_peak)} at {small.report['documents']} -> "
        f"{mib(big.peaks.total_peak)} at {big.report['documents']} ({growth:.2f}x)"
    )
    return Target(f"peak RSS flat (growth <= {FLAT_GROWTH}x)", shown, growth <= FLAT_GROWTH)


def _prefect(results: Results) -> Target:
    share = prefect_share(results)
    shown = "n/a" if share is None else f"{share:.1%}"
    return Target("Prefect overhead <= 5% of wall time", shown, _le(share, 0.05))


def _bulk(results: Results) -> Target:
    step = results.steps.get("ingest")
    if not step:
        return Target("landing through bulk paths only", "n/a", None)
    writes, statements = step.report["writes"], step.report["statements"]
    per_write = statements / max(1, writes)
    rows_per_write = step.report["documents"] / max(1, writes)
    shown = (
        f"{per_write:.0f} statements per write transaction for {rows_per_write:.0f} documents, "
        f"{step.report['executemany']} executemany"
    )
    holds = step.report["executemany"] == 0 and per_write < rows_per_write / 4
    return Target("landing through bulk paths only", shown, holds)


def _le(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


CHECKS: list[Callable[[Results], Target]] = [_end_to_end, _memory, _flat, _prefect, _bulk]


def comparison_lines(results: Results) -> list[str]:
    rows = [
        ("(1) file ingest / plain trafilatura (newsflow's options)", "ingest", "plain"),
        ("    file ingest / plain trafilatura (its defaults)", "ingest", "plain-default"),
        ("(2) `newsflow fetch` from 127.0.0.1 / file ingest", "newsflow-fetch", "ingest"),
        ("    fetch_many streamed into ingest steps / file ingest", "fetch-stream", "ingest"),
        ("(3) re-ingest one source / plain trafilatura, same docs", "reingest", "plain-stored"),
    ]
    lines = []
    for label, ours, baseline in rows:
        wall, cpu = ratio(results, ours, baseline), cpu_ratio(results, ours, baseline)
        if wall is not None and cpu is not None:
            lines.append(f"{label:60s} {wall:5.2f}x wall  {cpu:5.2f}x CPU")
    lines += _after_run_line(results)
    lines += _round_lines(results)
    share = prefect_share(results)
    if share is not None:
        lines.append(f"{'(4) Prefect share of the flow run wall time':60s} {share:6.1%}")
        lines.append(_prefect_parts(results.steps["prefect"].report))
    return lines


def _round_lines(results: Results) -> list[str]:
    runs = {name: steps for name, steps in results.rounds.items() if len(steps) > 1}
    if not runs:
        return []
    parts = [
        f"{name} " + ", ".join(f"{step.report['run_s']:.1f} s" for step in steps)
        for name, steps in runs.items()
    ]
    return [
        f"    (1) compares the fastest of {len(next(iter(runs.values())))} alternating "
        f"runs: {'; '.join(parts)}"
    ]


def _prefect_parts(report: dict[str, Any]) -> str:
    inside = report["body_s"] - report["local_s"]
    return (
        f"    flow {report['prefect_s']:.1f} s = {report['before_body_s']:.1f} s before the "
        f"body + {report['body_s']:.1f} s body (local run {report['local_s']:.1f} s, so "
        f"{inside:+.1f} s in tasks) + {report['after_body_s']:.1f} s after; "
        f"import prefect {report['prefect_import_s']:.1f} s\n"
        f"    (4) compares the fastest of {len(report.get('flow_runs_s', [1]))} alternating "
        f"runs: flow {_seconds(report.get('flow_runs_s', []))}; "
        f"local {_seconds(report.get('local_runs_s', []))}"
    )


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.1f} s" for value in values)


def _after_run_line(results: Results) -> list[str]:
    ingest, plain = results.steps.get("ingest"), results.steps.get("plain")
    if not ingest or not plain:
        return []
    after = ingest.report["after_run_s"]
    without = (ingest.report["run_s"] - after) / plain.report["run_s"]
    label = f"    of (1): end-of-run index + snapshot {after:.1f} s; without it"
    return [f"{label:60s} {without:5.2f}x wall"]


def stage_lines(results: Results) -> list[str]:
    step = results.steps.get("stages")
    if not step:
        return []
    costs: dict[str, float] = step.report["stages_ms"]
    return [f"  {name:44s} {ms:7.2f} ms" for name, ms in costs.items()]


def phase_lines(results: Results) -> list[str]:
    """Peak RSS (summed over the tree) while batches run, and during the end-of-run work."""
    lines = []
    for step in largest_ingests(results):
        ended, index = step.report["batches_ended_at"], step.report["after_run_at"]
        peaks = [
            step.peaks.peak_between(start, end)
            for start, end in ((0.0, ended), (ended, index), (index, float("inf")))
        ]
        lines.append(
            f"  {step.name:16s} {step.report['documents']:6d} pages: batches "
            f"{mib(peaks[0])}, run's end (template re-learning, run record) {mib(peaks[1])}, "
            f"index + snapshot {mib(peaks[2])}"
        )
    return lines


def step_lines(results: Results) -> list[str]:
    lines = [
        f"{'step':16s} {'docs':>6s} {'run s':>8s} {'wall s':>8s} {'CPU s':>8s} {'main':>7s}"
        "  peak RSS"
    ]
    for step in results.steps.values():
        if step.name == "stages":
            continue
        docs = step.report.get("documents", step.report.get("extracted", ""))
        lines.append(
            f"{step.name:16s} {docs!s:>6s} {step.report['run_s']:8.2f} {step.wall_s:8.2f} "
            f"{step.cpu_s:8.2f} {step.report['main_cpu_s']:7.2f}  "
            f"{mib(step.peaks.total_peak)} total (PSS {mib(step.peaks.total_pss_peak)}); "
            f"{_roles(step.peaks)}"
        )
    for name, peaks in results.side_peaks.items():
        lines.append(f"{name:16s} {'':>6s} {'':>8s} {'':>8s} {'':>8s} {'':>7s}  {_roles(peaks)}")
    return lines


def _roles(peaks: TreePeaks) -> str:
    parts = [
        f"{role} {mib(largest)}" + (f" (x{count})" if count > 1 else "")
        for role, (count, largest) in sorted(peaks.by_role().items())
    ]
    return ", ".join(parts)


def target_lines(results: Results) -> list[str]:
    verdict = {True: "PASS", False: "FAIL", None: "n/a "}
    return [f"{verdict[t.holds]}  {t.name}: {t.measured}" for t in targets(results)]

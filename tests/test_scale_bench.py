"""The benchmark's own parts (bench/): its pages are deterministic and read like news to the
pipeline, and its targets are judged from what the steps measured."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.measure import MIB, StepResult, TreePeaks
from bench.pages import OUTLETS, page_html, story_for, write_pages
from bench.report import targets
from bench.scenarios import Results
from bench.vocabulary import BOILERPLATE


def test_pages_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_pages(first, 12)
    write_pages(second, 12)
    assert [p.read_bytes() for p in sorted(first.iterdir())] == [
        p.read_bytes() for p in sorted(second.iterdir())
    ]
    assert page_html(3) != page_html(4)


def test_every_outlet_template_extracts_to_its_story() -> None:
    from extractors.batch import DEFAULT_RULES
    from extractors.pipeline import process_document
    from extractors.records import ArticleRecord, RawDocument

    rules = DEFAULT_RULES.load()
    for index in range(len(OUTLETS) * 4):
        story = story_for(index)
        raw = RawDocument(
            "b", f"b/{index}", page_html(index).encode(), "text/html", datetime.now(UTC)
        )
        record = process_document(raw, rules)
        assert isinstance(record, ArticleRecord), (index, record)
        assert record.title == story.title and record.language == story.language.code
        article = [p for p in story.paragraphs if p not in BOILERPLATE[story.language.code]]
        assert all(paragraph[:60] in record.body for paragraph in article[1:]), index


def step(name: str, run_s: float, documents: int, peak_mib: int, **report: float) -> StepResult:
    peaks = TreePeaks(total_peak=peak_mib * MIB, total_pss_peak=peak_mib * MIB)
    values = {"run_s": run_s, "documents": documents, **report}
    return StepResult(name, run_s, run_s, values, peaks)


def test_targets_are_judged_from_the_measured_steps() -> None:
    results = Results()
    results.add(step("plain", 10.0, 2000, 90))
    results.add(step("ingest", 5.5, 2000, 700, writes=10, statements=90, executemany=0))
    results.add(step("archive-ingest", 30.0, 10000, 900))
    results.add(step("prefect", 0.0, 2000, 900, prefect_s=10.0, local_s=9.7))
    verdicts = {t.name.split(" <=")[0].split(" (")[0]: t.holds for t in targets(results)}
    assert verdicts == {
        "end-to-end ingest": True,
        "peak RSS": True,
        "peak RSS flat": False,  # 700 -> 900 MiB is 1.29x
        "Prefect overhead": True,
        "landing through bulk paths only": True,
    }

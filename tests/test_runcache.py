"""A run keeps its extraction outputs so that re-cleaning at its end need not re-extract."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.pages import page_html
from extractors import runcache
from extractors.batch import DEFAULT_RULES
from extractors.pipeline import extract, process_document
from extractors.records import Extracted, RawDocument

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def page(index: int = 0, **changes: object) -> RawDocument:
    raw = RawDocument("b", f"b/{index}.html", page_html(index).encode(), "text/html", NOW)
    return replace(raw, **changes)  # type: ignore[arg-type]


def test_the_key_names_everything_extraction_reads() -> None:
    base = runcache.key(page())
    assert runcache.key(page()) == base
    assert runcache.key(page(1)) != base
    assert runcache.key(page(charset="windows-1252")) != base
    assert runcache.key(page(final_url="https://example.org/a")) != base
    assert runcache.key(page(media_type="text/plain")) != base


def test_a_kept_extraction_is_read_back_instead_of_extracting(tmp_path: Path) -> None:
    raw = page()
    made = extract(raw)
    marked = replace(made, title="kept, not extracted again")
    runcache.keep(str(tmp_path), runcache.key(raw), marked)
    record = process_document(raw, DEFAULT_RULES.load(), cache=str(tmp_path))
    assert record.title == "kept, not extracted again"  # type: ignore[union-attr]
    assert process_document(raw, DEFAULT_RULES.load()).title == made.title  # type: ignore[union-attr]


def test_with_a_cache_the_record_is_the_same_as_without(tmp_path: Path) -> None:
    rules = DEFAULT_RULES.load()
    for index in range(6):
        raw = page(index)
        first = process_document(raw, rules, cache=str(tmp_path))
        again = process_document(raw, rules, cache=str(tmp_path))
        assert first == again == process_document(raw, rules)
    assert len(list(tmp_path.iterdir())) == 6


def test_unreadable_or_missing_entries_mean_extracting_again(tmp_path: Path) -> None:
    raw = page()
    assert runcache.load(str(tmp_path), runcache.key(raw)) is None
    (tmp_path / runcache.key(raw)).write_bytes(b"not a pickle")
    assert runcache.load(str(tmp_path), runcache.key(raw)) is None
    runcache.keep(
        str(tmp_path / "gone"), runcache.key(raw), Extracted(lines=("x",))
    )  # no folder: no-op
    assert not (tmp_path / "gone").exists()


def test_the_folder_lives_as_long_as_the_run() -> None:
    assert runcache.current() is None
    with runcache.kept_for_run() as folder:
        assert runcache.current() == folder and Path(folder).is_dir()
        with runcache.kept_for_run() as inner:
            assert inner == folder
        assert Path(folder).is_dir()
    assert runcache.current() is None and not Path(folder).exists()


def test_re_cleaning_reads_held_pages_here_and_sends_the_rest_to_workers() -> None:
    """flows/templates._cleaned_again: order kept; a held page is not extracted again."""
    from extractors.batch import IN_PROCESS_BELOW, release_workers
    from flows.templates import _cleaned_again

    raws = [page(index) for index in range(60)]
    held = set(range(0, 60, 4))
    assert len(raws) - len(held) >= IN_PROCESS_BELOW  # the rest really go to the workers
    with runcache.kept_for_run() as folder:
        for index in held:
            marked = replace(extract(raws[index]), title=f"kept {index}")
            runcache.keep(folder, runcache.key(raws[index]), marked)
        assert all(runcache.holds(folder, raws[i]) == (i in held) for i in range(60))
        results = _cleaned_again(raws, DEFAULT_RULES)
    release_workers()
    titles = [r.title for r in results]  # type: ignore[union-attr]
    assert [r.url for r in results] == [raw.url for raw in raws]
    assert all((titles[i] == f"kept {i}") == (i in held) for i in range(60))

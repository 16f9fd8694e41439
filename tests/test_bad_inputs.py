"""Bad input is recorded with its reason; the rest of the run lands; exit code 0."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import query, run_cli

GOOD = "A Headline\n\nThe ceasefire talks continued in Istanbul on Monday, officials said.\n"


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (folder / "legacy.txt").write_bytes(
        "Der Präsident äußerte sich über die Gespräche in München.".encode("cp1252")
    )
    (folder / "has spaces and 'quotes\".txt").write_text(GOOD.replace("Monday", "Tuesday"))
    (folder / "'; drop table articles; --.txt").write_text(GOOD.replace("Monday", "Friday"))
    (folder / "notes.md").write_text("# not an article type")
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 2 GB on paper, nothing on disk
        handle.truncate(2 * 1024**3)
    os.mkfifo(folder / "pipe.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET CONTENT outside the folder, never to be read.")
    (folder / "link.txt").symlink_to(outside)
    return folder


@pytest.fixture
def bad_run(tmp_path: Path, warehouse: Path) -> tuple[Path, str]:
    result = run_cli("ingest", str(make_folder(tmp_path)), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return warehouse, result.output


def failure_reasons(warehouse: Path) -> dict[str, tuple[str, str]]:
    rows = query(warehouse, "SELECT url, stage, reason FROM failures")
    return {url.split("/", 1)[1]: (stage, reason) for url, stage, reason in rows}


@pytest.mark.reliability
@pytest.mark.timeout(120)
def test_good_files_land_despite_bad_neighbours(bad_run: tuple[Path, str]) -> None:
    warehouse, _ = bad_run
    urls = {row[0] for row in query(warehouse, "SELECT url FROM articles")}
    assert urls == {
        "inbox/good.txt",
        "inbox/legacy.txt",
        "inbox/has spaces and 'quotes\".txt",
        "inbox/'; drop table articles; --.txt",
    }


def test_legacy_encoding_is_decoded_correctly(bad_run: tuple[Path, str]) -> None:
    warehouse, _ = bad_run
    body = query(warehouse, "SELECT body FROM articles WHERE url = 'inbox/legacy.txt'")[0][0]
    assert "Präsident äußerte" in body


@pytest.mark.reliability
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("name", "stage", "reason"),
    [
        ("empty.txt", "read", "empty file"),
        ("image.html", "decode", "binary content"),
        ("huge.txt", "read", "too large"),
        ("pipe.txt", "read", "not a regular file"),
        ("link.txt", "read", "symlink points outside"),
        ("notes.md", "read", "unsupported file type"),
    ],
)
def test_each_bad_file_is_a_failure_with_its_reason(
    bad_run: tuple[Path, str], name: str, stage: str, reason: str
) -> None:
    warehouse, output = bad_run
    found_stage, found_reason = failure_reasons(warehouse)[name]
    assert (found_stage, reason in found_reason) == (stage, True)
    assert f"inbox/{name}: {stage}: " in output  # the one-line error names the input


@pytest.mark.reliability
@pytest.mark.timeout(120)
def test_nothing_from_outside_the_folder_is_stored(bad_run: tuple[Path, str]) -> None:
    warehouse, _ = bad_run
    assert query(warehouse, "SELECT count(*) FROM articles WHERE body LIKE '%SECRET%'") == [(0,)]


@pytest.mark.reliability
@pytest.mark.timeout(120)
def test_second_run_counts_attempts_but_adds_no_rows(
    bad_run: tuple[Path, str], tmp_path: Path
) -> None:
    warehouse, _ = bad_run
    before = query(
        warehouse, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM failures)"
    )
    run_cli("ingest", str(tmp_path / "inbox"), "--mode", "local", warehouse=warehouse)
    after = query(
        warehouse, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM failures)"
    )
    assert after == before
    assert query(warehouse, "SELECT DISTINCT attempts FROM failures") == [(2,)]


def test_a_fixed_file_resolves_its_failure(bad_run: tuple[Path, str], tmp_path: Path) -> None:
    warehouse, _ = bad_run
    (tmp_path / "inbox" / "empty.txt").write_text(GOOD.replace("Monday", "Sunday"))
    run_cli("ingest", str(tmp_path / "inbox"), "--mode", "local", warehouse=warehouse)
    resolved = query(
        warehouse, "SELECT resolved_at IS NOT NULL FROM failures WHERE url = 'inbox/empty.txt'"
    )
    assert resolved == [(True,)]


def test_missing_path_is_a_usage_error(warehouse: Path) -> None:
    from click.testing import CliRunner

    from flows.cli import cli

    result = CliRunner().invoke(cli, ["--warehouse", str(warehouse), "ingest", "/no/such/folder"])
    assert result.exit_code == 2
    assert "no such file or folder: /no/such/folder" in result.output

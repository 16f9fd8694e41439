"""Issue 2's acceptance on the real seeds: five clean articles, nothing lost, idempotent."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SEEDS, query, run_cli

BOILERPLATE = [
    "Others are reading now",
    "Also read",
    "which may have used AI",
    "made and published by",
    "A Message from The Moscow Times",
    "Dear readers",
    "please support us monthly",
    "Remind me later",
    "By supporting The Moscow Times",
]
TABLES = ["articles", "documents", "removals", "failures", "sources"]


def seed_sentences(path: Path) -> list[str]:
    """Every article line of a seed, as a user would judge it: boilerplate lines excluded."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in path.read_text().splitlines()]
    lines = [re.sub(r"^date \d{4}-\d{2}-\d{2} ", "", line) for line in lines if line]
    if path.name.startswith("004"):
        lines = lines[: lines.index("A Message from The Moscow Times:")]
    return [line for line in lines if not any(b in line for b in BOILERPLATE)]


def bodies(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "SELECT url, coalesce(title, '') || '\n' || body FROM articles"))


def counts(warehouse: Path) -> dict[str, int]:
    return {table: query(warehouse, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def test_exactly_five_articles(ingested: Path) -> None:
    assert counts(ingested)["articles"] == 5
    assert counts(ingested)["failures"] == 0


@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_no_boilerplate_left_in_any_body(ingested: Path, phrase: str) -> None:
    assert not [url for url, body in bodies(ingested).items() if phrase in body]


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_no_article_sentence_lost(ingested: Path, seed: str) -> None:
    text = bodies(ingested)[f"seeds/{seed}"]
    missing = [line for line in seed_sentences(SEEDS / seed) if line not in text]
    assert missing == []


def test_titles_and_date_are_in_the_records(ingested: Path) -> None:
    rows = dict(query(ingested, "SELECT url, title FROM articles"))
    assert rows["seeds/001_720aae65c61fee7f.txt"] == (
        "After Zelensky Calls Putin’s Bluff, the Russian Dictator Refuses to Meet"
    )
    assert rows["seeds/003_70fcf5d8fad2826f.txt"] == (
        "No Talks With Terrorists: Kyiv’s Tactics Burst Peace Hopes"
    )
    assert sum(title is not None for title in rows.values()) == 2
    dated = query(ingested, "SELECT url, published_at FROM articles WHERE published_at IS NOT NULL")
    assert dated == [("seeds/003_70fcf5d8fad2826f.txt", datetime(2025, 6, 5, tzinfo=UTC))]


def test_metadata_found_in_boilerplate_is_kept(ingested: Path) -> None:
    rows = {r[0]: r[1:] for r in query(ingested, "SELECT url, authors, site_name FROM articles")}
    assert rows["seeds/000_adad8c9d98be5939.txt"][0] == ["Kathrine Frich"]
    assert rows["seeds/004_a5e66a47c8a8f652.txt"][1] == "The Moscow Times"


def test_records_are_normalised_and_stamped(ingested: Path) -> None:
    rows = query(
        ingested,
        "SELECT a.language, a.word_count, a.content_hash, a.extractor_version, a.rules_version, "
        "r.status, a.body FROM articles a JOIN runs r USING (run_id)",
    )
    for language, words, content_hash, extractor, rules, status, body in rows:
        assert language == "en"
        assert words == len(body.split()) > 100
        assert len(content_hash) == 32
        assert extractor.startswith("newsflow-extract/") and rules
        assert status == "completed"


def test_every_removal_names_its_rule_and_text(ingested: Path) -> None:
    rows = query(ingested, "SELECT rule, category, text FROM removals")
    removed = "\n".join(text for _, _, text in rows)
    assert removed.count("Also read") == 3  # seed 000 has three
    assert "Others are reading now" in removed and "Remind me later." in removed
    assert all(rule and category for rule, category, _ in rows)


def test_second_run_changes_no_counts_and_no_ids(ingested: Path) -> None:
    before = counts(ingested)
    keys = query(ingested, "SELECT article_id, content_hash, ingested_at FROM articles ORDER BY 1")
    result = run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=ingested)
    assert result.exit_code == 0, result.output
    assert "0 new, 0 updated, 5 unchanged" in result.output
    assert counts(ingested) == before
    assert (
        query(ingested, "SELECT article_id, content_hash, ingested_at FROM articles ORDER BY 1")
        == keys
    )


def test_raw_bytes_are_kept_for_offline_re_extraction(ingested: Path) -> None:
    from warehouse import rawstore

    root = rawstore.raw_root(ingested)
    for url, raw_path in query(ingested, "SELECT url, raw_path FROM documents"):
        name = url.split("/", 1)[1]
        assert rawstore.load(root, raw_path) == (SEEDS / name).read_bytes()


def test_summary_is_printed(warehouse: Path) -> None:
    result = run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse)
    assert "documents read       5" in result.output
    assert "articles landed      5 (5 new, 0 updated, 0 unchanged)" in result.output
    assert "failures             0" in result.output

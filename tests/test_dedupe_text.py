"""The same cleaned text never makes two articles on the file paths either (issue 3):
seed files, two folders, a discovered page, a second run, a re-ingest, a revision."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer
from tests.newssite import NewsSite, write_config
from tests.newsstories import OFF_TOPIC

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(120)]

TEXT = (
    "Talks Resume in Istanbul\n\n"
    "Talks on a ceasefire resumed in Istanbul on Monday, officials said.\n"
    "Delegations met behind closed doors for most of the day.\n"
)
OTHER = "Harbour Festival\n\nThe harbour festival drew a record crowd at the weekend.\n"
TABLES = ["documents", "articles", "removals", "failures", "duplicates", "article_versions"]
OPEN_DUPLICATES = (
    "SELECT source_id, url, duplicate_of FROM duplicates WHERE resolved_at IS NULL ORDER BY url"
)


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def ingest(warehouse: Path, *folders: Path) -> str:
    result = run_cli("ingest", *map(str, folders), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def reingest(warehouse: Path, source_id: str) -> None:
    result = run_cli("reingest", source_id, warehouse=warehouse)
    assert result.exit_code == 0, result.output


def article_id(warehouse: Path, url: str) -> str:
    return str(query(warehouse, "SELECT article_id FROM articles WHERE url = ?", [url])[0][0])


def urls(warehouse: Path) -> list[str]:
    return [row[0] for row in query(warehouse, "SELECT url FROM articles ORDER BY url")]


def counts(warehouse: Path) -> dict[str, int]:
    return {t: query(warehouse, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_two_identical_files_in_one_folder_make_one_article_and_one_duplicate(
    tmp_path: Path, warehouse: Path
) -> None:
    seeds = write(tmp_path / "seeds", b=TEXT, a=TEXT, c=OTHER)
    output = ingest(warehouse, seeds)
    assert "articles landed      2 (2 new, 0 updated, 0 unchanged)" in output
    assert "duplicates           1" in output
    kept = article_id(warehouse, "seeds/a.txt")
    assert urls(warehouse) == ["seeds/a.txt", "seeds/c.txt"]
    rows = query(warehouse, "SELECT url, duplicate_of, reason, document_id FROM duplicates")
    assert [row[:3] for row in rows] == [
        ("seeds/b.txt", kept, f"same text as article {kept} (seeds/a.txt)")
    ]
    stored = query(warehouse, "SELECT document_id FROM documents WHERE url = 'seeds/b.txt'")
    assert stored == [(rows[0][3],)]  # the duplicate's bytes are kept all the same
    assert query(warehouse, "SELECT count(*) FROM failures") == [(0,)]
    assert query(warehouse, "SELECT documents_read, duplicates FROM runs") == [(3, 1)]


def test_the_same_file_in_two_folders_is_one_article_whatever_the_order_and_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = write(tmp_path / "seeds", story=TEXT)
    wire = write(tmp_path / "wire", copy=TEXT, other=OTHER)
    forward, backward = tmp_path / "one" / "news.duckdb", tmp_path / "two" / "news.duckdb"
    ingest(forward, seeds, wire)
    monkeypatch.setenv("NEWSFLOW_BATCH_SIZE", "1")  # each file lands in its own batch
    ingest(backward, wire, seeds)
    for warehouse in (forward, backward):
        assert urls(warehouse) == ["seeds/story.txt", "wire/other.txt"]
        kept = article_id(warehouse, "seeds/story.txt")
        assert query(warehouse, OPEN_DUPLICATES) == [("wire", "wire/copy.txt", kept)]
    assert counts(forward) == counts(backward)


def test_running_the_same_ingest_twice_changes_no_counts(tmp_path: Path, warehouse: Path) -> None:
    seeds = write(tmp_path / "seeds", a=TEXT, b=TEXT)
    wire = write(tmp_path / "wire", c=TEXT, d=OTHER)
    ingest(warehouse, seeds, wire)
    before = counts(warehouse)
    output = ingest(warehouse, seeds, wire)
    assert counts(warehouse) == before
    assert before["articles"] == 2 and before["duplicates"] == 2
    assert "(0 new, 0 updated, 2 unchanged)" in output and "duplicates           2" in output
    runs = query(warehouse, "SELECT articles_new, duplicates FROM runs ORDER BY started_at")
    assert runs == [(2, 2), (0, 2)]


@pytest.mark.network
def test_a_seed_with_the_text_of_a_discovered_article_makes_no_second_article(
    tmp_path: Path, warehouse: Path
) -> None:
    with LocalServer() as server:
        url = NewsSite(server).publish(OFF_TOPIC)
        config = write_config(tmp_path / "newsflow.toml", [server.authority])
        fetched = run_cli(
            "fetch", url, "--config", str(config), "--mode", "local", warehouse=warehouse
        )
        assert fetched.exit_code == 0, fetched.output
    [(discovered, body)] = query(warehouse, "SELECT article_id, body FROM articles")
    seeds = write(tmp_path / "seeds", saved=f"{OFF_TOPIC.title}\n\n{body}\n")
    ingest(warehouse, seeds)
    assert query(warehouse, "SELECT article_id FROM articles") == [(discovered,)]
    assert query(warehouse, OPEN_DUPLICATES) == [("seeds", "seeds/saved.txt", discovered)]


def test_reingest_keeps_a_duplicate_a_duplicate_and_the_kept_article(
    tmp_path: Path, warehouse: Path
) -> None:
    ingest(warehouse, write(tmp_path / "seeds", story=TEXT))
    ingest(warehouse, write(tmp_path / "wire", copy=TEXT, other=OTHER))
    before = query(warehouse, "SELECT * FROM articles ORDER BY url")
    kept = article_id(warehouse, "seeds/story.txt")
    for source_id in ("wire", "seeds", "wire"):
        reingest(warehouse, source_id)
        assert query(warehouse, "SELECT * FROM articles ORDER BY url") == before
        assert query(warehouse, OPEN_DUPLICATES) == [("wire", "wire/copy.txt", kept)]


def test_a_changed_text_is_a_revision_not_a_duplicate(tmp_path: Path, warehouse: Path) -> None:
    seeds = write(tmp_path / "seeds", a=TEXT, b=OTHER)
    ingest(warehouse, seeds)
    write(seeds, b=OTHER + "Boat races ran until dusk.\n")
    output = ingest(warehouse, seeds)
    assert "(0 new, 1 updated, 1 unchanged)" in output and "duplicates" not in output
    assert urls(warehouse) == ["seeds/a.txt", "seeds/b.txt"]
    assert counts(warehouse)["duplicates"] == 0 and counts(warehouse)["article_versions"] == 1


def test_an_article_whose_text_becomes_anothers_is_retired_then_lands_again(
    tmp_path: Path, warehouse: Path
) -> None:
    seeds = write(tmp_path / "seeds", a=TEXT, b=OTHER)
    ingest(warehouse, seeds)
    write(seeds, b=TEXT)
    ingest(warehouse, seeds)
    assert urls(warehouse) == ["seeds/a.txt"]
    kept = article_id(warehouse, "seeds/a.txt")
    assert query(warehouse, OPEN_DUPLICATES) == [("seeds", "seeds/b.txt", kept)]
    [(old_body,)] = query(warehouse, "SELECT body FROM article_versions")
    assert old_body.startswith("The harbour festival")  # the retired text is kept
    write(seeds, b=OTHER)
    ingest(warehouse, seeds)
    assert urls(warehouse) == ["seeds/a.txt", "seeds/b.txt"]
    assert query(warehouse, OPEN_DUPLICATES) == []
    assert query(warehouse, "SELECT count(*) FROM duplicates WHERE resolved_at IS NOT NULL") == [
        (1,)
    ]


def test_when_the_kept_article_changes_its_duplicate_lands_on_the_next_run(
    tmp_path: Path, warehouse: Path
) -> None:
    seeds = write(tmp_path / "seeds", story=TEXT)
    wire = write(tmp_path / "wire", copy=TEXT)
    ingest(warehouse, seeds, wire)
    write(seeds, story=OTHER)
    ingest(warehouse, seeds)
    assert urls(warehouse) == ["seeds/story.txt"]  # the copy is not in this run
    ingest(warehouse, wire)
    assert urls(warehouse) == ["seeds/story.txt", "wire/copy.txt"]
    assert query(warehouse, OPEN_DUPLICATES) == []


def test_a_kept_article_giving_up_its_text_frees_it_in_the_same_run(
    tmp_path: Path, warehouse: Path
) -> None:
    seeds = write(tmp_path / "seeds", a=TEXT, b=TEXT)
    ingest(warehouse, seeds)
    write(seeds, a=OTHER)
    output = ingest(warehouse, seeds)
    assert "(1 new, 1 updated, 0 unchanged)" in output
    assert urls(warehouse) == ["seeds/a.txt", "seeds/b.txt"]
    assert query(warehouse, OPEN_DUPLICATES) == []

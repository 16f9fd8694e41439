"""Learned per-source templates on real warehouses: stored, applied, converging, re-ingested."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import query, run_cli

TIP = "Got a tip? Write to our newsroom at tips@harbour.example"
IMPRINT = "Harbour Tribune is published by Harbour Media Group in Portsmouth"
TEMPLATE_NORMS = sorted(
    [
        "got a tip? write to our newsroom at tips@harbour.example",
        "harbour tribune is published by harbour media group in portsmouth",
    ]
)
ARTICLES = "SELECT url, body, record_hash FROM articles ORDER BY url"
LEARNED = "SELECT source_id, line_norm, documents FROM learned_templates ORDER BY 1, 2"


def story(number: int, *extra: str) -> str:
    return "\n".join(
        [
            f"Harbour story number {number}",
            "",
            f"The council met on day {number} to discuss the harbour budget, officials said.",
            f"Residents asked for more buses on route {number}, and the mayor agreed to look.",
            *extra,
            f"The vote on item {number} is expected next week.",
        ]
    )


def write_source(folder: Path, count: int = 4, start: int = 1) -> Path:
    folder.mkdir(exist_ok=True)
    for number in range(start, start + count):
        (folder / f"story{number}.txt").write_text(story(number, TIP, IMPRINT), encoding="utf-8")
    return folder


def ingest(folder: Path, warehouse: Path) -> str:
    result = run_cli("ingest", str(folder), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def test_recurring_lines_are_learned_stored_and_removed(tmp_path: Path, warehouse: Path) -> None:
    ingest(write_source(tmp_path / "harbour"), warehouse)
    assert query(warehouse, LEARNED) == [("harbour", line, 4) for line in TEMPLATE_NORMS]
    bodies = [body for _, body, _ in query(warehouse, ARTICLES)]
    assert len(bodies) == 4 and not any(TIP in body or IMPRINT in body for body in bodies)
    assert all("officials said" in body for body in bodies)
    removed = query(
        warehouse, "SELECT rule, rule_version, category, text FROM removals ORDER BY text"
    )
    assert {row[:3] for row in removed} == {("learned-template", "1", "template")}
    assert sorted({row[3] for row in removed}) == sorted([IMPRINT, TIP])


def test_second_identical_run_changes_nothing(tmp_path: Path, warehouse: Path) -> None:
    folder = write_source(tmp_path / "harbour")
    ingest(folder, warehouse)
    before = query(warehouse, ARTICLES), query(warehouse, LEARNED)
    assert "0 new, 0 updated, 4 unchanged" in ingest(folder, warehouse)
    assert (query(warehouse, ARTICLES), query(warehouse, LEARNED)) == before


def test_learning_converges_over_runs_and_re_ingests(tmp_path: Path, warehouse: Path) -> None:
    # Learned from the lines the rules left, a set applied to the bodies is learned again.
    folder = write_source(tmp_path / "harbour")
    ingest(folder, warehouse)
    states = [(query(warehouse, ARTICLES), query(warehouse, LEARNED))]
    for _ in range(2):
        ingest(folder, warehouse)
        result = run_cli("reingest", "harbour", warehouse=warehouse)
        assert "0 updated, 4 unchanged" in result.output
        states.append((query(warehouse, ARTICLES), query(warehouse, LEARNED)))
    assert states[0] == states[1] == states[2]


def test_a_new_article_that_makes_a_line_recur_re_cleans_the_older_ones(
    tmp_path: Path, warehouse: Path
) -> None:
    folder = tmp_path / "harbour"
    folder.mkdir()
    for number in (1, 2):
        (folder / f"story{number}.txt").write_text(story(number, TIP), encoding="utf-8")
    ingest(folder, warehouse)
    assert query(warehouse, LEARNED) == []  # two articles show no template yet
    (folder / "story3.txt").write_text(story(3, TIP), encoding="utf-8")
    ingest(folder, warehouse)
    assert [row[1] for row in query(warehouse, LEARNED)] == [TEMPLATE_NORMS[0]]
    assert not any(TIP in body for _, body, _ in query(warehouse, ARTICLES))
    run = query(warehouse, "SELECT articles_new, articles_updated FROM runs ORDER BY started_at")
    assert run[-1] == (1, 2)  # the two older articles were cleaned again by this run


def test_re_ingest_applies_the_current_learned_set(tmp_path: Path, warehouse: Path) -> None:
    ingest(write_source(tmp_path / "harbour"), warehouse)
    cleaned = query(warehouse, ARTICLES)
    with duckdb.connect(str(warehouse)) as con:  # as if landed before the set was learned
        con.execute("UPDATE articles SET body = body || '\n' || ?, record_hash = 'stale'", [TIP])
        con.execute("DELETE FROM removals")
    result = run_cli("reingest", "harbour", warehouse=warehouse)
    assert "4 updated, 0 unchanged" in result.output
    assert query(warehouse, ARTICLES) == cleaned
    assert query(warehouse, "SELECT count(*) FROM removals WHERE rule = 'learned-template'") == [
        (8,)
    ]


def test_learned_templates_never_empty_an_article(tmp_path: Path, warehouse: Path) -> None:
    folder = write_source(tmp_path / "harbour")
    (folder / "furniture.txt").write_text(f"{TIP}\n{IMPRINT}\n", encoding="utf-8")
    ingest(folder, warehouse)
    bodies = dict(query(warehouse, "SELECT url, body FROM articles"))
    assert bodies["harbour/furniture.txt"] == f"{TIP}\n{IMPRINT}"
    assert query(warehouse, "SELECT count(*) FROM failures") == [(0,)]
    assert "0 new, 0 updated, 5 unchanged" in ingest(folder, warehouse)


def test_each_source_gets_its_own_set(tmp_path: Path, warehouse: Path) -> None:
    harbour = write_source(tmp_path / "harbour")
    wire = tmp_path / "wire"
    wire.mkdir()
    for number in (1, 2):  # the same line, but in too few of this source's articles
        (wire / f"w{number}.txt").write_text(story(number + 10, TIP), encoding="utf-8")
    result = run_cli("ingest", str(harbour), str(wire), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert {row[0] for row in query(warehouse, LEARNED)} == {"harbour"}
    wire_bodies = query(warehouse, "SELECT body FROM articles WHERE source_id = 'wire'")
    assert len(wire_bodies) == 2 and all(TIP in body for (body,) in wire_bodies)


def test_a_batch_of_several_sources_applies_each_source_set(
    tmp_path: Path, warehouse: Path
) -> None:
    harbour, wire = write_source(tmp_path / "harbour"), tmp_path / "wire"
    wire.mkdir()
    wire_line = "Wire Service copy is licensed to member papers only"
    for number in (1, 2, 3):
        (wire / f"w{number}.txt").write_text(story(number + 10, wire_line), encoding="utf-8")
    paths = [str(harbour), str(wire)]
    assert run_cli("ingest", *paths, "--mode", "local", warehouse=warehouse).exit_code == 0
    (wire / "w4.txt").write_text(story(14, TIP, wire_line), encoding="utf-8")
    result = run_cli("ingest", *paths, "--mode", "local", warehouse=warehouse)
    assert "1 new, 0 updated, 7 unchanged" in result.output
    body = query(warehouse, "SELECT body FROM articles WHERE url = 'wire/w4.txt'")[0][0]
    assert TIP in body and wire_line not in body  # harbour's line is not wire's template

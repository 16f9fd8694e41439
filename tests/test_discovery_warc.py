"""The raw archive of a discovery run: a WARC that `warcio check` accepts, from which the
run's articles can be re-ingested offline, giving the same rows; `reingest` falls back
to it when the raw store has lost a document's bytes."""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import BIN, SEEDS, query, run_cli
from tests.httpfixture import LocalServer
from tests.newssite import NewsSite, write_config
from tests.newsstories import OFF_TOPIC, ON_TOPIC, SYNDICATED

pytestmark = [pytest.mark.network, pytest.mark.timeout(120)]

ARTICLE_ROWS = """
SELECT article_id, source_id, url, title, authors, published_at, language, site_name, body,
       word_count, content_hash, document_id
FROM articles WHERE source_id <> 'seeds' ORDER BY article_id
"""


@dataclass
class Archived:
    warehouse: Path
    warcs: list[Path]
    site_url: str


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archived]:
    root = tmp_path_factory.mktemp("archived")
    warehouse = root / "live" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse).exit_code == 0
    with LocalServer() as server:
        site = NewsSite(server)
        for story in (*ON_TOPIC, OFF_TOPIC, SYNDICATED):
            site.publish(story)
        site.serve()
        config = write_config(root / "newsflow.toml", [server.authority])
        result = run_cli(
            "discover",
            "--feed",
            site.url("/feed.xml"),
            "--config",
            str(config),
            "--mode",
            "local",
            warehouse=warehouse,
        )
        assert result.exit_code == 0, result.output
        site_url = site.url("/")
    yield Archived(warehouse, sorted(warehouse.with_name("news.warc").glob("*.warc.gz")), site_url)


@pytest.mark.reliability
def test_one_warc_per_run_that_warcio_accepts(archived: Archived) -> None:
    assert len(archived.warcs) == 1
    check = subprocess.run(
        [str(BIN / "warcio"), "check", "-v", str(archived.warcs[0])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") >= len(ON_TOPIC) + 3  # warcinfo, feed, pages


@pytest.mark.reliability
def test_documents_point_at_their_warc_records(archived: Archived) -> None:
    from warehouse import rawstore
    from warehouse.warcarchive import WarcPosition, read_response, warc_root

    rows = query(
        archived.warehouse,
        "SELECT url, raw_path, warc_file, warc_offset FROM documents WHERE source_id <> 'seeds'",
    )
    assert len(rows) == len(ON_TOPIC) + 1  # the syndicated copy is an article of its own
    for url, raw_path, warc_file, warc_offset in rows:
        record = read_response(warc_root(archived.warehouse), WarcPosition(warc_file, warc_offset))
        assert record.url == url and record.status == 200
        assert record.content == rawstore.load(rawstore.raw_root(archived.warehouse), raw_path)
        assert record.meta["Source-Id"].startswith("feed:") and record.meta["Kind"] == "page"


@pytest.mark.reliability
def test_replay_offline_gives_the_same_rows(archived: Archived, tmp_path: Path) -> None:
    offline = tmp_path / "offline" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=offline).exit_code == 0
    result = run_cli("replay", *map(str, archived.warcs), warehouse=offline)
    assert result.exit_code == 0, result.output
    assert "replayed" in result.output and "off topic            1" in result.output
    assert query(offline, ARTICLE_ROWS) == query(archived.warehouse, ARTICLE_ROWS)
    clusters = "SELECT article_id, cluster_id FROM cluster_members ORDER BY 1"
    assert query(offline, clusters) == query(archived.warehouse, clusters)
    statuses = "SELECT canonical_url, status, article_id FROM candidates ORDER BY 1"
    assert query(offline, statuses) == query(archived.warehouse, statuses)


@pytest.mark.reliability
def test_replay_with_every_socket_refused_gives_the_same_rows(
    archived: Archived, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline = tmp_path / "offline" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=offline).exit_code == 0
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network is off for this test")

    # Cut the network at the socket layer, so a replay that fetched could not go unnoticed.
    with monkeypatch.context() as offline_only:
        for name in ("connect", "connect_ex"):
            offline_only.setattr(socket.socket, name, no_network)
        offline_only.setattr(socket, "getaddrinfo", no_network)
        offline_only.setattr(socket, "create_connection", no_network)
        result = run_cli("replay", *map(str, archived.warcs), warehouse=offline)
    assert result.exit_code == 0, result.output
    assert attempts == []
    assert query(offline, ARTICLE_ROWS) == query(archived.warehouse, ARTICLE_ROWS)


@pytest.mark.reliability
def test_replaying_into_the_live_warehouse_changes_nothing(
    archived: Archived, tmp_path: Path
) -> None:
    before = query(archived.warehouse, ARTICLE_ROWS)
    result = run_cli("replay", *map(str, archived.warcs), warehouse=archived.warehouse)
    assert result.exit_code == 0, result.output
    assert f"0 new, 0 updated, {len(ON_TOPIC) + 1} unchanged" in result.output
    assert query(archived.warehouse, ARTICLE_ROWS) == before


_NOT_SEEDS = "WHERE source_id <> 'seeds'"


class Copied(NamedTuple):
    """The live warehouse with its raw store and WARC folder, to break without harm; the
    source the feed's articles came from, and the article rows before anything broke."""

    warehouse: Path
    source_id: str
    before: list[tuple]


@pytest.fixture
def copied(archived: Archived, tmp_path: Path) -> Copied:
    shutil.copytree(archived.warehouse.parent, tmp_path / "copy")
    warehouse = tmp_path / "copy" / archived.warehouse.name
    [(source_id,)] = query(warehouse, "SELECT DISTINCT source_id FROM articles " + _NOT_SEEDS)
    return Copied(warehouse, source_id, query(warehouse, ARTICLE_ROWS))


@pytest.mark.reliability
def test_reingest_reads_the_warc_when_the_raw_store_is_gone(copied: Copied) -> None:
    warehouse, source_id, before = copied
    documents = len(before)
    shutil.rmtree(warehouse.with_name("news.raw"))
    result = run_cli("reingest", source_id, warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert f"{documents} unchanged, 0 new, 0 removed, 0 failed" in result.output
    assert query(warehouse, ARTICLE_ROWS) == before
    assert query(warehouse, "SELECT count(*) FROM failures WHERE stage = 'read'") == [(0,)]


@pytest.mark.reliability
def test_reingest_reads_the_warc_when_a_raw_file_is_unreadable(copied: Copied) -> None:
    warehouse, source_id, before = copied
    raw_paths = query(warehouse, "SELECT raw_path FROM documents " + _NOT_SEEDS)
    root = warehouse.with_name("news.raw")
    (root / raw_paths[0][0]).write_bytes(b"\x1f\x8b not gzip at all")
    (root / raw_paths[1][0]).write_bytes(gzip.compress(b"<html>other bytes</html>"))
    result = run_cli("reingest", source_id, warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert query(warehouse, ARTICLE_ROWS) == before


@pytest.mark.reliability
def test_reingest_with_raw_store_and_warc_gone_records_one_failure_per_document(
    copied: Copied,
) -> None:
    warehouse, source_id, before = copied
    shutil.rmtree(warehouse.with_name("news.raw"))
    shutil.rmtree(warehouse.with_name("news.warc"))
    result = run_cli("reingest", source_id, warehouse=warehouse)
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1 and f"{len(before)} failed" in result.output
    failures = query(
        warehouse,
        "SELECT f.reason, d.document_id, d.raw_path, d.warc_file, d.warc_offset "
        "FROM failures f JOIN documents d USING (url) WHERE f.stage = 'read' ORDER BY 1",
    )
    assert len(failures) == len(before)
    for reason, document_id, raw_path, warc_file, warc_offset in failures:
        assert "\n" not in reason
        assert reason == (
            f"document {document_id}: raw store {raw_path}: missing; "
            f"WARC {warc_file}:{warc_offset}: missing"
        )
    assert query(warehouse, ARTICLE_ROWS) == before  # what landed earlier is kept

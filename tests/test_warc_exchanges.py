"""A discovery run archives every HTTP response it receives, not only the pages it lands:
robots.txt, feed and sitemap, each redirect hop, error statuses, each retried attempt,
and bodies cut at the size cap (marked WARC-Truncated). Destinations refused by the
network guard and connections that never answered leave no record.

One loopback site, the seeds ingested for the topic, two `newsflow discover` runs through
the real CLI into a real DuckDB file, and the WARC files read back with warcio itself.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import BIN, SEEDS, query, run_cli
from tests.httpfixture import LocalServer, Reply
from tests.newssite import NewsSite, write_config
from tests.newsstories import ON_TOPIC

pytestmark = [pytest.mark.network, pytest.mark.timeout(120)]

CAP = 60_000  # max_body_bytes of these runs; every real page is far smaller
TABLES = ["articles", "documents", "candidates", "candidate_sightings", "failures"]
LANDED, MOVED, FLAKY = ON_TOPIC[:2], ON_TOPIC[2], ON_TOPIC[3]
ARTICLE_ROWS = """
SELECT article_id, url, title, authors, published_at, body, content_hash, document_id
FROM articles WHERE source_id <> 'seeds' ORDER BY article_id
"""


@dataclass(frozen=True)
class Record:
    """One WARC response record, as warcio reads it."""

    path: str
    status_line: str
    kind: str
    truncated: str | None
    headers: dict[str, str]
    meta: dict[str, str]
    content: bytes

    @property
    def status(self) -> int:
        return int(self.status_line.split()[0])


@dataclass
class Runs:
    warehouse: Path
    site: NewsSite
    first_warc: Path
    second_warc: Path
    counts_after_first: dict[str, int]
    unreachable: list[str]

    def records(self, warc: Path) -> list[Record]:
        return read_records(warc)


def read_records(warc: Path) -> list[Record]:
    with open(warc, "rb") as handle:
        return [_record(r) for r in ArchiveIterator(handle) if r.rec_type == "response"]


def _record(record: object) -> Record:
    warc, http = record.rec_headers, record.http_headers  # type: ignore[attr-defined]
    meta = {k[len("Newsflow-") :]: v for k, v in warc.headers if k.startswith("Newsflow-")}
    return Record(
        path=urlsplit(warc.get_header("WARC-Target-URI")).path,
        status_line=http.statusline,
        kind=meta.get("Kind", ""),
        truncated=warc.get_header("WARC-Truncated"),
        headers={k.lower(): v for k, v in http.headers},
        meta=meta,
        content=record.content_stream().read(),  # type: ignore[attr-defined]
    )


def counts(warehouse: Path) -> dict[str, int]:
    return {table: query(warehouse, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def closed_authority() -> str:
    with socket.socket() as probe:  # free a moment ago, and nothing listens on it now
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def build_site(server: LocalServer) -> NewsSite:
    site = NewsSite(server)
    for story in LANDED:
        site.publish(story)
    site.publish(MOVED, listed=False)
    server.route("/moved.html", Reply.redirect(MOVED.path, status=301))
    busy = Reply.html("<p>busy</p>", status=503, headers=(("Retry-After", "0"),))
    server.route(FLAKY.path, busy, site.page(FLAKY))
    site.stories.append(FLAKY)
    server.route("/world/missing.html", Reply.html("<p>no such story</p>", status=404))
    server.route("/world/gone.html", Reply.html("<p>withdrawn</p>", status=410))
    server.route("/world/throttled.html", Reply(status=429, headers=(("Retry-After", "0"),)))
    server.route("/world/huge.html", Reply.html(b"<p>" + b"x" * (2 * CAP), chunked=True))
    paths = ["/moved.html", "/world/missing.html", "/world/gone.html"]
    site.feed_links += [site.url(p) for p in (*paths, "/world/throttled.html", "/world/huge.html")]
    return site


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("exchanges")
    warehouse = root / "wh" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse).exit_code == 0
    closed = closed_authority()
    unreachable = ["http://127.0.0.2:9/world/elsewhere.html", f"http://{closed}/world/down.html"]
    with LocalServer() as server:
        site = build_site(server)
        site.feed_links += unreachable
        site.serve()
        politeness = f"max_body_bytes = {CAP}\n"
        config = write_config(root / "newsflow.toml", [server.authority, closed], "", politeness)
        args = ["discover", "--feed", site.url("/feed.xml"), "--sitemap"]
        args += [site.url("/news-sitemap.xml"), "--config", str(config), "--mode", "local"]
        first = run_cli(*args, warehouse=warehouse)
        assert first.exit_code == 0, first.output
        [first_warc] = warehouse.with_name("news.warc").glob("*.warc.gz")
        after_first = counts(warehouse)
        second = run_cli(*args, warehouse=warehouse)
        assert second.exit_code == 0, second.output
    [second_warc] = set(warehouse.with_name("news.warc").glob("*.warc.gz")) - {first_warc}
    yield Runs(warehouse, site, first_warc, second_warc, after_first, unreachable)


def by_path(records: list[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        grouped[record.path].append(record)
    return grouped


@pytest.mark.reliability
def test_both_runs_write_warcs_that_warcio_accepts(runs: Runs) -> None:
    for warc in (runs.first_warc, runs.second_warc):
        check = subprocess.run(
            [str(BIN / "warcio"), "check", "-v", str(warc)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest fail" not in check.stdout


@pytest.mark.reliability
def test_robots_feed_and_sitemap_answers_are_records(runs: Runs) -> None:
    records = by_path(runs.records(runs.first_warc))
    [robots] = records["/robots.txt"]
    assert (robots.status_line, robots.kind) == ("200 OK", "robots")
    assert robots.content == runs.site.robots.encode()
    assert [(r.status, r.kind) for r in records["/feed.xml"]] == [(200, "feed")]
    assert [(r.status, r.kind) for r in records["/news-sitemap.xml"]] == [(200, "sitemap")]


@pytest.mark.reliability
def test_a_redirect_hop_is_a_record_with_its_location(runs: Runs) -> None:
    records = by_path(runs.records(runs.first_warc))
    [hop] = records["/moved.html"]
    assert hop.status_line == "301 Moved Permanently"
    assert hop.headers["location"] == MOVED.path
    [page] = records[MOVED.path]
    assert page.status == 200 and page.meta["Requested-URL"] == runs.site.url("/moved.html")
    assert hop.meta["Candidate"] == page.meta["Candidate"] == runs.site.url("/moved.html")


@pytest.mark.reliability
def test_error_responses_are_records_with_their_bodies(runs: Runs) -> None:
    records = by_path(runs.records(runs.first_warc))
    [missing] = records["/world/missing.html"]
    assert missing.status_line == "404 Not Found"
    assert missing.content == b"<p>no such story</p>" and missing.truncated is None
    [gone] = records["/world/gone.html"]
    assert (gone.status_line, gone.content) == ("410 Gone", b"<p>withdrawn</p>")
    assert all(r.meta["Source-Id"].startswith("feed:") for r in (missing, gone))


@pytest.mark.reliability
def test_each_retried_attempt_is_a_record(runs: Runs) -> None:
    records = by_path(runs.records(runs.first_warc))
    assert [r.status for r in records[FLAKY.path]] == [503, 200]
    assert records[FLAKY.path][0].headers["retry-after"] == "0"
    throttled = records["/world/throttled.html"]
    assert [r.status_line for r in throttled] == ["429 Too Many Requests"] * 4  # 1 + 3 retries


@pytest.mark.reliability
def test_an_oversize_body_is_kept_up_to_the_cap_and_marked_truncated(runs: Runs) -> None:
    [huge] = by_path(runs.records(runs.first_warc))["/world/huge.html"]
    assert (huge.status, huge.truncated) == (200, "length")
    assert huge.content == (b"<p>" + b"x" * (2 * CAP))[:CAP]
    reason = query(
        runs.warehouse,
        "SELECT reason FROM failures WHERE url = ?",
        [runs.site.url("/world/huge.html")],
    )
    assert reason[0][0].startswith("too_large")


@pytest.mark.reliability
def test_refused_and_unreachable_destinations_leave_no_record(runs: Runs) -> None:
    hosts = set()
    for warc in (runs.first_warc, runs.second_warc):
        with open(warc, "rb") as handle:
            targets = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle)]
            hosts |= {urlsplit(target).netloc for target in targets if target}
    assert hosts and hosts.isdisjoint(urlsplit(url).netloc for url in runs.unreachable)
    reasons = dict(query(runs.warehouse, "SELECT canonical_url, status FROM candidates"))
    assert [reasons[url] for url in runs.unreachable] == ["refused", "deferred"]


@pytest.mark.reliability
def test_documents_point_at_the_final_response_that_made_them(runs: Runs) -> None:
    from warehouse.warcarchive import WarcPosition, read_response, warc_root

    rows = query(
        runs.warehouse,
        "SELECT final_url, content_sha256, warc_file, warc_offset FROM documents "
        "WHERE source_id <> 'seeds'",
    )
    assert len(rows) == len(ON_TOPIC)
    for final_url, sha, warc_file, warc_offset in rows:
        assert warc_file == runs.first_warc.name
        record = read_response(warc_root(runs.warehouse), WarcPosition(warc_file, warc_offset))
        assert (record.url, record.status, record.truncated) == (final_url, 200, None)
        assert hashlib.sha256(record.content).hexdigest() == sha


@pytest.mark.reliability
def test_a_second_run_appends_its_exchanges_and_changes_no_counts(runs: Runs) -> None:
    records = by_path(runs.records(runs.second_warc))
    pages = [story.path for story in (*LANDED, MOVED, FLAKY)]
    assert [records[path][-1].status for path in pages] == [304] * len(pages)
    assert [r.status for r in records["/moved.html"]] == [301]
    assert counts(runs.warehouse) == runs.counts_after_first


@pytest.mark.reliability
def test_replay_lands_only_whole_final_pages(runs: Runs, tmp_path: Path) -> None:
    offline = tmp_path / "offline" / "news.duckdb"
    assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=offline).exit_code == 0
    warcs = [str(runs.first_warc), str(runs.second_warc)]
    result = run_cli("replay", *warcs, warehouse=offline)
    assert result.exit_code == 0, result.output
    assert query(offline, ARTICLE_ROWS) == query(runs.warehouse, ARTICLE_ROWS)
    huge = runs.site.url("/world/huge.html")
    assert query(offline, "SELECT count(*) FROM candidates WHERE url = ?", [huge]) == [(0,)]

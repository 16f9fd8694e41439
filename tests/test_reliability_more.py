"""Issue 8 checks that no other file proves whole: address classification with the network
cut, charsets served over HTTP and landed through `newsflow fetch`, two identical
discovery runs, and source ids and CLI arguments that look like SQL."""

from __future__ import annotations

import ast
import codecs
import ipaddress
import os
import re
import socket
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractors.records import RawDocument
from fetchers.errors import PermanentFetchError
from fetchers.netguard import NetGuard, address_refusal
from tests.conftest import BIN, REPO, SEEDS, query, run_cli
from tests.httpfixture import Answer, LocalServer, RecordedRequest, Reply
from tests.newssite import NewsSite, write_config
from tests.newsstories import OFF_TOPIC, ON_TOPIC

pytestmark = pytest.mark.reliability

INJECTION = "x'; DROP TABLE articles; --"


# Check 1: classification as a unit, with every way out of the process cut.

METADATA_AND_PRIVATE = {
    "169.254.169.254": "link_local",
    "10.0.0.1": "private",
    "172.16.0.1": "private",
    "192.168.0.1": "private",
    "100.64.0.1": "shared",
    "127.0.0.2": "loopback",
    "::ffff:169.254.169.254": "link_local (embedded in ::ffff:a9fe:a9fe)",
    "fd00:ec2::254": "private",
}
REFUSED_URLS = {  # URL -> what the refusal says
    "http://169.254.169.254/latest/meta-data/iam/": "169.254.169.254 is link_local",
    "http://10.0.0.1/admin": "10.0.0.1 is private",
    "http://[fd00:ec2::254]/latest/": "fd00:ec2::254 is private",
    "http://0xa9fea9fe/": "169.254.169.254 is link_local",  # one hex number
    "http://2852039166/": "169.254.169.254 is link_local",  # one decimal number
    "http://10.1/": "10.0.0.1 is private",  # short form
    "http://[::ffff:10.0.0.1]/": "is private (embedded in ::ffff:a00:1)",
    # Dotted octal is rejected by the URL parser already, before any classification.
    "http://0251.0376.0251.0376/": "Invalid IPv4 address",
}


@pytest.fixture
def network_cut(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every connect and name lookup fails and is logged: the log must stay empty."""
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("no traffic allowed in this test")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, no_network)
    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, no_network)
    return attempts


@pytest.mark.timeout(10)
def test_metadata_and_private_addresses_are_classified_without_any_traffic(
    network_cut: list[object],
) -> None:
    for address, reason in METADATA_AND_PRIVATE.items():
        assert address_refusal(ipaddress.ip_address(address)) == reason
    guard = NetGuard()
    for url, refusal in REFUSED_URLS.items():
        with pytest.raises(PermanentFetchError) as caught:
            guard.check_url(url)
        assert refusal in caught.value.detail, url
    assert network_cut == []


# Check 14: charsets, served over HTTP and landed through the real `newsflow fetch`.


@dataclass(frozen=True)
class CharsetPage:
    path: str
    content_type: str
    data: bytes
    title: str
    expected: Sequence[str]  # substrings of the landed body


def article(title: str, paragraphs: Sequence[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


CP1252_TEXT = (
    "Kyiv’s “peace plan” – €5 billion, naïve résumé and café talk, officials said on Monday.",
    "Ministers met behind closed doors in the capital for a second day of negotiations.",
)
BOM_TEXT = (
    "Zelensky’s “plan” in Kraków – the délégation arrived late, the ministers said.",
    "Talks on a ceasefire resumed in the evening after a short break for consultations.",
)
SHIFT_JIS_TEXT = (
    "東京で首脳会談が開かれ、停戦について長い議論が行われたと当局者が月曜日に述べた。",
    "会談は二日目に入り、各国の代表団が非公開で協議を続けたという。",
)
BROKEN = b"Before \xff\xfe\xc3 after: the talks in Istanbul resumed on Monday, officials said."
LEGIBLE = "the talks in Istanbul resumed on Monday, officials said."

CHARSET_PAGES = [
    CharsetPage(
        "/cp1252-labelled-latin1.html",
        "text/html; charset=latin-1",
        article("Cafe talks", CP1252_TEXT).encode("cp1252"),
        "Cafe talks",
        CP1252_TEXT,
    ),
    CharsetPage(
        "/utf8-bom-against-latin1-header.html",
        "text/html; charset=iso-8859-1",
        codecs.BOM_UTF8 + article("Krakow plan", BOM_TEXT).encode("utf-8"),
        "Krakow plan",
        BOM_TEXT,
    ),
    CharsetPage(
        "/meta-only-shift-jis.html",
        "text/html",
        article("東京のニュース", SHIFT_JIS_TEXT, '<meta charset="shift_jis">').encode("shift_jis"),
        "東京のニュース",
        SHIFT_JIS_TEXT,
    ),
    CharsetPage(
        "/invalid-utf8-bytes.html",
        "text/html; charset=utf-8",
        article("Broken bytes", ["{broken}", "The delegations met again later."])
        .encode()
        .replace(b"{broken}", BROKEN),
        "Broken bytes",
        ["Before \ufffd", LEGIBLE],
    ),
    CharsetPage(
        "/invalid-bytes-undeclared.html",
        "text/html",
        article("Unlabelled bytes", ["{broken}", "No charset was declared anywhere."])
        .encode()
        .replace(b"{broken}", BROKEN),
        "Unlabelled bytes",
        [LEGIBLE],
    ),
]


@dataclass
class CharsetRun:
    site_url: str
    warehouse: Path
    returncode: int
    stdout: str
    stderr: str
    requested: list[str]


@pytest.fixture(scope="module")
def charset_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CharsetRun]:
    root = tmp_path_factory.mktemp("charsets")
    warehouse = root / "wh" / "news.duckdb"
    config = write_config(root / "newsflow.toml", [])  # loopback pacing only, no hosts
    with LocalServer() as server:
        for page in CHARSET_PAGES:
            server.route(page.path, Reply.text(page.data, content_type=page.content_type))
        urls = [server.url(page.path) for page in CHARSET_PAGES]
        # The console script in its own process, as a user runs it.
        fetch = subprocess.run(
            [
                *(str(BIN / "newsflow"), "--warehouse", str(warehouse), "fetch", *urls),
                *("--allow-host", server.authority, "--config", str(config), "--mode", "local"),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=root,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        yield CharsetRun(
            server.base_url, warehouse, fetch.returncode, fetch.stdout, fetch.stderr, server.paths()
        )


@pytest.mark.network
@pytest.mark.timeout(120)
def test_every_charset_page_is_fetched_and_lands_without_a_failure(
    charset_run: CharsetRun,
) -> None:
    assert charset_run.returncode == 0, charset_run.stderr
    assert "Traceback" not in charset_run.stdout + charset_run.stderr
    assert sorted(charset_run.requested) == sorted(
        ["/robots.txt", *(page.path for page in CHARSET_PAGES)]
    )
    assert f"{len(CHARSET_PAGES)} new" in charset_run.stdout
    assert query(charset_run.warehouse, "SELECT count(*) FROM failures") == [(0,)]


@pytest.mark.network
@pytest.mark.timeout(120)
@pytest.mark.parametrize("page", CHARSET_PAGES, ids=lambda page: page.path.strip("/")[:-5])
def test_charset_page_lands_with_the_right_text(charset_run: CharsetRun, page: CharsetPage) -> None:
    rows = query(
        charset_run.warehouse,
        "SELECT title, body FROM articles WHERE url = ?",
        [charset_run.site_url + page.path],
    )
    assert len(rows) == 1, f"{page.path} did not land: {charset_run.stdout}"
    title, body = rows[0]
    assert title == page.title
    for text in page.expected:
        assert text in body
    # Mojibake of the usual kinds: UTF-8 read as cp1252, cp1252 read as Latin-1 controls.
    for garbage in ("â€", "Ã©", "ï»¿", "\x92", "\x93", "\x80"):
        assert garbage not in body


# Check 15: two identical discovery runs.

ARTICLE_KEYS = """
SELECT article_id, url, content_hash, record_hash, document_id, run_id, ingested_at, updated_at
FROM articles WHERE source_id <> 'seeds' ORDER BY article_id
"""
STABLE_KEYS = """
SELECT article_id, url, content_hash, record_hash, document_id
FROM articles WHERE source_id <> 'seeds' ORDER BY article_id
"""
CANDIDATE_OUTCOMES = "SELECT canonical_url, status, article_id FROM candidates ORDER BY 1"
TABLES = [
    "articles",
    "documents",
    "removals",
    "candidates",
    "candidate_sightings",
    "clusters",
    "cluster_members",
    "article_versions",
    "failures",
    "sources",
]


def table_counts(warehouse: Path) -> dict[str, int]:
    return {table: query(warehouse, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def answered_with_status(
    answer: Answer, log: list[tuple[str, int, str | None]]
) -> Callable[[RecordedRequest], Reply]:
    """`answer`, logging (path, status served, If-None-Match sent) for every request."""

    def logged(request: RecordedRequest) -> Reply:
        reply = answer(request) if callable(answer) else answer
        log.append((request.path, reply.status, request.header("if-none-match")))
        return reply

    return logged


@pytest.mark.network
@pytest.mark.timeout(180)
def test_two_identical_discovery_runs_give_identical_rows_and_the_second_extracts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.discover_pages

    extracted: list[list[str]] = []
    real_extract_batch = flows.discover_pages.extract_batch

    def counting_extract_batch(raws: Sequence[RawDocument], *args: Any, **kw: Any) -> Any:
        extracted[-1].extend(raw.url for raw in raws)
        return real_extract_batch(raws, *args, **kw)

    monkeypatch.setattr(flows.discover_pages, "extract_batch", counting_extract_batch)
    stories = (*ON_TOPIC, OFF_TOPIC)
    served: list[tuple[str, int, str | None]] = []
    first, fresh = tmp_path / "a" / "news.duckdb", tmp_path / "b" / "news.duckdb"
    for warehouse in (first, fresh):
        assert run_cli("ingest", str(SEEDS), "--mode", "local", warehouse=warehouse).exit_code == 0
    with LocalServer() as server:
        site = NewsSite(server)
        for story in stories:
            site.publish(story)
            server.route(story.path, answered_with_status(site.page(story), served))
        site.serve()
        config = write_config(tmp_path / "newsflow.toml", [server.authority])
        args = ["discover", "--feed", site.url("/feed.xml"), "--sitemap"]
        args += [site.url("/news-sitemap.xml"), "--config", str(config), "--mode", "local"]

        def discover(warehouse: Path) -> str:
            served.clear()
            extracted.append([])
            result = run_cli(*args, warehouse=warehouse)
            assert result.exit_code == 0, result.output
            return result.output

        discover(first)
        keys, counts = query(first, ARTICLE_KEYS), table_counts(first)
        documents = query(first, "SELECT * FROM documents ORDER BY document_id")
        outcomes = query(first, CANDIDATE_OUTCOMES)
        assert len(keys) == len(ON_TOPIC) and len(extracted[0]) == len(stories)

        second_output = discover(first)
        second_served = list(served)
        discover(fresh)  # the same site into an empty warehouse: the keys are no accident

    assert sorted(second_served) == sorted(
        (story.path, 304, f'"{story.slug}-v1"') for story in stories
    )
    assert extracted[1] == []  # nothing reached the extractor
    assert "0 new, 0 updated" in second_output and f"{len(stories)} not modified" in second_output
    assert query(first, ARTICLE_KEYS) == keys  # run_id and updated_at too: nothing rewritten
    assert table_counts(first) == counts
    assert query(first, "SELECT * FROM documents ORDER BY document_id") == documents
    assert query(first, CANDIDATE_OUTCOMES) == outcomes
    second_run = query(
        first,
        "SELECT documents_read, articles_new, articles_updated, failures FROM runs "
        "WHERE flow = 'discover' ORDER BY started_at",
    )
    assert second_run[-1] == (0, 0, 0, 0)
    assert query(fresh, STABLE_KEYS) == query(first, STABLE_KEYS)
    assert table_counts(fresh) == counts


# Check 22: source ids and CLI arguments that look like SQL.


@pytest.mark.timeout(120)
def test_source_ids_and_arguments_that_look_like_sql_are_data(tmp_path: Path) -> None:
    folder = tmp_path / INJECTION
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Wire Headline\n\nTalks in Istanbul resumed on Monday, officials said.\n"
    )
    warehouse = tmp_path / "it's; DROP TABLE runs; --" / "news.duckdb"
    for source in (str(SEEDS), str(folder)):
        result = run_cli("ingest", source, "--mode", "local", warehouse=warehouse)
        assert result.exit_code == 0, result.output
    assert query(warehouse, "SELECT source_id FROM articles WHERE url LIKE 'x%'") == [(INJECTION,)]
    assert INJECTION in run_cli("sources", warehouse=warehouse).output

    reingested = run_cli("reingest", INJECTION, warehouse=warehouse)
    assert reingested.exit_code == 0, reingested.output
    assert "0 updated, 1 unchanged, 0 new, 0 removed, 0 failed" in reingested.output
    tautology = run_cli("reingest", "seeds' OR '1'='1", warehouse=warehouse)
    assert tautology.exit_code == 1 and "no source" in tautology.output

    for fmt in ("parquet", "jsonl"):
        target = tmp_path / f"{fmt} o'; DROP TABLE articles; --"
        exported = run_cli("export", "--format", fmt, str(target), warehouse=warehouse)
        assert exported.exit_code == 0, exported.output
        assert "exported 6 articles" in exported.output
    jsonl = (tmp_path / "jsonl o'; DROP TABLE articles; --" / "articles.jsonl").read_text()
    assert f'"source_id":"{INJECTION}"' in jsonl.replace(": ", ":")

    assert query(warehouse, "SELECT count(*) FROM articles") == [(6,)]
    tables = {row[0] for row in query(warehouse, "SELECT table_name FROM duckdb_tables()")}
    assert {"articles", "runs", "sources", "failures"} <= tables


# The promise list in docs/guarantees.md names only tests that exist and are marked.

GUARANTEES = REPO / "docs" / "guarantees.md"


def is_marked_reliability(module: ast.Module, function: str) -> bool:
    def names_reliability(node: ast.AST) -> bool:
        return any(
            isinstance(part, ast.Attribute) and part.attr == "reliability"
            for part in ast.walk(node)
        )

    module_marks = [
        statement.value
        for statement in module.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets)
    ]
    found = next(
        (
            node
            for node in module.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function
        ),
        None,
    )
    return found is not None and any(map(names_reliability, [*module_marks, *found.decorator_list]))


@pytest.mark.timeout(10)
def test_every_guarantee_names_reliability_tests_that_exist() -> None:
    text = GUARANTEES.read_text(encoding="utf-8")
    promises = re.findall(r"^(\d+)\. \*\*", text, flags=re.M)
    assert promises == [str(n) for n in range(1, 23)]
    references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(references) >= 22
    modules: dict[str, ast.Module] = {}
    for path, function in references:
        module = modules.setdefault(path, ast.parse((REPO / path).read_text(encoding="utf-8")))
        assert is_marked_reliability(module, function), f"{path}::{function}"

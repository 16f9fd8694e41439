"""A page that answers 304 is re-scored from its stored copy when, and only when, the
topic changed since its score: three `newsflow discover` runs against the fixture site,
the topic set by `[topic] terms`, every page answering conditional requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer
from tests.newssite import NewsSite, write_config
from tests.newsstories import KREMLIN_REACTS, OFF_TOPIC, SUMMIT_OFF

pytestmark = [pytest.mark.network, pytest.mark.timeout(180)]

SUMMIT = '["Putin", "Trump", "summit", "Kremlin"]'
HARBOUR = '["harbour", "festival", "regatta", "volunteers"]'


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with LocalServer() as server:
        site = NewsSite(server)
        for story in (SUMMIT_OFF, KREMLIN_REACTS, OFF_TOPIC):
            site.publish(story)
        site.serve()
        yield site


def discover(tmp_path: Path, warehouse: Path, site: NewsSite, terms: str) -> str:
    topic = f"[topic]\nterms = {terms}\n"
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority], topic)
    args = ["discover", "--feed", site.url("/feed.xml"), "--config", str(config)]
    result = run_cli(*args, "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def verdicts(warehouse: Path, site: NewsSite) -> dict[str, tuple]:
    rows = query(
        warehouse,
        "SELECT canonical_url, status, score, profile_hash, article_id FROM candidates",
    )
    slugs = {site.url(s.path): s.slug for s in (SUMMIT_OFF, KREMLIN_REACTS, OFF_TOPIC)}
    return {slugs[row[0]]: row[1:] for row in rows}


def pages(site: NewsSite) -> list:
    paths = {s.path for s in (SUMMIT_OFF, KREMLIN_REACTS, OFF_TOPIC)}
    return [r for r in site.server.requests if r.path in paths]


def test_a_new_topic_re_scores_304_pages_from_their_stored_copies(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    discover(tmp_path, warehouse, site, SUMMIT)
    first = verdicts(warehouse, site)
    assert first[OFF_TOPIC.slug][0] == "off_topic" and first[SUMMIT_OFF.slug][0] == "landed"
    assert len({row[2] for row in first.values()}) == 1 and first[OFF_TOPIC.slug][2]

    site.server.clear()
    same = discover(tmp_path, warehouse, site, SUMMIT)  # the same topic: nothing re-scored
    assert verdicts(warehouse, site) == first
    assert "3 not modified" in same and "(0 new, 0 updated, 0 unchanged)" in same

    site.server.clear()
    changed = discover(tmp_path, warehouse, site, HARBOUR)
    assert all(r.header("if-none-match") for r in pages(site)) and len(pages(site)) == 3
    assert "3 not modified" in changed and "1 new" in changed
    now = verdicts(warehouse, site)
    assert now[OFF_TOPIC.slug][:1] == ("landed",) and now[OFF_TOPIC.slug][1] >= 0.12
    assert now[SUMMIT_OFF.slug][0] == "off_topic" and now[SUMMIT_OFF.slug][1] < 0.12
    assert now[SUMMIT_OFF.slug][3] == first[SUMMIT_OFF.slug][3]  # its article stays
    assert {row[2] for row in now.values()} != {first[OFF_TOPIC.slug][2]}
    landed = query(warehouse, "SELECT url FROM articles WHERE url = ?", [site.url(OFF_TOPIC.path)])
    assert landed == [(site.url(OFF_TOPIC.path),)]
    documents = query(warehouse, "SELECT count(*) FROM documents")
    assert documents == [(3,)]  # the re-scored page's stored bytes became its document


def test_verdicts_from_before_profiles_are_renewed(
    tmp_path: Path, warehouse: Path, site: NewsSite
) -> None:
    discover(tmp_path, warehouse, site, SUMMIT)
    with duckdb.connect(str(warehouse)) as con:  # as a warehouse from before migration 007
        con.execute("UPDATE candidates SET profile_hash = NULL")
    site.server.clear()
    discover(tmp_path, warehouse, site, SUMMIT)
    asked = {r.path: r.header("if-none-match") for r in pages(site)}
    assert asked[OFF_TOPIC.path] is None  # no stored copy: asked in full, once
    assert asked[SUMMIT_OFF.path] and asked[KREMLIN_REACTS.path]  # 304, re-scored offline
    now = verdicts(warehouse, site)
    assert [now[s.slug][0] for s in (SUMMIT_OFF, KREMLIN_REACTS, OFF_TOPIC)] == [
        "landed",
        "landed",
        "off_topic",
    ]
    assert all(row[2] for row in now.values())

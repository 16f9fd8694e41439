"""A page that failed and later succeeds, under another URL after a redirect or as an
off-topic page, has its old `failures` row resolved (kept, with `resolved_at`); a page
still failing keeps its row open."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.httpfixture import LocalServer, Reply
from tests.newssite import NewsSite, write_config
from tests.newsstories import KREMLIN_REACTS, OFF_TOPIC, SUMMIT_OFF

pytestmark = [pytest.mark.network, pytest.mark.timeout(180)]

TOPIC = '[topic]\nterms = ["Putin", "Trump", "summit", "Kremlin"]\n'


def discover(tmp_path: Path, warehouse: Path, site: NewsSite) -> None:
    config = write_config(tmp_path / "newsflow.toml", [site.server.authority], TOPIC)
    args = ["discover", "--feed", site.url("/feed.xml"), "--config", str(config)]
    result = run_cli(*args, "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output


def failures(warehouse: Path) -> dict[str, tuple]:
    rows = query(
        warehouse,
        "SELECT url, stage, reason, attempts, resolved_at IS NOT NULL FROM failures",
    )
    return {row[0]: row[1:] for row in rows}


def test_failures_end_when_the_requested_url_later_succeeds(
    tmp_path: Path, warehouse: Path
) -> None:
    with LocalServer() as server:
        site = NewsSite(server)
        site.publish(SUMMIT_OFF)
        target = site.publish(KREMLIN_REACTS, listed=False)
        site.publish(OFF_TOPIC, listed=False)
        gone = Reply.text("gone for now", status=404)
        server.route("/world/moved.html", gone, Reply.redirect(target, status=301))
        server.route("/local/later.html", gone, site.page(OFF_TOPIC))
        site.feed_links += [site.url(p) for p in ("/world/moved.html", "/local/later.html")]
        site.feed_links.append(site.url("/world/missing.html"))
        site.serve()
        discover(tmp_path, warehouse, site)
        before = failures(warehouse)
        discover(tmp_path, warehouse, site)
    moved, later, missing = (
        site.url(p) for p in ("/world/moved.html", "/local/later.html", "/world/missing.html")
    )
    assert {url: row[3] for url, row in before.items()} == {
        moved: False,
        later: False,
        missing: False,
    }
    after = failures(warehouse)
    assert after[moved] == ("fetch", "http_404: server answered 404", 1, True)  # kept, resolved
    assert after[later] == ("fetch", "http_404: server answered 404", 1, True)  # read, if off topic
    assert after[missing] == ("fetch", "http_404: server answered 404", 2, False)  # still failing
    landed = query(
        warehouse,
        "SELECT status, article_id IS NOT NULL, final_url FROM candidates WHERE canonical_url = ?",
        [moved],
    )
    assert landed == [("landed", True, target)]
    assert query(warehouse, "SELECT count(*) FROM articles WHERE url = ?", [target]) == [(1,)]

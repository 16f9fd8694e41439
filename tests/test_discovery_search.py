"""Topic search against fake GDELT and Google News endpoints on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.fakesearch import FakeGdelt, FakeGoogleNews, Seen
from tests.httpfixture import LocalServer
from tests.newssite import NewsSite, write_config
from tests.newsstories import KREMLIN_REACTS, SUMMIT_OFF

pytestmark = [pytest.mark.network, pytest.mark.timeout(90)]

TOPIC = '[topic]\nterms = ["Putin", "Trump", "summit", "Kremlin"]\n'


@pytest.fixture
def api() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


def gdelt_config(
    tmp_path: Path, api: LocalServer, fake: FakeGdelt, max_retries: int = 3, **gdelt: object
) -> Path:
    settings = {"base_url": fake.base_url, "min_interval_s": 0.2, "lookback_hours": 24.0}
    settings |= gdelt
    # TOML and Python spell these strings and floats alike, quotes aside.
    table = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in settings.items())
    extra = TOPIC + '[search]\nqueries = ["Putin Trump"]\n'
    extra += f"[search.gdelt]\n{table}[limits]\nmax_pages = 2000\nbatch_size = 200\n"
    politeness = f"max_retries = {max_retries}\n"
    return write_config(tmp_path / "newsflow.toml", [api.authority], extra, politeness)


def discover(config: Path, warehouse: Path) -> str:
    result = run_cli("discover", "--config", str(config), "--mode", "local", warehouse=warehouse)
    assert result.exit_code == 0, result.output
    return result.output


def spread(count: int, hours: float, host: str) -> list[Seen]:
    """`count` articles seen evenly over the last `hours`, on a host nobody may reach."""
    now = datetime.now(UTC)
    step = timedelta(hours=hours) / count
    return [
        Seen(f"http://{host}/story/{n}", f"Story {n}", now - step * (n + 0.5)) for n in range(count)
    ]


def test_gdelt_cap_of_250_is_met_by_slicing_the_window(
    tmp_path: Path, warehouse: Path, api: LocalServer
) -> None:
    fake = FakeGdelt(api, spread(600, 23.5, "192.0.2.1"), min_interval_s=0.2)
    output = discover(gdelt_config(tmp_path, api, fake, slice_hours=24.0), warehouse)
    assert all(call.status == 200 for call in fake.calls), "a call came too soon"
    assert all(call.returned <= 250 for call in fake.calls)
    assert len(fake.calls) <= 12 and any(call.returned == 250 for call in fake.calls)
    rows = query(
        warehouse,
        "SELECT count(DISTINCT canonical_url), min(query), min(source_id) FROM candidate_sightings",
    )
    assert rows == [(600, "Putin Trump", "search:gdelt")]
    assert "600 found, 600 new" in output
    assert min(api.start_gaps()) >= 0.15  # one call per 0.2 s, give or take arrival jitter


def test_gdelt_429_is_waited_for_and_retried(
    tmp_path: Path, warehouse: Path, api: LocalServer
) -> None:
    fake = FakeGdelt(api, spread(5, 5, "192.0.2.1"), min_interval_s=0.2, rate_limited_first=1)
    discover(gdelt_config(tmp_path, api, fake, slice_hours=24.0), warehouse)
    assert [call.status for call in fake.calls] == [429, 200]
    assert api.start_gaps()[0] >= 1.0  # the Retry-After
    assert query(warehouse, "SELECT count(*) FROM candidates") == [(5,)]


def test_gdelt_that_keeps_refusing_is_left_for_the_next_run(
    tmp_path: Path, warehouse: Path, api: LocalServer
) -> None:
    fake = FakeGdelt(api, spread(5, 5, "192.0.2.1"), min_interval_s=0.2, rate_limited_first=99)
    config = gdelt_config(tmp_path, api, fake, slice_hours=6.0, max_retries=1)
    discover(config, warehouse)
    assert len(fake.calls) == 2  # one call and its one retry; the other slices are spared
    failure = query(warehouse, "SELECT stage, reason, transient FROM failures")
    assert failure == [("discover", "http_429: server answered 429 (Retry-After 1s)", True)]


def test_google_news_links_are_resolved_through_their_redirects(
    tmp_path: Path, warehouse: Path, api: LocalServer
) -> None:
    with LocalServer() as publisher:
        site = NewsSite(publisher)
        urls = [site.publish(story) for story in (SUMMIT_OFF, KREMLIN_REACTS)]
        site.serve()
        fake = FakeGoogleNews(api, [(url, "Headline") for url in urls])
        extra = (
            TOPIC + f'[search.google_news]\nbase_url = "{fake.base_url}"\nmin_interval_s = 0.1\n'
        )
        config = write_config(
            tmp_path / "newsflow.toml", [api.authority, publisher.authority], extra
        )
        discover(config, warehouse)
    rows = query(
        warehouse,
        "SELECT c.canonical_url, c.final_url, c.status, a.url, c.query FROM candidates c "
        "JOIN articles a USING (article_id) ORDER BY a.url",
    )
    assert [row[3] for row in rows] == sorted(urls)
    assert all(row[0].startswith(api.url("/rss/articles/")) for row in rows)
    assert all(row[1] == row[3] and row[2] == "landed" and row[4] for row in rows)
    search = [r for r in api.requests if r.path == "/rss/search"]
    assert len(search) == 1 and "when%3A2d" in search[0].target

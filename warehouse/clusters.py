"""Near-duplicate clusters, kept across runs and sources.

Each article gets a sketch (`extractors.fingerprint`) and joins the cluster of the most
similar earlier article whose estimated resemblance is at least 0.5; otherwise it founds
a cluster of its own (cluster_id = its article_id). Candidates are found by an equality
join on the sketches' hashes, so a batch is compared with the few members that share a
shingle with it, not with every article in the warehouse. A revised article keeps its
cluster and gets a new sketch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.fingerprint import NEAR_DUPLICATE, resemblance, sketch
from warehouse.tables import now

BACKFILL_CHUNK = 500


@dataclass(frozen=True)
class Member:
    article_id: str
    content_hash: str
    sketch: tuple[int, ...]


@dataclass(frozen=True)
class Placement:
    article_id: str
    cluster_id: str
    matched_article_id: str | None
    similarity: float


def place_members(
    con: duckdb.DuckDBPyConnection, run_id: str, members: Sequence[Member]
) -> list[Placement]:
    """Put each new or changed article in a cluster; returns where each one went."""
    fresh = _changed(con, members)
    if not fresh:
        return []
    known = _similar_members(con, fresh)
    placements = _placements(fresh, known)
    _store(con, run_id, fresh, placements)
    return placements


def _changed(con: duckdb.DuckDBPyConnection, members: Sequence[Member]) -> list[Member]:
    unique = list({m.article_id: m for m in members if m.sketch}.values())
    rows = con.execute(
        "SELECT article_id, content_hash FROM cluster_members "
        "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [[m.article_id for m in unique]],
    ).fetchall()
    current = dict(rows)
    return [m for m in unique if current.get(m.article_id) != m.content_hash]


def _similar_members(
    con: duckdb.DuckDBPyConnection, fresh: Sequence[Member]
) -> list[tuple[str, str, tuple[int, ...]]]:
    """(article_id, cluster_id, sketch) of stored members sharing a hash with the batch."""
    hashes = sorted({h for m in fresh for h in m.sketch})
    con.register("batch_hashes", pa.table({"h": pa.array(hashes, pa.int64())}))
    try:
        rows = con.execute(
            "SELECT DISTINCT m.article_id, m.cluster_id, m.sketch FROM cluster_members m "
            "WHERE list_has_any(m.sketch, (SELECT list(h) FROM batch_hashes))"
        ).fetchall()
    finally:
        con.unregister("batch_hashes")
    return [(article_id, cluster_id, tuple(s)) for article_id, cluster_id, s in rows]


def _placements(
    fresh: Sequence[Member], known: list[tuple[str, str, tuple[int, ...]]]
) -> list[Placement]:
    placements = []
    for member in fresh:
        others = [k for k in known if k[0] != member.article_id]
        best = max(others, key=lambda k: (resemblance(member.sketch, k[2]), k[0]), default=None)
        score = resemblance(member.sketch, best[2]) if best else 0.0
        if best and score >= NEAR_DUPLICATE:
            placement = Placement(member.article_id, best[1], best[0], round(score, 3))
        else:
            placement = Placement(member.article_id, member.article_id, None, 1.0)
        placements.append(placement)
        known.append((member.article_id, placement.cluster_id, member.sketch))  # later ones
    return placements


def _store(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    fresh: Sequence[Member],
    placements: Sequence[Placement],
) -> None:
    stamp = now()
    table = pa.table(
        {
            "article_id": [p.article_id for p in placements],
            "cluster_id": [p.cluster_id for p in placements],
            "matched_article_id": pa.array([p.matched_article_id for p in placements], pa.string()),
            "similarity": pa.array([p.similarity for p in placements], pa.float64()),
            "sketch": pa.array([list(m.sketch) for m in fresh], pa.list_(pa.int64())),
            "content_hash": [m.content_hash for m in fresh],
            "joined_at": pa.array([stamp] * len(fresh), pa.timestamp("us", tz="UTC")),
            "run_id": [run_id] * len(fresh),
        }
    )
    con.register("batch_members", table)
    try:
        con.execute(_NEW_CLUSTERS)
        con.execute(_MEMBERS_UPSERT)
    finally:
        con.unregister("batch_members")


_NEW_CLUSTERS = """
INSERT INTO clusters BY NAME
SELECT cluster_id, article_id AS founder_article_id, joined_at AS created_at, run_id
FROM batch_members WHERE cluster_id = article_id
ON CONFLICT (cluster_id) DO NOTHING
"""

# A revised article keeps its cluster; only its fingerprint follows the new text.
_MEMBERS_UPSERT = """
INSERT INTO cluster_members BY NAME SELECT * FROM batch_members
ON CONFLICT (article_id) DO UPDATE SET sketch = excluded.sketch,
    content_hash = excluded.content_hash, run_id = excluded.run_id
"""


def backfill(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Fingerprint the articles no cluster knows yet (seeds, or rows from before clusters)."""
    rows = con.execute(
        "SELECT a.article_id, a.content_hash, a.body FROM articles a "
        "ANTI JOIN cluster_members m USING (article_id) ORDER BY a.ingested_at, a.article_id "
        "LIMIT ?",
        [BACKFILL_CHUNK],
    ).fetchall()
    members = [Member(article_id, digest, sketch(body)) for article_id, digest, body in rows]
    return len(place_members(con, run_id, members))


def backfill_all(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    while backfill(con, run_id) >= BACKFILL_CHUNK:
        pass

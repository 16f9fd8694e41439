"""What one run did to the warehouse, read back for the events it emits."""

from __future__ import annotations

from typing import Any

import duckdb

MAX_EXAMPLES = 5

# A source is failing repeatedly when one of its inputs is still failing, has failed at
# least `min_attempts` times, and failed again in this run (so each run reports it once).
_FAILING = """
SELECT source_id, count(*) AS failing_inputs, max(attempts) AS max_attempts,
       list({'url': url, 'stage': stage, 'reason': reason, 'attempts': attempts}
            ORDER BY attempts DESC, url)[1:?] AS examples
FROM failures
WHERE last_run_id = ? AND resolved_at IS NULL AND attempts >= ?
GROUP BY source_id ORDER BY source_id
"""


def landed_articles(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str]]:
    """(source_id, article_id) of each article row this run wrote; unchanged rows keep theirs."""
    rows = con.execute(
        "SELECT source_id, article_id FROM articles WHERE run_id = ? ORDER BY 1, 2", [run_id]
    ).fetchall()
    return [(str(source_id), str(article_id)) for source_id, article_id in rows]


def failing_sources(
    con: duckdb.DuckDBPyConnection, run_id: str, min_attempts: int
) -> list[dict[str, Any]]:
    cursor = con.execute(_FAILING, [MAX_EXAMPLES, run_id, min_attempts])
    names = [column[0] for column in cursor.description or []]
    found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [{**row, "run_id": run_id, "threshold": min_attempts} for row in found]

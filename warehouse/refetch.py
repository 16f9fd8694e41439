"""What `reingest --refetch` asks the network for again: the pages a source was fetched from.

A page belongs to the source that first named it (`candidates.source_id`): that is the
source its documents and article are landed under, so refetching exactly those pages
can change no other source's rows. Pages never requested (pending, refused by the
network guard, disallowed by robots.txt) are not refetched: finding and first fetching
pages is discovery's job. A page that had a response once stays refetchable whatever
its last status, so a refetch refused for a missing `--allow-host` loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from extractors.links import PENDING, REFUSED, ROBOTS_DISALLOWED, PlannedFetch

NEVER_REQUESTED: Sequence[str] = (PENDING, REFUSED, ROBOTS_DISALLOWED)

# The stored validators ride along, so every request is conditional.
_REQUESTED_PAGES = """
SELECT c.canonical_url, c.source_id, c.query, c.status, c.article_id, c.score,
       v.etag, v.last_modified, c.attempts
FROM candidates c LEFT JOIN http_validators v ON v.url = c.canonical_url
WHERE c.source_id = ?
  AND (v.url IS NOT NULL OR c.status NOT IN (SELECT unnest(?::VARCHAR[])))
ORDER BY c.canonical_url
"""


def source_kind(con: duckdb.DuckDBPyConnection, source_id: str) -> str | None:
    """The source's kind (files, feed, sitemap, search, web), or None if there is no such source."""
    row = con.execute("SELECT kind FROM sources WHERE source_id = ?", [source_id]).fetchone()
    return str(row[0]) if row else None


def requested_pages(con: duckdb.DuckDBPyConnection, source_id: str) -> list[PlannedFetch]:
    """Every page of the source that was requested over HTTP, with its stored validators."""
    cursor = con.execute(_REQUESTED_PAGES, [source_id, list(NEVER_REQUESTED)])
    names = [column[0] for column in cursor.description or []]
    return [PlannedFetch(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

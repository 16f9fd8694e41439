"""Which seed files the warehouse already knows: what `newsflow serve` need not land again.

A file is known once any run read it: its bytes are a document, it became an article,
or it was refused (empty, too large, ...) and is in `failures`. Known files are not
announced again at start-up, whatever became of them; a file whose ingest failed for
good stays in `failures` until someone changes it and runs `newsflow ingest`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

_KNOWN = """
SELECT url FROM documents WHERE source_id = $1 AND url IN (SELECT unnest($2::VARCHAR[]))
UNION SELECT url FROM articles WHERE source_id = $1 AND url IN (SELECT unnest($2::VARCHAR[]))
UNION SELECT url FROM failures WHERE source_id = $1 AND url IN (SELECT unnest($2::VARCHAR[]))
"""


def known_urls(con: duckdb.DuckDBPyConnection, source_id: str, urls: Sequence[str]) -> set[str]:
    """Those of `urls` (`<source_id>/<file name>`) with a row of that source."""
    return {row[0] for row in con.execute(_KNOWN, [source_id, list(urls)]).fetchall()}

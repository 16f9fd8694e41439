-- Bookkeeping for the SQL analysis surface (warehouse/views.py, warehouse/search.py).

-- Each analysis view (warehouse/views/<name>.sql) and the definition it was last checked
-- with: a view is re-created only when its SQL or the applied migrations change, and one
-- whose tables are not there yet is recorded as skipped with the reason.
CREATE TABLE view_definitions (
    name         VARCHAR PRIMARY KEY,
    definition   VARCHAR NOT NULL,          -- sha256 of the SQL file and the migrations
    status       VARCHAR NOT NULL,          -- created | skipped | failed
    detail       VARCHAR,                   -- why it was skipped or failed
    checked_at   TIMESTAMPTZ NOT NULL
);

-- What the full-text index was built from: it is rebuilt only when `articles` changed.
CREATE TABLE search_index (
    table_name   VARCHAR PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,          -- row count and an XOR of (article_id, record_hash)
    documents    BIGINT NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL
);

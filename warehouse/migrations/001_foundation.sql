-- The foundation schema. Timestamps are UTC TIMESTAMPTZ; ids are hex digests (see
-- extractors/normalise.py) so a re-run computes the same keys.

CREATE TABLE sources (
    source_id   VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- files | feed | sitemap | search | web
    location    VARCHAR NOT NULL,          -- folder path or URL
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE runs (
    run_id              VARCHAR PRIMARY KEY,
    flow                VARCHAR NOT NULL,
    mode                VARCHAR NOT NULL,  -- local | prefect
    prefect_flow_run_id VARCHAR,
    parameters          JSON,
    status              VARCHAR NOT NULL,  -- running | completed | failed
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    documents_read      INTEGER,
    articles_new        INTEGER,
    articles_updated    INTEGER,
    articles_unchanged  INTEGER,
    removals            INTEGER,
    failures            INTEGER,
    extractor_version   VARCHAR,
    rules_version       VARCHAR,
    error               VARCHAR
);

-- Every distinct set of bytes seen for a URL. The bytes themselves live gzip-compressed in
-- the content-addressed raw store beside the warehouse file (raw_path is relative to it):
-- DuckDB stores long text uncompressed, and the raw bytes are only read on re-extraction.
CREATE TABLE documents (
    document_id     VARCHAR PRIMARY KEY,
    source_id       VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,
    media_type      VARCHAR NOT NULL,
    charset         VARCHAR,
    byte_size       BIGINT NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    raw_path        VARCHAR NOT NULL,
    requested_url   VARCHAR,
    final_url       VARCHAR,
    http_status     INTEGER,
    retrieved_at    TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL
);

CREATE TABLE articles (
    article_id         VARCHAR PRIMARY KEY,
    source_id          VARCHAR NOT NULL,
    url                VARCHAR NOT NULL,
    title              VARCHAR,
    authors            VARCHAR[] NOT NULL,
    published_at       TIMESTAMPTZ,
    language           VARCHAR,
    site_name          VARCHAR,
    body               VARCHAR NOT NULL,
    word_count         INTEGER NOT NULL,
    content_hash       VARCHAR NOT NULL,
    record_hash        VARCHAR NOT NULL,   -- over every field above: "did anything change?"
    document_id        VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    rules_version      VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,   -- the run that last wrote this row
    ingested_at        TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- Each boilerplate span taken out of an article: what, by which rule, where.
CREATE TABLE removals (
    article_id    VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    rule          VARCHAR NOT NULL,
    rule_version  VARCHAR NOT NULL,
    category      VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,
    line_start    INTEGER NOT NULL,
    line_end      INTEGER NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE failures (
    source_id    VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    transient    BOOLEAN NOT NULL,
    document_id  VARCHAR,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL,
    last_run_id  VARCHAR NOT NULL,
    resolved_at  TIMESTAMPTZ,              -- set when the same input later lands
    PRIMARY KEY (source_id, url, stage)
);

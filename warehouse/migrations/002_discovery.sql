-- Discovery (issue 3): candidate URLs and what became of them, HTTP validators for
-- conditional requests, earlier versions of articles, near-duplicate clusters, and where
-- each fetched response sits in the run's WARC file.

-- Where the HTTP response that gave a document is archived: a file in the WARC folder
-- beside the warehouse (`news.duckdb` -> `news.warc/`) and the byte offset of its record.
ALTER TABLE documents ADD COLUMN warc_file VARCHAR;
ALTER TABLE documents ADD COLUMN warc_offset BIGINT;

-- One row per candidate URL (by canonical URL): who found it first and what became of it.
CREATE TABLE candidates (
    canonical_url  VARCHAR PRIMARY KEY,     -- tracking parameters and fragment dropped
    url            VARCHAR NOT NULL,        -- as first found
    source_id      VARCHAR NOT NULL,        -- the source that found it first
    query          VARCHAR,                 -- its search query (NULL for feeds, sitemaps)
    found_at       TIMESTAMPTZ NOT NULL,
    title          VARCHAR,                 -- as the source named it
    published_at   TIMESTAMPTZ,             -- as the source dated it
    -- pending | landed | duplicate | off_topic | robots_disallowed | refused | failed
    -- | deferred (robots.txt unreachable, or a transient failure: tried again next run)
    status         VARCHAR NOT NULL,
    score          DOUBLE,                  -- relevance to the topic, 0..1
    reason         VARCHAR,                 -- why it was skipped or failed, one line
    article_id     VARCHAR,                 -- the article it landed as, or duplicates
    final_url      VARCHAR,                 -- after redirects
    http_status    INTEGER,                 -- of the last fetch (304: not modified)
    attempts       INTEGER NOT NULL,        -- fetches that failed in a row
    checked_at     TIMESTAMPTZ,             -- last fetch
    warc_file      VARCHAR,                 -- the last response, archived
    warc_offset    BIGINT,
    last_run_id    VARCHAR NOT NULL
);

-- Every (source, query) that named a candidate: the same URL found by a feed and by a
-- search is one candidate with two sightings.
CREATE TABLE candidate_sightings (
    canonical_url  VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    query          VARCHAR NOT NULL,        -- '' for feeds and sitemaps
    url            VARCHAR NOT NULL,        -- as this source wrote it
    first_seen     TIMESTAMPTZ NOT NULL,
    last_seen      TIMESTAMPTZ NOT NULL,
    last_run_id    VARCHAR NOT NULL,
    PRIMARY KEY (canonical_url, source_id, query)
);

-- The validators of the last full response per requested URL, sent on the next run so
-- an unchanged page costs a 304; content_sha256 finds the bytes in the raw store.
CREATE TABLE http_validators (
    url             VARCHAR PRIMARY KEY,
    etag            VARCHAR,
    last_modified   VARCHAR,
    content_sha256  VARCHAR,
    last_status     INTEGER NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL
);

-- An article's earlier versions: its row as it was before its content_hash changed.
CREATE TABLE article_versions (
    article_id         VARCHAR NOT NULL,
    url                VARCHAR NOT NULL,
    title              VARCHAR,
    authors            VARCHAR[] NOT NULL,
    published_at       TIMESTAMPTZ,
    body               VARCHAR NOT NULL,
    word_count         INTEGER NOT NULL,
    content_hash       VARCHAR NOT NULL,
    document_id        VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    rules_version      VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,    -- the run that wrote this version
    ingested_at        TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    superseded_at      TIMESTAMPTZ NOT NULL,
    superseded_by_run  VARCHAR NOT NULL
);

-- Near-duplicate clusters (syndicated copies), across runs and sources.
CREATE TABLE clusters (
    cluster_id          VARCHAR PRIMARY KEY,
    founder_article_id  VARCHAR NOT NULL,   -- the first article of the cluster
    created_at          TIMESTAMPTZ NOT NULL,
    run_id              VARCHAR NOT NULL
);

CREATE TABLE cluster_members (
    article_id          VARCHAR PRIMARY KEY,
    cluster_id          VARCHAR NOT NULL,
    matched_article_id  VARCHAR,            -- the member it resembled most when it joined
    similarity          DOUBLE NOT NULL,    -- estimated resemblance to that member
    sketch              BIGINT[] NOT NULL,  -- bottom-k MinHash of the body
    content_hash        VARCHAR NOT NULL,   -- the body the sketch was made from
    joined_at           TIMESTAMPTZ NOT NULL,
    run_id              VARCHAR NOT NULL
);

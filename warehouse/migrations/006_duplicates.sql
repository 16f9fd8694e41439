-- One article per cleaned text on the file and re-ingest paths too (issue 3). An input
-- whose text an article already has lands no article of its own; its bytes stay in
-- `documents`, and this table says which article it repeats and why. It is not a failure:
-- nothing is wrong with the input, so it is neither retried nor counted against its source.
-- (Discovery records its duplicates on the candidate: `candidates.status = 'duplicate'`.)
CREATE TABLE duplicates (
    source_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,         -- the id it would have (of its URL)
    document_id   VARCHAR NOT NULL,         -- the bytes that gave the text
    content_hash  VARCHAR NOT NULL,
    duplicate_of  VARCHAR NOT NULL,         -- article_id of the article kept
    reason        VARCHAR NOT NULL,         -- "same text as article <id> (<url>)"
    first_seen    TIMESTAMPTZ NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL,         -- the last run that found it a duplicate
    resolved_at   TIMESTAMPTZ,              -- set when the URL later lands as an article
    PRIMARY KEY (source_id, url)
);

-- Inputs found duplicates by the run (NULL: the flow does not count them here).
ALTER TABLE runs ADD COLUMN duplicates INTEGER;

-- What did discovery find, and what became of each find? One row per candidate (by
-- canonical URL): who found it first, with which query and when, how many (source, query)
-- pairs named it, its status (pending, landed, duplicate, off_topic, robots_disallowed,
-- refused, failed, deferred) with score and reason, the last fetch, and the article it
-- landed as or duplicates. Needs the discovery tables `candidates` and
-- `candidate_sightings` (migration 002).
CREATE OR REPLACE VIEW candidate_outcomes AS
WITH sightings AS (
    SELECT
        canonical_url,
        count(*) AS sightings,
        list(DISTINCT source_id ORDER BY source_id) AS found_by
    FROM candidate_sightings GROUP BY ALL
)
SELECT
    c.canonical_url,
    c.url,
    c.source_id,
    c.query,
    c.found_at,
    coalesce(s.sightings, 0) AS sightings,
    s.found_by,
    c.status,
    c.score,
    c.reason,
    c.http_status,
    c.attempts,
    c.checked_at,
    c.article_id,
    a.title AS article_title,
    a.source_id AS article_source_id,
    c.last_run_id
FROM candidates AS c
LEFT JOIN sightings AS s USING (canonical_url)
LEFT JOIN articles AS a ON a.article_id = c.article_id;

-- What did each run do, and with which code? One row per run: flow, mode, status, timing,
-- the counts it recorded, how many articles it was the last to write, and the versions.
CREATE OR REPLACE VIEW run_history AS
WITH last_written AS (
    SELECT run_id, count(*) AS articles FROM articles GROUP BY ALL
)
SELECT
    r.run_id,
    r.flow,
    r.mode,
    r.status,
    r.started_at,
    r.finished_at,
    r.finished_at - r.started_at AS duration,
    r.documents_read,
    r.articles_new,
    r.articles_updated,
    r.articles_unchanged,
    r.removals,
    r.failures,
    r.duplicates,             -- NULL: the flow records its duplicates elsewhere
    coalesce(w.articles, 0) AS articles_last_written,
    r.extractor_version,
    r.rules_version,
    r.prefect_flow_run_id,
    r.error
FROM runs AS r
LEFT JOIN last_written AS w USING (run_id);

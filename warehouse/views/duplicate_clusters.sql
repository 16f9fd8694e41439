-- Which articles are the same story told twice (syndicated or near-duplicate copies)? Every
-- cluster with two or more members, one row per member: its source, title and date, whether
-- it founded the cluster, the member it resembled most when it joined and how closely.
-- Needs the discovery tables `clusters` and `cluster_members` (migration 002).
CREATE OR REPLACE VIEW duplicate_clusters AS
SELECT
    m.cluster_id,
    count(*) OVER cluster AS members,
    min(a.published_at) OVER cluster AS first_published_at,
    m.article_id = c.founder_article_id AS founder,
    m.article_id,
    a.source_id,
    coalesce(a.site_name, a.source_id) AS outlet,
    a.title,
    a.published_at,
    a.url,
    m.matched_article_id,
    m.similarity,
    m.joined_at
FROM cluster_members AS m
JOIN clusters AS c USING (cluster_id)
LEFT JOIN articles AS a USING (article_id)
WINDOW cluster AS (PARTITION BY m.cluster_id)
QUALIFY members > 1;

-- Is each source healthy? Documents fetched, articles landed, open failures by stage, the
-- share of inputs with an empty body and of articles without a date, boilerplate spans
-- removed per article, and when the source last landed a new or changed article.
-- "Empty body" = a landed article with no words, or an open failure whose reason is one that
-- extractors.errors.EmptyDocument gives (empty file, no text, nothing left after cleaning).
CREATE OR REPLACE VIEW source_health AS
WITH all_sources AS (
    SELECT source_id FROM sources
    UNION SELECT source_id FROM documents
    UNION SELECT source_id FROM articles
    UNION SELECT source_id FROM failures
),
fetched AS (
    SELECT source_id, count(*) AS documents, max(retrieved_at) AS last_fetched_at
    FROM documents GROUP BY ALL
),
landed AS (
    SELECT
        source_id,
        count(*) AS articles,
        count(*) FILTER (WHERE word_count = 0) AS empty_bodies,
        count(*) FILTER (WHERE published_at IS NULL) AS undated,
        max(updated_at) AS last_success_at
    FROM articles GROUP BY ALL
),
removed AS (
    SELECT a.source_id, count(*) AS spans
    FROM removals AS r JOIN articles AS a USING (article_id) GROUP BY ALL
),
failed_by_stage AS (
    SELECT
        source_id,
        stage,
        count(*) AS failures,
        count(*) FILTER (
            WHERE regexp_matches(reason, '^(empty file|no text|no article text|nothing left)')
        ) AS empty_bodies
    FROM failures WHERE resolved_at IS NULL GROUP BY ALL
),
failed AS (
    SELECT
        source_id,
        sum(failures)::BIGINT AS failures,
        map_from_entries(list({'key': stage, 'value': failures} ORDER BY stage)) AS by_stage,
        sum(empty_bodies)::BIGINT AS empty_bodies
    FROM failed_by_stage GROUP BY ALL
)
SELECT
    s.source_id,
    coalesce(f.documents, 0) AS documents_fetched,
    coalesce(l.articles, 0) AS articles_landed,
    coalesce(x.failures, 0) AS open_failures,
    x.by_stage AS failures_by_stage,
    round(
        (coalesce(l.empty_bodies, 0) + coalesce(x.empty_bodies, 0))
        / nullif(coalesce(l.articles, 0) + coalesce(x.empty_bodies, 0), 0), 3
    ) AS empty_body_rate,
    round(l.undated / nullif(l.articles, 0), 3) AS missing_date_rate,
    round(coalesce(r.spans, 0) / nullif(l.articles, 0), 2) AS removals_per_article,
    l.last_success_at,
    f.last_fetched_at
FROM all_sources AS s
LEFT JOIN fetched AS f USING (source_id)
LEFT JOIN landed AS l USING (source_id)
LEFT JOIN removed AS r USING (source_id)
LEFT JOIN failed AS x USING (source_id);

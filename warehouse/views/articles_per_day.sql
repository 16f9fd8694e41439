-- How many articles did each source publish each day? Days are UTC calendar days of
-- `published_at`; undated articles count on a NULL day, so the totals match `articles`.
CREATE OR REPLACE VIEW articles_per_day AS
SELECT
    (published_at AT TIME ZONE 'UTC')::DATE AS day,
    source_id,
    count(*) AS articles,
    sum(word_count)::BIGINT AS words,
    count(DISTINCT site_name) AS outlets
FROM articles
GROUP BY ALL;

-- How did the story unfold? Every article in publication order (undated ones last, in
-- landing order), with its source, title, opening words and the gap since the one before.
CREATE OR REPLACE VIEW story_timeline AS
SELECT
    row_number() OVER timeline AS position,
    published_at,
    published_at - lag(published_at) OVER timeline AS since_previous,
    source_id,
    coalesce(site_name, source_id) AS outlet,
    title,
    left(body, 160) AS opening,
    authors,
    word_count,
    url,
    article_id
FROM articles
WINDOW timeline AS (ORDER BY published_at NULLS LAST, ingested_at, article_id);

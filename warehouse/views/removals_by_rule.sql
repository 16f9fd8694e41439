-- What does each boilerplate rule remove, and from which sources? Spans, articles touched,
-- lines and characters removed, and one example span per rule, version and source.
CREATE OR REPLACE VIEW removals_by_rule AS
SELECT
    r.rule,
    r.rule_version,
    r.category,
    a.source_id,
    count(*) AS spans,
    count(DISTINCT r.article_id) AS articles,
    sum(r.line_end - r.line_start)::BIGINT AS lines,
    sum(length(r.text))::BIGINT AS characters,
    first(left(r.text, 200) ORDER BY r.article_id, r.seq) AS example
FROM removals AS r
JOIN articles AS a USING (article_id)
GROUP BY ALL;

-- Which topic profile a candidate's score was computed against (a digest of its terms,
-- weights and threshold), so a page answering 304 after the topic changed is re-scored
-- from its stored copy instead of keeping a verdict made against another topic. NULL for
-- scores from before this migration, which count as made against another topic.
ALTER TABLE candidates ADD COLUMN profile_hash VARCHAR;

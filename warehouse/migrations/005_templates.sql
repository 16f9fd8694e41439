-- Learned per-source templates (issue 5): normalised lines that recur verbatim across a
-- source's articles and read like page furniture. Clean-up removes them under the rule
-- "learned-template"; this table keeps the current set for each source, so it survives
-- runs and can be inspected. Rows are replaced whenever a run re-learns the source.
CREATE TABLE learned_templates (
    source_id       VARCHAR NOT NULL,
    line_norm       VARCHAR NOT NULL,      -- normalise_line() of the recurring line
    documents       INTEGER NOT NULL,      -- articles it was found in when last learned
    first_seen      TIMESTAMPTZ NOT NULL,  -- when it was first learned
    last_seen       TIMESTAMPTZ NOT NULL,  -- when it was last confirmed
    learned_by_run  VARCHAR NOT NULL,      -- the run that first learned it
    PRIMARY KEY (source_id, line_norm)
);

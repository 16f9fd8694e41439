-- Failures that keep failing stop being retried: after a bounded number of attempts on
-- the same bytes they are terminal, and the pipeline skips them until the input changes.
ALTER TABLE failures ADD COLUMN terminal BOOLEAN DEFAULT false;

-- Which process ran a run, so a run killed mid-way can be told from one still going.
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN pid INTEGER;

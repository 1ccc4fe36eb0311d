-- How many distinct values each job desired after its last applied plan, so that an idle
-- incremental run need not count a million holders.
ALTER TABLE job_state ADD COLUMN desired BIGINT;

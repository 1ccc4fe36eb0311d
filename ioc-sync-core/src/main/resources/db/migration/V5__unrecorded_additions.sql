-- A full run's additions the ledger does not know yet get their rows as QRadar confirms them,
-- written once, in order. Until then the recorded plan stands for them, and the job counts them
-- here, so that its pending additions stay known and a failed or killed run leaves them pending.
ALTER TABLE job_state ADD COLUMN unrecorded_adds INTEGER NOT NULL DEFAULT 0;

-- A full run writes a million rows in one order; every index kept in another order costs a random
-- page write per row. Holders by value become a table of their own, filled from staging already
-- sorted by value, and the ledger indexes by state only the few values still pending.
CREATE TABLE holder_value (
  job   TEXT NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  value TEXT NOT NULL,
  uuid  TEXT NOT NULL,
  PRIMARY KEY (job, value, uuid)
) WITHOUT ROWID;
INSERT INTO holder_value (job, value, uuid)
  SELECT job, value, uuid FROM holder ORDER BY job, value, uuid;
DROP INDEX holder_by_value;

DROP INDEX ledger_by_state;
CREATE INDEX ledger_pending ON ledger (job, value) WHERE state <> 'CONFIRMED';

-- The staged values keep the uuid that holds each, in value order, so that the plan reads the
-- distinct values in order and a full run copies its holders by value without sorting again.
DROP TABLE stage_value;
CREATE TABLE stage_value (
  job   TEXT NOT NULL,
  value TEXT NOT NULL,
  uuid  TEXT NOT NULL,
  PRIMARY KEY (job, value, uuid)
) WITHOUT ROWID;

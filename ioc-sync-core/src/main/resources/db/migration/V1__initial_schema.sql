-- Jobs, keyed by name; the spec is JSON so that new fields need no migration.
CREATE TABLE job (
  name       TEXT PRIMARY KEY,
  spec       TEXT NOT NULL,
  paused     INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Where each job stands: the upper time bound of its last successful run (epoch seconds) and
-- the start of its last successful full run (epoch milliseconds).
CREATE TABLE job_state (
  job          TEXT PRIMARY KEY REFERENCES job (name) ON DELETE CASCADE,
  cursor       INTEGER,
  last_full_at INTEGER
);

CREATE TABLE connection (
  server          TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  api_version     TEXT,
  verify_tls      INTEGER NOT NULL,
  ca_certificate  TEXT
);

-- Secrets sealed with AES-GCM under a key kept outside the database.
CREATE TABLE secret (
  name   TEXT PRIMARY KEY,
  sealed BLOB NOT NULL
);

-- Which live attribute of a job yields which value: the job's desired set.
CREATE TABLE holder (
  job   TEXT NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  uuid  TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job, uuid)
) WITHOUT ROWID;
CREATE INDEX holder_by_value ON holder (job, value);

-- Each value a job put, or may have put, into its reference set.
CREATE TABLE ledger (
  job        TEXT NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  value      TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('PENDING_ADD', 'CONFIRMED', 'PENDING_REMOVE')),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job, value)
) WITHOUT ROWID;
CREATE INDEX ledger_by_state ON ledger (job, state, value);

CREATE TABLE run (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  job               TEXT NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  kind              TEXT NOT NULL,
  started_at        INTEGER NOT NULL,
  ended_at          INTEGER,
  outcome           TEXT NOT NULL,
  fetched           INTEGER NOT NULL DEFAULT 0,
  desired           INTEGER NOT NULL DEFAULT 0,
  added             INTEGER NOT NULL DEFAULT 0,
  removed           INTEGER NOT NULL DEFAULT 0,
  rejected          INTEGER NOT NULL DEFAULT 0,
  skipped_by_reason TEXT NOT NULL DEFAULT '{}',
  error             TEXT
);
CREATE INDEX run_by_job ON run (job, id);

CREATE TABLE recent_value (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  job    TEXT NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  value  TEXT NOT NULL,
  added  INTEGER NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX recent_value_by_job ON recent_value (job, id);

-- Scratch space of the run in progress of each job; emptied when a run starts and ends.
CREATE TABLE stage_attribute (
  job    TEXT NOT NULL,
  uuid   TEXT NOT NULL,
  value  TEXT,
  reason TEXT,
  ts     INTEGER NOT NULL,
  PRIMARY KEY (job, uuid)
) WITHOUT ROWID;
CREATE INDEX stage_attribute_by_value ON stage_attribute (job, value);

CREATE TABLE stage_present (
  job   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job, value)
) WITHOUT ROWID;

CREATE TABLE stage_candidate (
  job         TEXT NOT NULL,
  value       TEXT NOT NULL,
  desired     INTEGER NOT NULL,
  was_desired INTEGER NOT NULL,
  state       TEXT,
  PRIMARY KEY (job, value)
) WITHOUT ROWID;

CREATE TABLE stage_plan (
  job    TEXT NOT NULL,
  action TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (job, action, value)
) WITHOUT ROWID;

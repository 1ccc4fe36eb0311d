-- The schema of db/migration (SQLite) in PostgreSQL's terms: BIGINT for SQLite's 64-bit INTEGER,
-- BOOLEAN for its 0/1 flags, BYTEA for BLOB, identity columns for AUTOINCREMENT. Values and names
-- compare byte by byte (COLLATE "C"), as in SQLite, so that paging by value sees the same order
-- whatever locale the cluster was made with.

-- Jobs, keyed by name; the spec is JSON so that new fields need no migration.
CREATE TABLE job (
  name       TEXT COLLATE "C" PRIMARY KEY,
  spec       TEXT NOT NULL,
  paused     BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Where each job stands: the upper time bound of its last successful run (epoch seconds) and
-- the start of its last successful full run (epoch milliseconds).
CREATE TABLE job_state (
  job          TEXT COLLATE "C" PRIMARY KEY REFERENCES job (name) ON DELETE CASCADE,
  cursor       BIGINT,
  last_full_at BIGINT
);

CREATE TABLE connection (
  server          TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  api_version     TEXT,
  verify_tls      BOOLEAN NOT NULL,
  ca_certificate  TEXT
);

-- Secrets sealed with AES-GCM under a key kept outside the database.
CREATE TABLE secret (
  name   TEXT COLLATE "C" PRIMARY KEY,
  sealed BYTEA NOT NULL
);

-- Which live attribute of a job yields which value: the job's desired set.
CREATE TABLE holder (
  job   TEXT COLLATE "C" NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  uuid  TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job, uuid)
);
CREATE INDEX holder_by_value ON holder (job, value);

-- Each value a job put, or may have put, into its reference set.
CREATE TABLE ledger (
  job        TEXT COLLATE "C" NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  value      TEXT COLLATE "C" NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('PENDING_ADD', 'CONFIRMED', 'PENDING_REMOVE')),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (job, value)
);
CREATE INDEX ledger_by_state ON ledger (job, state, value);

CREATE TABLE run (
  id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job               TEXT COLLATE "C" NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  kind              TEXT NOT NULL,
  started_at        BIGINT NOT NULL,
  ended_at          BIGINT,
  outcome           TEXT NOT NULL,
  fetched           BIGINT NOT NULL DEFAULT 0,
  desired           BIGINT NOT NULL DEFAULT 0,
  added             BIGINT NOT NULL DEFAULT 0,
  removed           BIGINT NOT NULL DEFAULT 0,
  rejected          BIGINT NOT NULL DEFAULT 0,
  skipped_by_reason TEXT NOT NULL DEFAULT '{}',
  error             TEXT
);
CREATE INDEX run_by_job ON run (job, id);

CREATE TABLE recent_value (
  id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job    TEXT COLLATE "C" NOT NULL REFERENCES job (name) ON DELETE CASCADE,
  value  TEXT COLLATE "C" NOT NULL,
  added  BOOLEAN NOT NULL,
  at     BIGINT NOT NULL
);
CREATE INDEX recent_value_by_job ON recent_value (job, id);

-- Scratch space of the run in progress of each job; emptied when a run starts and ends.
CREATE TABLE stage_attribute (
  job    TEXT COLLATE "C" NOT NULL,
  uuid   TEXT COLLATE "C" NOT NULL,
  value  TEXT COLLATE "C",
  reason TEXT,
  ts     BIGINT NOT NULL,
  PRIMARY KEY (job, uuid)
);
CREATE INDEX stage_attribute_by_value ON stage_attribute (job, value);

CREATE TABLE stage_present (
  job   TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job, value)
);

CREATE TABLE stage_candidate (
  job         TEXT COLLATE "C" NOT NULL,
  value       TEXT COLLATE "C" NOT NULL,
  desired     BOOLEAN NOT NULL,
  was_desired BOOLEAN NOT NULL,
  state       TEXT,
  PRIMARY KEY (job, value)
);

CREATE TABLE stage_plan (
  job    TEXT COLLATE "C" NOT NULL,
  action TEXT NOT NULL,
  value  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (job, action, value)
);

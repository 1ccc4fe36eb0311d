-- What only a database shared by several IOC Sync instances needs. It takes a point version so
-- that the versions both engines share keep meaning the same change on each.

-- Which instance ran each run.
ALTER TABLE run ADD COLUMN instance TEXT;

-- The one instance allowed to run each job, until expires_at (the database's clock). Each taking
-- of a lease draws a new token from lease_token, so that a holder that lost its lease cannot
-- mistake a later lease on the same job for its own.
CREATE SEQUENCE lease_token;
CREATE TABLE job_lease (
  job         TEXT COLLATE "C" PRIMARY KEY REFERENCES job (name) ON DELETE CASCADE,
  holder      TEXT NOT NULL,
  token       BIGINT NOT NULL,
  acquired_at TIMESTAMPTZ NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL
);

-- A value sealed with the secret key when the database was first opened, so that an instance
-- given another key is refused at start rather than when it first reads a secret.
CREATE TABLE key_check (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  sealed BYTEA NOT NULL
);

-- Attributes are staged in the order they are read, so that staging a million of them appends
-- pages instead of rewriting pages all over a tree keyed by uuid. Planning moves each uuid's
-- latest reading into stage_attribute (in uuid order) and the distinct values they hold into
-- stage_value (in value order), which the plan's joins use instead of an index on values.
CREATE TABLE stage_read (
  job    TEXT NOT NULL,
  uuid   TEXT NOT NULL,
  value  TEXT,
  reason TEXT,
  ts     INTEGER NOT NULL
);
CREATE INDEX stage_read_by_job ON stage_read (job);

CREATE TABLE stage_value (
  job   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job, value)
) WITHOUT ROWID;

DROP INDEX stage_attribute_by_value;

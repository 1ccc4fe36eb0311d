package org.iocsync.core;

/** What a job does with values it added earlier that MISP no longer yields. */
public enum SyncMode {
  /** Removes them: the job's share of the set mirrors MISP. */
  MIRROR,
  /** Leaves them: the set only grows (or ages out through QRadar's time to live). */
  APPEND
}

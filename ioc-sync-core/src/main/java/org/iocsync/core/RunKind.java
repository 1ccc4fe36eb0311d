package org.iocsync.core;

/** Whether a run recomputes a job's whole desired set or only what changed since its last run. */
public enum RunKind {
  /** Reads every attribute of the job's filter and reconciles the whole set. */
  FULL,
  /**
   * Reads the attributes, and the attributes of events, changed since the job's cursor. A job that
   * has no cursor yet runs in full.
   */
  INCREMENTAL
}

package org.iocsync.core;

/** How a run ended. */
public enum RunOutcome {
  /** The run is still going, or its process died; the next run of its job says which. */
  RUNNING,
  /** Every batch was confirmed and the job's cursor advanced. */
  OK,
  /** A failure stopped the run; what QRadar confirmed before it is kept. */
  FAILED,
  /** A stop was asked for and the run ended between two batches. */
  CANCELLED,
  /** The process ended in the middle of the run; the next run repaired what it left. */
  INTERRUPTED
}

package org.iocsync.core;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where one job stands, for a status page: its definition, its last run, its next runs and its
 * ledger.
 *
 * @param job the job and whether it is paused
 * @param running whether a run of the job is going, or queued behind one that is
 * @param lastRun the job's latest run (the one going, if any), or null before its first
 * @param nextRunAt when the scheduler runs the job next, or null when the scheduler is stopped, the
 *     job is paused, or the scheduler has not picked it up yet (it does within seconds)
 * @param nextFullRunAt when the scheduler next reconciles the job in full, null likewise
 * @param state the job's cursor, last full run and ledger counts
 */
public record JobStatus(
    StoredJob job,
    boolean running,
    @Nullable RunRecord lastRun,
    @Nullable Instant nextRunAt,
    @Nullable Instant nextFullRunAt,
    SyncState state) {
  public JobStatus {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(state, "state");
  }

  /** The job's name. */
  public String name() {
    return job.name();
  }

  /** Whether the scheduler leaves the job alone. */
  public boolean paused() {
    return job.paused();
  }
}

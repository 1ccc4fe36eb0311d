package org.iocsync.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A run could not start because another IOC Sync instance sharing the store is running the job.
 * Nothing was changed; the job's schedule runs it again once that instance is done with it.
 */
public final class JobBusyException extends IllegalStateException {
  private final String job;
  private final String holder;
  private final Duration retryAfter;

  JobBusyException(String job, String holder, Duration retryAfter) {
    super(
        "Job '"
            + job
            + "' is being run by instance '"
            + holder
            + "', which shares this store: wait for its run to end (look at the run history), or"
            + " stop that instance and its lease passes to another within "
            + Math.max(1, retryAfter.toSeconds())
            + " s");
    this.job = Objects.requireNonNull(job, "job");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** The job that is busy. */
  public String job() {
    return job;
  }

  /** The instance running it. */
  public String holder() {
    return holder;
  }

  /** How long until the holder's lease expires unless it renews it. */
  public Duration retryAfter() {
    return retryAfter;
  }
}

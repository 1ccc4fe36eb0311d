package org.iocsync.core;

import java.util.Objects;

/**
 * A job as the store keeps it.
 *
 * @param spec what the job does
 * @param paused whether the scheduler leaves it alone
 */
public record StoredJob(JobSpec spec, boolean paused) {
  public StoredJob {
    Objects.requireNonNull(spec, "spec");
  }

  /** The job's name. */
  public String name() {
    return spec.name();
  }
}

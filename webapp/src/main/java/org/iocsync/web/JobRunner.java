package org.iocsync.web;

import java.nio.file.Path;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunReport;

/** Runs jobs once against the configured servers, for {@code ioc-sync sync}. */
interface JobRunner extends AutoCloseable {
  /**
   * Runs one job.
   *
   * @param full whether to recompute the whole desired set rather than poll for changes
   * @param dryRun whether to compute everything and write nothing
   */
  RunReport run(JobSpec job, boolean full, boolean dryRun);

  @Override
  void close();

  /** Opens a runner on a state directory for the servers of a configuration. */
  interface Factory {
    JobRunner open(SyncConfig config, Path stateDir);
  }
}

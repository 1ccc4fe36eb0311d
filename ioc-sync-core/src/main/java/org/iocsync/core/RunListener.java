package org.iocsync.core;

/**
 * Hears about runs as they start and end, for status pages and logs. Methods are called on the
 * thread that runs the job and must return quickly; what they throw is logged and ignored.
 */
public interface RunListener {
  /** A run of {@code job} started. */
  default void runStarted(String job, RunKind kind, boolean dryRun) {}

  /** A run ended, in success or failure. */
  default void runFinished(RunReport report) {}
}

package org.iocsync.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One run of a job as the store's history keeps it. A run whose process died stays {@link
 * RunOutcome#RUNNING} until the job's next run marks it {@link RunOutcome#INTERRUPTED}; its counts
 * then say what QRadar confirmed before the end.
 *
 * @param id the run's number, increasing with time
 * @param job the job's name
 * @param kind full or incremental
 * @param startedAt when the run started
 * @param endedAt when it ended, or null while it runs
 * @param outcome how it ended
 * @param fetched attributes read from MISP
 * @param desired distinct values the job wanted in its set
 * @param added values QRadar confirmed as added
 * @param removed values QRadar confirmed as removed
 * @param skipped attributes that yielded no value, plus values QRadar rejected
 * @param skippedByReason {@code skipped} broken down by reason
 * @param error what went wrong, or null
 * @param instance the IOC Sync instance that ran it, when several share the store; else null
 */
public record RunRecord(
    long id,
    String job,
    RunKind kind,
    Instant startedAt,
    @Nullable Instant endedAt,
    RunOutcome outcome,
    long fetched,
    long desired,
    long added,
    long removed,
    long skipped,
    Map<SkipReason, Long> skippedByReason,
    @Nullable String error,
    @Nullable String instance) {
  public RunRecord {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(outcome, "outcome");
    skippedByReason = Map.copyOf(skippedByReason);
  }

  /** A run kept by a store that one instance uses alone, which records no instance. */
  public RunRecord(
      long id,
      String job,
      RunKind kind,
      Instant startedAt,
      @Nullable Instant endedAt,
      RunOutcome outcome,
      long fetched,
      long desired,
      long added,
      long removed,
      long skipped,
      Map<SkipReason, Long> skippedByReason,
      @Nullable String error) {
    this(
        id,
        job,
        kind,
        startedAt,
        endedAt,
        outcome,
        fetched,
        desired,
        added,
        removed,
        skipped,
        skippedByReason,
        error,
        null);
  }
}

package org.iocsync.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one run of a job did, or for a dry run what it would have done.
 *
 * @param job the job's name
 * @param kind whether the run was full or incremental (an incremental run of a job without a
 *     cursor, or whose set had to be created, runs in full)
 * @param dryRun whether writes were switched off
 * @param outcome how the run ended
 * @param startedAt when the run started
 * @param endedAt when it ended
 * @param fetched attributes read from MISP
 * @param desired distinct values the job wants in its set after the run
 * @param added values QRadar confirmed, or for a dry run the values that would be sent
 * @param removed values removed, or for a dry run the values that would be removed
 * @param skipped attributes that yielded no value, plus values QRadar rejected
 * @param skippedByReason {@code skipped} broken down by reason
 * @param error what went wrong and how to fix it, or null when the run succeeded
 * @param valuesToAdd for a dry run, the values that would be added (at most the engine's listing
 *     limit; {@code added} has the full count); empty otherwise
 * @param valuesToRemove for a dry run, the values that would be removed, likewise limited
 * @param skippedExamples for a dry run, a few attributes skipped for each reason
 */
public record RunReport(
    String job,
    RunKind kind,
    boolean dryRun,
    RunOutcome outcome,
    Instant startedAt,
    Instant endedAt,
    long fetched,
    long desired,
    long added,
    long removed,
    long skipped,
    Map<SkipReason, Long> skippedByReason,
    @Nullable String error,
    List<String> valuesToAdd,
    List<String> valuesToRemove,
    Map<SkipReason, List<SkippedAttribute>> skippedExamples) {
  public RunReport {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    skippedByReason = sorted(skippedByReason);
    valuesToAdd = List.copyOf(valuesToAdd);
    valuesToRemove = List.copyOf(valuesToRemove);
    skippedExamples = sortedExamples(skippedExamples);
  }

  /** Whether the run succeeded. */
  public boolean ok() {
    return outcome == RunOutcome.OK;
  }

  /** How long the run took. */
  public Duration duration() {
    return Duration.between(startedAt, endedAt);
  }

  private static Map<SkipReason, Long> sorted(Map<SkipReason, Long> counts) {
    Map<SkipReason, Long> copy = new EnumMap<>(SkipReason.class);
    copy.putAll(counts);
    return Collections.unmodifiableMap(copy);
  }

  private static Map<SkipReason, List<SkippedAttribute>> sortedExamples(
      Map<SkipReason, List<SkippedAttribute>> examples) {
    Map<SkipReason, List<SkippedAttribute>> copy = new EnumMap<>(SkipReason.class);
    examples.forEach((reason, list) -> copy.put(reason, List.copyOf(list)));
    return Collections.unmodifiableMap(copy);
  }
}

package org.iocsync.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a run read and the sizes of the changes it planned for its job's set.
 *
 * @param fetched distinct attributes read from MISP
 * @param desired distinct values the job wants in its set once the plan is carried out
 * @param toAdd values to send to QRadar
 * @param toRemove values to remove from it
 * @param skippedByReason attributes read that yield no value, by reason
 */
public record Plan(
    long fetched, long desired, long toAdd, long toRemove, Map<SkipReason, Long> skippedByReason) {
  public Plan {
    Map<SkipReason, Long> copy = new EnumMap<>(SkipReason.class);
    copy.putAll(skippedByReason);
    skippedByReason = Collections.unmodifiableMap(copy);
  }

  /** Attributes read that yield no value. */
  public long skipped() {
    return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One side of a plan. */
  public enum Action {
    /** Values to send. */
    ADD,
    /** Values to remove. */
    REMOVE
  }
}

package org.iocsync.core;

import java.util.List;
import java.util.Objects;

/**
 * What QRadar made of one batch of values sent to a reference set.
 *
 * @param accepted the values the set now holds
 * @param rejected the values it refused, each with QRadar's reason
 */
public record AddResult(List<String> accepted, List<Rejection> rejected) {
  public AddResult {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }

  /** A result where every value in {@code values} was accepted. */
  public static AddResult allAccepted(List<String> values) {
    return new AddResult(values, List.of());
  }

  /**
   * A value QRadar refused.
   *
   * @param value the refused value
   * @param reason QRadar's explanation, for the run history
   */
  public record Rejection(String value, String reason) {
    public Rejection {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(reason, "reason");
    }
  }
}

package org.iocsync.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the sync engine retries a call that failed in a way that may pass: exponential backoff with
 * jitter, bounded both in attempts and in total time.
 *
 * @param maxAttempts the most attempts of one call, the first included; 1 means no retry
 * @param initialDelay the wait before the second attempt, doubled before each later one
 * @param maxDelay the longest wait between two attempts, unless the server asks for longer
 * @param maxTotal the longest time one call may take with its retries; no attempt starts whose wait
 *     would end beyond it
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxTotal) {
  /** Five attempts, from one second up to 30 seconds apart, within two minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxTotal, "maxTotal");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (initialDelay.isNegative()
        || maxDelay.compareTo(initialDelay) < 0
        || maxTotal.isNegative()) {
      throw new IllegalArgumentException(
          "need 0 <= initialDelay <= maxDelay and maxTotal >= 0, got "
              + initialDelay
              + ", "
              + maxDelay
              + ", "
              + maxTotal);
    }
  }
}

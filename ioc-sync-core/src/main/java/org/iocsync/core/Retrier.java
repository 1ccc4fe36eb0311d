package org.iocsync.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Calls MISP or QRadar, retrying failures that may pass as a {@link RetryPolicy} says. */
final class Retrier {
  private final RetryPolicy policy;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  Retrier(RetryPolicy policy, Clock clock, Sleeper sleeper, RandomGenerator random) {
    this.policy = policy;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
  }

  /**
   * Runs {@code call}, retrying on a {@linkplain SyncException#retryable() retryable} failure.
   *
   * @param what the call in words, starting with a capital ("Adding 1000 values to set 'x'")
   * @throws GaveUpException when the call failed for good
   * @throws StoppedException when a stop was asked for, or the thread interrupted, while waiting
   */
  <T> T call(String what, BooleanSupplier stopRequested, Supplier<T> call) {
    Instant start = clock.instant();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (SyncException e) {
        if (!e.retryable()) {
          throw new GaveUpException(what + " failed: " + e.getMessage(), e);
        }
        if (attempt >= policy.maxAttempts()) {
          throw new GaveUpException(
              what + " failed " + attempt + " times; the last time: " + e.getMessage(), e);
        }
        Duration delay = delay(attempt, e.retryAfter());
        Duration elapsed = Duration.between(start, clock.instant());
        if (elapsed.plus(delay).compareTo(policy.maxTotal()) > 0) {
          throw new GaveUpException(
              what
                  + " failed "
                  + attempt
                  + " times in "
                  + elapsed.toSeconds()
                  + " s; the last time: "
                  + e.getMessage(),
              e);
        }
        if (stopRequested.getAsBoolean()) {
          throw new StoppedException();
        }
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new StoppedException();
        }
      }
    }
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random. */
  Duration delay(int attempt, Optional<Duration> retryAfter) {
    long initial = policy.initialDelay().toMillis();
    long cap = policy.maxDelay().toMillis();
    long step = attempt >= 62 ? cap : Math.min(cap, initial << Math.min(attempt - 1, 30));
    long half = step / 2;
    long millis = half + (step - half == 0 ? 0 : random.nextLong(step - half + 1));
    Duration jittered = Duration.ofMillis(millis);
    return retryAfter.filter(asked -> asked.compareTo(jittered) > 0).orElse(jittered);
  }

  /** A call failed for good; the message says what and why. */
  static final class GaveUpException extends RuntimeException {
    GaveUpException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A stop was asked for while a call was being retried. */
  static final class StoppedException extends RuntimeException {
    StoppedException() {
      super("stopped on request");
    }
  }
}

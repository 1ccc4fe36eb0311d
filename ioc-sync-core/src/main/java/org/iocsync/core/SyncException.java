package org.iocsync.core;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failure of MISP or QRadar as the sync engine sees it: either worth retrying (the network, a
 * busy or failing server) or not (a refused key, a validation error, a missing object).
 *
 * <p>The engine decides from {@link #retryable()} alone, never from the message, so adapters of the
 * real clients must translate each of their failures into the right kind. Messages must name what
 * failed and how to fix it, and must never carry a key or token.
 */
public abstract class SyncException extends RuntimeException {
  private final boolean retryable;
  private final @Nullable Duration retryAfter;

  SyncException(
      String message, boolean retryable, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /**
   * Whether the same call may succeed later: true for transport errors, HTTP 429, 502, 503, 504 and
   * other 5xx; false for a refused key, a validation error or a 404.
   */
  public boolean retryable() {
    return retryable;
  }

  /** How long the server asked to wait before the next attempt (HTTP {@code Retry-After}). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}

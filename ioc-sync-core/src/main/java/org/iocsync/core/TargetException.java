package org.iocsync.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A failure to read or change a QRadar reference set through a {@link SetTarget}. */
public final class TargetException extends SyncException {
  private TargetException(
      String message, boolean retryable, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, retryable, retryAfter, cause);
  }

  /** A failure that may pass: the network, HTTP 429 or a 5xx answer. */
  public static TargetException retryable(String message, @Nullable Throwable cause) {
    return new TargetException(message, true, null, cause);
  }

  /** A failure that may pass, after the wait the server asked for. */
  public static TargetException retryable(
      String message, Duration retryAfter, @Nullable Throwable cause) {
    return new TargetException(message, true, retryAfter, cause);
  }

  /** A failure that will not pass by itself: a refused token, a validation error, a 404. */
  public static TargetException permanent(String message, @Nullable Throwable cause) {
    return new TargetException(message, false, null, cause);
  }
}

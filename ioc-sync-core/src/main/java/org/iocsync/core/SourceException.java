package org.iocsync.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A failure to read attributes from MISP through an {@link IndicatorSource}. */
public final class SourceException extends SyncException {
  private SourceException(
      String message, boolean retryable, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    super(message, retryable, retryAfter, cause);
  }

  /** A failure that may pass: the network, HTTP 429 or a 5xx answer. */
  public static SourceException retryable(String message, @Nullable Throwable cause) {
    return new SourceException(message, true, null, cause);
  }

  /** A failure that may pass, after the wait the server asked for. */
  public static SourceException retryable(
      String message, Duration retryAfter, @Nullable Throwable cause) {
    return new SourceException(message, true, retryAfter, cause);
  }

  /** A failure that will not pass by itself: a refused key, a bad filter, a missing event. */
  public static SourceException permanent(String message, @Nullable Throwable cause) {
    return new SourceException(message, false, null, cause);
  }
}

package org.iocsync.qradar;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * QRadar, or a proxy in front of it, failed or asked to slow down (5xx, 550, 429). Trying again
 * later is reasonable; the message holds QRadar's explanation or the first bytes of a page that was
 * not JSON.
 */
public final class QradarServerException extends QradarException {
  private final @Nullable Duration retryAfter;

  QradarServerException(
      String message, int httpStatus, @Nullable Integer qradarCode, @Nullable Duration retryAfter) {
    super(message, httpStatus, qradarCode, null);
    this.retryAfter = retryAfter;
  }

  /** How long the server asked to wait, from its {@code Retry-After} header in seconds. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}

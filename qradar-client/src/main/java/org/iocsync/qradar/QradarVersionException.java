package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/**
 * The API version or endpoint is not available on this server: the version was removed (422), the
 * endpoint is gone (410), or no version known to this client is offered. Pin another version with
 * {@link QradarClient.Builder#apiVersion(String)} or choose the other {@link ReferenceApi}.
 */
public final class QradarVersionException extends QradarException {
  QradarVersionException(String message, int httpStatus, @Nullable Integer qradarCode) {
    super(message, httpStatus, qradarCode, null);
  }
}

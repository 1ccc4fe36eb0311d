package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/**
 * QRadar refused the credentials (401) or the permission (403): a person must fix the token, its
 * authorized service's expiry, or its user role.
 */
public final class QradarAuthenticationException extends QradarException {
  QradarAuthenticationException(String message, int httpStatus, @Nullable Integer qradarCode) {
    super(message, httpStatus, qradarCode, null);
  }
}

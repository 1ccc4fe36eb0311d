package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/**
 * QRadar's answer was not what its API promises: a page that is not JSON (often a proxy's or login
 * page: check the URL), JSON of another shape, a body beyond the client's size bound, or results
 * that do not match the request.
 */
public final class QradarMalformedResponseException extends QradarException {
  QradarMalformedResponseException(String message, int httpStatus, @Nullable Throwable cause) {
    super(message, httpStatus, null, cause);
  }
}

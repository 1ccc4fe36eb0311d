package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/** A reference set of that name exists already (409, QRadar code 1004): use it or pick another. */
public final class ReferenceSetExistsException extends QradarException {
  private final String setName;

  ReferenceSetExistsException(
      String message, String setName, int httpStatus, @Nullable Integer qradarCode) {
    super(message, httpStatus, qradarCode, null);
    this.setName = setName;
  }

  /** The name that is in use. */
  public String setName() {
    return setName;
  }
}

package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/** No reference set has the name given (QRadar code 1002): create it, or correct the name. */
public final class ReferenceSetNotFoundException extends QradarException {
  private final String setName;

  ReferenceSetNotFoundException(
      String message, String setName, int httpStatus, @Nullable Integer qradarCode) {
    super(message, httpStatus, qradarCode, null);
    this.setName = setName;
  }

  /** The name that matched no set. */
  public String setName() {
    return setName;
  }
}

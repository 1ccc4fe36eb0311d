package org.iocsync.qradar;

import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The root of everything that goes wrong between this client and QRadar. Its subtypes say who must
 * act; this type itself is thrown for answers that fit none of them (an unexpected redirect, a 400,
 * ...). Messages never contain the token or password.
 */
public class QradarException extends RuntimeException {
  private final int httpStatus;
  private final @Nullable Integer qradarCode;
  private BulkWriteResult completedWrites = BulkWriteResult.empty();

  QradarException(
      String message, int httpStatus, @Nullable Integer qradarCode, @Nullable Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.qradarCode = qradarCode;
  }

  /** The HTTP status QRadar answered with, or 0 when there was no answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** QRadar's own error code from the body of its answer (such as 1002), when it gave one. */
  public OptionalInt qradarCode() {
    return qradarCode != null ? OptionalInt.of(qradarCode) : OptionalInt.empty();
  }

  /**
   * When this failure ended a bulk write, the batches QRadar had accepted before it: a caller
   * records those values as written. Empty for any other operation.
   */
  public BulkWriteResult completedWrites() {
    return completedWrites;
  }

  @Override
  public String getMessage() {
    String message = super.getMessage();
    if (completedWrites.batches().isEmpty()) {
      return message;
    }
    return message
        + " (QRadar had accepted "
        + completedWrites.accepted().size()
        + " values in "
        + completedWrites.batches().size()
        + " batches before this failure)";
  }

  QradarException withCompletedWrites(BulkWriteResult completed) {
    this.completedWrites = completed;
    return this;
  }
}

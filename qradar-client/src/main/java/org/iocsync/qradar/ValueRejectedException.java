package org.iocsync.qradar;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * QRadar refused a value or parameter as invalid (422, usually QRadar code 1005), for instance a
 * value that does not fit the set's element type. Sending it again will not help; changing it will.
 */
public final class ValueRejectedException extends QradarException {
  private final List<String> values;

  ValueRejectedException(
      String message, List<String> values, int httpStatus, @Nullable Integer qradarCode) {
    super(message, httpStatus, qradarCode, null);
    this.values = List.copyOf(values);
  }

  /**
   * The values of the refused request: the one value of a single-value call, or the values of a
   * bulk write QRadar refused together. Empty when the refusal was about another parameter.
   */
  public List<String> values() {
    return values;
  }
}

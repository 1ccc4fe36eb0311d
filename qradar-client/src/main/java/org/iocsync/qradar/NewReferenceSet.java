package org.iocsync.qradar;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a reference set to create looks like.
 *
 * @param name the set's name: not blank, at most {@value #MAX_NAME_LENGTH} characters
 * @param elementType the type of its values; it cannot be changed later
 * @param timeToLive how long a value lives, in whole seconds; null for values that never expire
 * @param expiryBasis what the time to live counts from; ignored when there is none
 */
public record NewReferenceSet(
    String name,
    QradarElementType elementType,
    @Nullable Duration timeToLive,
    ExpiryBasis expiryBasis) {

  /** The longest name QRadar accepts for a reference set. */
  public static final int MAX_NAME_LENGTH = 255;

  /**
   * @throws IllegalArgumentException if the name is blank or too long, or the time to live is not a
   *     positive number of whole seconds
   */
  public NewReferenceSet {
    if (name.isBlank()) {
      throw new IllegalArgumentException("name is blank: a reference set needs a name");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name has " + name.length() + " characters; QRadar accepts at most " + MAX_NAME_LENGTH);
    }
    if (timeToLive != null && (timeToLive.getSeconds() < 1 || timeToLive.getNano() != 0)) {
      throw new IllegalArgumentException(
          "timeToLive must be a positive number of whole seconds: " + timeToLive);
    }
  }

  /** A set whose values never expire. */
  public static NewReferenceSet of(String name, QradarElementType elementType) {
    return new NewReferenceSet(name, elementType, null, ExpiryBasis.LAST_SEEN);
  }

  /** This set with values that expire {@code timeToLive} after {@code basis}. */
  public NewReferenceSet expiringAfter(Duration timeToLive, ExpiryBasis basis) {
    return new NewReferenceSet(name, elementType, timeToLive, basis);
  }
}

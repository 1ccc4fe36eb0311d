package org.iocsync.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ValueMapper} makes of one attribute: either the one value to put into the reference
 * set, or the reason there is none. Skipped results are shared instances, so skipping allocates
 * nothing.
 */
final class MappingResult {
  private static final Map<SkipReason, MappingResult> SKIPPED = new EnumMap<>(SkipReason.class);

  static {
    for (SkipReason reason : SkipReason.values()) {
      SKIPPED.put(reason, new MappingResult(null, reason));
    }
  }

  private final @Nullable String value;
  private final @Nullable SkipReason reason;

  private MappingResult(@Nullable String value, @Nullable SkipReason reason) {
    this.value = value;
    this.reason = reason;
  }

  /** A result carrying {@code value}, which must not be empty. */
  static MappingResult mapped(String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a mapped value must not be empty");
    }
    return new MappingResult(value, null);
  }

  /** A result saying the attribute yields nothing, and why. */
  static MappingResult skipped(SkipReason reason) {
    return Objects.requireNonNull(SKIPPED.get(reason));
  }

  /** Whether there is no value; {@link #reason()} then says why. */
  boolean isSkipped() {
    return value == null;
  }

  /**
   * The value to put into the set.
   *
   * @throws IllegalStateException if this result is skipped: check {@link #isSkipped()} first
   */
  String value() {
    if (value == null) {
      throw new IllegalStateException("no value: the attribute was skipped as " + reason);
    }
    return value;
  }

  /**
   * Why the attribute yields no value.
   *
   * @throws IllegalStateException if this result has a value: check {@link #isSkipped()} first
   */
  SkipReason reason() {
    if (reason == null) {
      throw new IllegalStateException("no skip reason: the attribute yields a value");
    }
    return reason;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof MappingResult that
        && Objects.equals(value, that.value)
        && reason == that.reason;
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, reason);
  }

  @Override
  public String toString() {
    return value != null ? "MappingResult{value=" + value + "}" : "MappingResult{" + reason + "}";
  }
}

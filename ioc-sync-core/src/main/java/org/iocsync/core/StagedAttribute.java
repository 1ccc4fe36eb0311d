package org.iocsync.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one attribute read in a run means for its job, as the engine stages it in the store: either
 * the value it yields or the reason it yields none.
 *
 * @param uuid the attribute's UUID
 * @param value the value it yields for the job's set, or null when it yields none
 * @param reason why it yields none (deleted, no longer matching, invalid), or null when it yields a
 *     value
 * @param timestamp when the attribute last changed, in seconds; of two readings of one attribute in
 *     a run the later wins
 */
public record StagedAttribute(
    String uuid, @Nullable String value, @Nullable SkipReason reason, long timestamp) {
  public StagedAttribute {
    Objects.requireNonNull(uuid, "uuid");
    if ((value == null) == (reason == null)) {
      throw new IllegalArgumentException("an attribute has either a value or a skip reason");
    }
  }
}

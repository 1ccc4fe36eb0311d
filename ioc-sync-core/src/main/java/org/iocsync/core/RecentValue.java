package org.iocsync.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A value a job recently added to or removed from its set, for the status page.
 *
 * @param value the value
 * @param added true when it was added, false when removed
 * @param at when QRadar confirmed it
 */
public record RecentValue(String value, boolean added, Instant at) {
  public RecentValue {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(at, "at");
  }
}

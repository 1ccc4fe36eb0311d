package org.iocsync.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A QRadar reference set as a {@link SetTarget} describes it.
 *
 * @param name the set's name
 * @param elementType QRadar's name of its element type, such as {@code IP}, {@code ALNIC} or {@code
 *     DATE} (which no job maps to)
 * @param timeToLive how long values stay, such as {@code "30 days"}, or null when they stay
 */
public record ReferenceSet(String name, String elementType, @Nullable String timeToLive) {
  public ReferenceSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elementType, "elementType");
  }
}

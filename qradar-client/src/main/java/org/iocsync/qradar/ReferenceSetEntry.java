package org.iocsync.qradar;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One value of a reference set.
 *
 * @param value the value, as QRadar stores it
 * @param source where QRadar says the value came from; null when it does not say
 * @param firstSeen when the value was first added; null when QRadar does not say
 * @param lastSeen when the value was last added; null when QRadar does not say
 */
public record ReferenceSetEntry(
    String value,
    @Nullable String source,
    @Nullable Instant firstSeen,
    @Nullable Instant lastSeen) {}

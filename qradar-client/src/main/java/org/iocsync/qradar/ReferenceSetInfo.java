package org.iocsync.qradar;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What QRadar says about a reference set, without its values.
 *
 * @param name the set's name
 * @param elementType the type of its values
 * @param size how many values it holds
 * @param timeToLive how long a value lives, as QRadar states it (the legacy API writes an interval
 *     such as {@code 0 years 0 mons 30 days 0 hours 0 mins 0.00 secs}; for the collections API it
 *     is written as {@code <n> seconds}); null when values never expire
 * @param expiryBasis what the time to live counts from; null when QRadar does not say
 * @param created when the set was created; null when QRadar does not say
 */
public record ReferenceSetInfo(
    String name,
    QradarElementType elementType,
    long size,
    @Nullable String timeToLive,
    @Nullable ExpiryBasis expiryBasis,
    @Nullable Instant created) {}

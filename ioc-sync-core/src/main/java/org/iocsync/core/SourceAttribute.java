package org.iocsync.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One MISP attribute as the sync engine needs it: what it is, whether it is live, and what decides
 * whether a job counts it.
 *
 * @param uuid the attribute's UUID, which identifies it across runs
 * @param eventId the id of the attribute's event
 * @param type the MISP type, such as {@code ip-dst} or {@code domain|ip}
 * @param value the value as MISP holds it; composite types carry {@code a|b}
 * @param toIds whether the attribute carries MISP's {@code to_ids} flag
 * @param deleted whether the attribute is soft-deleted in MISP
 * @param published whether the attribute's event is published
 * @param tags the names of the attribute's tags and of its event's tags
 * @param timestamp when the attribute last changed
 * @param eventTimestamp when the attribute's event last changed
 */
public record SourceAttribute(
    String uuid,
    String eventId,
    String type,
    String value,
    boolean toIds,
    boolean deleted,
    boolean published,
    List<String> tags,
    Instant timestamp,
    Instant eventTimestamp) {
  public SourceAttribute {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(eventTimestamp, "eventTimestamp");
    tags = List.copyOf(tags);
  }
}

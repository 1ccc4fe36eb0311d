package org.iocsync.misp;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One attribute (an indicator such as an IP address or a hash) as MISP holds it.
 *
 * <p>When read from MISP, {@code id}, {@code event_id}, {@code uuid}, {@code type}, {@code value}
 * and {@code timestamp} must be present; a missing one is a {@link MispMalformedResponseException}.
 * The other fields default when MISP leaves them out: an empty category, {@code false} flags, no
 * tags. A {@code first_seen} or {@code last_seen} that cannot be read as a date is taken as absent,
 * since nothing in a sync depends on it.
 *
 * @param id the attribute's numeric id
 * @param eventId the id of the event the attribute belongs to
 * @param uuid the attribute's UUID
 * @param type the MISP type, for example {@code ip-dst} or {@code domain|ip}
 * @param category the MISP category, for example {@code Network activity}
 * @param value the value; composite types carry both parts as {@code a|b}
 * @param toIds whether the attribute is meant for detection (MISP's {@code to_ids})
 * @param deleted whether the attribute is soft-deleted
 * @param timestamp when the attribute last changed
 * @param firstSeen when the indicator was first seen, or null
 * @param lastSeen when the indicator was last seen, or null
 * @param tags the attribute's tags (with a search's event tags when it asked for them)
 * @param event the summary of the attribute's event, or null when MISP did not send one
 */
public record MispAttribute(
    long id,
    long eventId,
    String uuid,
    String type,
    String category,
    String value,
    boolean toIds,
    boolean deleted,
    Instant timestamp,
    @Nullable Instant firstSeen,
    @Nullable Instant lastSeen,
    List<MispTag> tags,
    @Nullable MispEventSummary event) {
  public MispAttribute {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    tags = List.copyOf(tags);
  }
}

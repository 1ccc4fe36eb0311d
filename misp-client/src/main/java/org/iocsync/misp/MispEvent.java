package org.iocsync.misp;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One MISP event with its attributes, as returned by {@link MispClient#event(String)}.
 *
 * @param id the event's numeric id
 * @param uuid the event's UUID
 * @param info the event's title, empty when not sent
 * @param published whether the event is published
 * @param date the event's date, or null when absent or not a date
 * @param timestamp when the event last changed
 * @param creatorOrganisation the name of the organisation that created the event, or null
 * @param attributes the event's attributes, those inside its objects included; their {@link
 *     MispAttribute#event()} is null
 * @param tags the event's own tags
 */
public record MispEvent(
    long id,
    String uuid,
    String info,
    boolean published,
    @Nullable LocalDate date,
    Instant timestamp,
    @Nullable String creatorOrganisation,
    List<MispAttribute> attributes,
    List<MispTag> tags) {
  public MispEvent {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(timestamp, "timestamp");
    attributes = List.copyOf(attributes);
    tags = List.copyOf(tags);
  }
}

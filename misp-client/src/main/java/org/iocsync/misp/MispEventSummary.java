package org.iocsync.misp;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The short description of its event that MISP sends with each attribute of a search.
 *
 * @param id the event's numeric id
 * @param uuid the event's UUID
 * @param info the event's title, empty when not sent
 * @param orgId the id of the organisation that owns the event, or null when not sent
 * @param published whether the event is published, or null when MISP does not say (it usually does
 *     not in attribute searches)
 * @param timestamp when the event last changed, or null when not sent
 */
public record MispEventSummary(
    long id,
    String uuid,
    String info,
    @Nullable Long orgId,
    @Nullable Boolean published,
    @Nullable Instant timestamp) {
  public MispEventSummary {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(info, "info");
  }
}

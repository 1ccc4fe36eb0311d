package org.iocsync.misp;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The short description of an event: the one MISP sends with each attribute of a search, or the
 * metadata {@link MispClient#eventSummaries(java.util.Collection)} returns.
 *
 * <p>An attribute search's summary usually lacks {@code published} and {@code timestamp}: MISP's
 * attribute search selects only the event's id, title, UUID and organisations. Summaries from
 * {@link MispClient#eventSummaries(java.util.Collection)} always carry both.
 *
 * @param id the event's numeric id
 * @param uuid the event's UUID
 * @param info the event's title, empty when not sent
 * @param orgId the id of the organisation that owns the event, or null when not sent
 * @param published whether the event is published, or null when MISP does not say
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

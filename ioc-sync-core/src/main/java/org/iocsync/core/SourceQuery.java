package org.iocsync.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the sync engine asks of MISP in one search, shaped after {@code attributes/restSearch}.
 *
 * <p>The query never carries the filters that decide whether a job counts an attribute ({@code
 * to_ids}, published, tags): the engine applies those itself, so that full and incremental runs
 * judge alike and an incremental run sees the attributes that stop matching. For the same reason
 * deleted attributes are included, and an incremental query names no types.
 *
 * @param types MISP types to return; empty means every type
 * @param eventIds event ids to restrict the search to; empty means every event
 * @param enforceWarninglist whether MISP should withhold attributes on its warninglists
 * @param includeDeleted whether soft-deleted attributes are returned too ({@code deleted: [0,1]})
 * @param includeEventTags whether each attribute's tags must include those of its event ({@code
 *     includeEventTags}), as a job's tag filters need; MISP sends each event's tags again with
 *     every attribute, which can double what a search costs
 * @param attributeWindow attributes whose own timestamp lies in this window, or null for any
 * @param eventWindow attributes whose event's timestamp lies in this window, or null for any
 */
public record SourceQuery(
    List<String> types,
    List<String> eventIds,
    boolean enforceWarninglist,
    boolean includeDeleted,
    boolean includeEventTags,
    @Nullable Window attributeWindow,
    @Nullable Window eventWindow) {
  public SourceQuery {
    types = List.copyOf(types);
    eventIds = List.copyOf(eventIds);
  }

  /**
   * A time window with both bounds included, in whole seconds as MISP counts time.
   *
   * @param from the earliest timestamp included
   * @param to the latest timestamp included
   */
  public record Window(Instant from, Instant to) {
    public Window {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("window starts at " + from + ", after its end " + to);
      }
    }
  }
}

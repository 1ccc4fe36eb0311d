package org.iocsync.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one sync job does: which MISP attributes it reads and which QRadar reference set it keeps in
 * step with them. A spec is plain data; {@code JobValidator} says whether it is sound.
 *
 * @param name unique name of the job, also its key in the store
 * @param referenceSet name of the QRadar reference set the job writes to
 * @param elementType element type of that set
 * @param types MISP attribute types to read; empty means every type that can yield a value
 * @param eventIds MISP event ids to restrict the job to; empty means all events
 * @param tags tags an attribute or its event must carry (any of them); empty means no restriction
 * @param excludeTags tags that exclude an attribute when it or its event carries one
 * @param toIdsOnly whether only attributes with the {@code to_ids} flag count
 * @param publishedOnly whether only attributes of published events count
 * @param enforceWarninglist whether MISP's warninglists filter the attributes
 * @param mode what happens to values MISP no longer yields
 * @param intervalMinutes minutes between incremental polls
 * @param createSetIfMissing whether the job creates its reference set when QRadar lacks it
 * @param timeToLive QRadar time to live for a created set, such as {@code "30 days"}; null for none
 */
public record JobSpec(
    String name,
    String referenceSet,
    ElementType elementType,
    List<String> types,
    List<String> eventIds,
    List<String> tags,
    List<String> excludeTags,
    boolean toIdsOnly,
    boolean publishedOnly,
    boolean enforceWarninglist,
    SyncMode mode,
    int intervalMinutes,
    boolean createSetIfMissing,
    @Nullable String timeToLive) {

  /** The interval a job gets when its configuration names none. */
  public static final int DEFAULT_INTERVAL_MINUTES = 60;

  public JobSpec {
    types = List.copyOf(types);
    eventIds = List.copyOf(eventIds);
    tags = List.copyOf(tags);
    excludeTags = List.copyOf(excludeTags);
  }
}

package org.iocsync.systemtests;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.iocsync.testkit.FakeMisp;

/**
 * Computes, from the fake MISP's data alone, the values each chaos job must have put into its
 * reference set, following DESIGN.md's mapping rules for the few types the chaos runs seed. It
 * shares no code with the product's mapper on purpose.
 */
final class Oracle {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern HOST_NAME =
      Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Map<String, Integer> HASH_LENGTHS =
      Map.of("md5", 32, "sha1", 40, "sha256", 64);
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private Oracle() {}

  /**
   * The values {@code job} yields now: from attributes that are not deleted, of the job's types,
   * flagged {@code to_ids}, in published events, carrying the excluded tag neither themselves nor
   * through their event, whose value is valid once normalised.
   */
  static Set<String> desired(FakeMisp misp, Collection<Long> eventIds, ChaosJob job) {
    Set<String> values = new HashSet<>();
    for (long eventId : eventIds) {
      Optional<FakeMisp.Event> event = misp.event(eventId);
      if (event.isEmpty()
          || !event.get().published()
          || event.get().tags().contains(MispWorld.EXCLUDED_TAG)) {
        continue;
      }
      for (FakeMisp.Attribute attribute : misp.attributes(eventId)) {
        if (attribute.deleted()
            || !attribute.toIds()
            || !job.types().contains(attribute.type())
            || attribute.tags().contains(MispWorld.EXCLUDED_TAG)) {
          continue;
        }
        normalise(attribute.type(), attribute.value()).ifPresent(values::add);
      }
    }
    return values;
  }

  /** The value an attribute of {@code type} puts into its set, or empty when it is invalid. */
  static Optional<String> normalise(String type, String value) {
    if (ChaosJob.IP_TYPES.contains(type)) {
      String address = value.endsWith("/32") ? value.substring(0, value.length() - 3) : value;
      return IPV4.matcher(address).matches() ? Optional.of(address) : Optional.empty();
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (ChaosJob.NAME_TYPES.contains(type)) {
      String name = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
      return name.length() <= 253 && HOST_NAME.matcher(name).matches()
          ? Optional.of(name)
          : Optional.empty();
    }
    Integer length = HASH_LENGTHS.get(type);
    if (length != null) {
      return lower.length() == length && HEX.matcher(lower).matches()
          ? Optional.of(lower)
          : Optional.empty();
    }
    throw new IllegalArgumentException("The chaos runs seed no attribute of type " + type);
  }

  /** The types whose values can be one another's duplicates: those of one job. */
  static List<String> siblings(String type) {
    if (ChaosJob.IP_TYPES.contains(type)) {
      return ChaosJob.IP_TYPES;
    }
    return ChaosJob.NAME_TYPES.contains(type) ? ChaosJob.NAME_TYPES : List.of(type);
  }
}

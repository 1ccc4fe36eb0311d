package org.iocsync.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.iocsync.testkit.FakeMisp;

/**
 * The fake MISP's data during one chaos round: seeds it, then changes it at random between runs as
 * analysts would (deleting, editing, flagging, tagging, publishing, adding), all decided by the
 * round's random source so that a seed replays the same changes.
 */
final class MispWorld {
  static final String EXCLUDED_TAG = "tlp:red";

  private static final List<String> TYPES =
      List.of("ip-src", "ip-dst", "domain", "hostname", "md5", "sha1", "sha256");
  private static final List<String> TOP_LEVEL = List.of("com", "net", "org", "info", "xyz");
  private static final String[] INVALID_IPS = {"01.2.3.4", "107.183.86", "300.1.2.3", "10.0.0.0/8"};
  private static final String[] INVALID_NAMES = {
    "bad..example.com", "no spaces.example.org", "-x.io"
  };

  private final FakeMisp misp;
  private final Random random;
  private final Map<Long, List<String>> attributesByEvent = new LinkedHashMap<>();
  private final Set<String> generated = new HashSet<>();
  private final Instant seededAt = Instant.now();

  MispWorld(FakeMisp misp, Random random) {
    this.misp = misp;
    this.random = random;
  }

  /** The events that still exist, deleted ones left out. */
  List<Long> eventIds() {
    return List.copyOf(attributesByEvent.keySet());
  }

  /**
   * Adds {@code attributes} attributes over {@code events} events, with timestamps in the past
   * month so that incremental runs see only what changes later. A few start without {@code to_ids},
   * with the excluded tag, or in an unpublished event.
   */
  void seed(int attributes, int events) {
    for (int i = 0; i < events; i++) {
      addEvent(i == 1 ? false : random.nextInt(12) != 0);
    }
    List<Long> ids = eventIds();
    for (int i = 0; i < attributes; i++) {
      long event = ids.get(random.nextInt(ids.size()));
      String type = TYPES.get(random.nextInt(TYPES.size()));
      Instant timestamp = seededAt.minus(Duration.ofMinutes(10 + random.nextInt(30 * 24 * 60)));
      add(event, type, value(type), random.nextInt(10) != 0, random.nextInt(30) == 0, timestamp);
    }
  }

  /** A value no seeded or later attribute holds, for values put into QRadar by hand. */
  String handValue(String elementTypeFamily) {
    while (true) {
      String value =
          switch (elementTypeFamily) {
            case "ip" -> "198.51.100." + random.nextInt(256);
            case "name" -> "h" + random.nextInt(1_000_000) + ".hand.example";
            default -> hex(64);
          };
      if (generated.add(value)) {
        return value;
      }
    }
  }

  /**
   * Makes {@code changes} random changes; returns how many of each kind, such as {@code {delete=3,
   * add=2}}.
   */
  Map<String, Integer> mutate(int changes) {
    Map<String, Integer> done = new TreeMap<>();
    for (int i = 0; i < changes; i++) {
      done.merge(mutateOnce(), 1, Integer::sum);
    }
    return done;
  }

  private String mutateOnce() {
    List<Long> events = eventIds();
    long event = events.get(random.nextInt(events.size()));
    List<String> uuids = attributesByEvent.get(event);
    int pick = random.nextInt(100);
    if (uuids.isEmpty() || pick < 14) {
      String type = TYPES.get(random.nextInt(TYPES.size()));
      add(event, type, value(type), random.nextInt(8) != 0, false, Instant.now());
      return "add";
    }
    String uuid = uuids.get(random.nextInt(uuids.size()));
    FakeMisp.Attribute attribute = misp.attribute(uuid).orElseThrow();
    if (pick < 34) {
      if (attribute.deleted()) {
        misp.restoreAttribute(uuid);
        return "restore";
      }
      misp.deleteAttribute(uuid);
      return "delete";
    }
    if (pick < 50) {
      misp.editValue(uuid, value(attribute.type()));
      return "edit";
    }
    if (pick < 64) {
      misp.setToIds(uuid, !attribute.toIds());
      return attribute.toIds() ? "to_ids-off" : "to_ids-on";
    }
    if (pick < 76) {
      if (attribute.tags().contains(EXCLUDED_TAG)) {
        misp.untagAttribute(uuid, EXCLUDED_TAG);
        return "untag";
      }
      misp.tagAttribute(uuid, EXCLUDED_TAG);
      return "tag";
    }
    FakeMisp.Event found = misp.event(event).orElseThrow();
    if (pick < 80) {
      if (found.published()) {
        misp.unpublish(event);
        return "unpublish";
      }
      misp.publish(event);
      return "publish";
    }
    if (pick < 83) {
      if (found.tags().contains(EXCLUDED_TAG)) {
        misp.untagEvent(event, EXCLUDED_TAG);
        return "untag-event";
      }
      misp.tagEvent(event, EXCLUDED_TAG);
      return "tag-event";
    }
    if (pick < 84 && events.size() > 3) {
      misp.deleteEvent(event);
      attributesByEvent.remove(event);
      return "delete-event";
    }
    if (pick < 86) {
      long added = addEvent(true);
      for (int i = 0; i < 1 + random.nextInt(20); i++) {
        String type = TYPES.get(random.nextInt(TYPES.size()));
        add(added, type, value(type), true, false, Instant.now());
      }
      return "add-event";
    }
    List<String> siblings = Oracle.siblings(attribute.type());
    add(
        event,
        siblings.get(random.nextInt(siblings.size())),
        attribute.value(),
        true,
        false,
        Instant.now());
    return "add-duplicate";
  }

  private long addEvent(boolean published) {
    long id =
        misp.addEvent(
            FakeMisp.event("Chaos event " + (attributesByEvent.size() + 1))
                .published(published)
                .tags(random.nextBoolean() ? "tlp:green" : "tlp:amber"));
    attributesByEvent.put(id, new ArrayList<>());
    return id;
  }

  private void add(
      long event, String type, String value, boolean toIds, boolean excluded, Instant timestamp) {
    FakeMisp.AttributeSpec spec = FakeMisp.attribute(type, value).toIds(toIds);
    if (excluded) {
      spec.tags(EXCLUDED_TAG);
    }
    spec.timestamp(timestamp);
    attributesByEvent.get(event).add(misp.addAttribute(event, spec));
  }

  /**
   * A value for an attribute of {@code type}: mostly a new valid one, sometimes one that the
   * mapping must normalise (upper case, a trailing dot, a {@code /32}), sometimes an invalid one.
   */
  private String value(String type) {
    int pick = random.nextInt(100);
    String value = fresh(type);
    if (pick < 7) {
      return invalid(type);
    }
    if (pick < 14) {
      return switch (type) {
        case "ip-src", "ip-dst" -> value + "/32";
        case "domain", "hostname" -> random.nextBoolean() ? value + "." : upper(value);
        default -> upper(value);
      };
    }
    return value;
  }

  private String fresh(String type) {
    while (true) {
      String value =
          switch (type) {
            case "ip-src", "ip-dst" -> ipv4();
            case "domain" -> label() + "." + TOP_LEVEL.get(random.nextInt(TOP_LEVEL.size()));
            case "hostname" ->
                "host" + random.nextInt(100) + "." + label() + "." + TOP_LEVEL.get(0);
            case "md5" -> hex(32);
            case "sha1" -> hex(40);
            default -> hex(64);
          };
      if (generated.add(value)) {
        return value;
      }
    }
  }

  private String invalid(String type) {
    return switch (type) {
      case "ip-src", "ip-dst" -> INVALID_IPS[random.nextInt(INVALID_IPS.length)];
      case "domain", "hostname" -> INVALID_NAMES[random.nextInt(INVALID_NAMES.length)];
      default -> hex(20 + random.nextInt(8));
    };
  }

  /** An IPv4 address outside the ranges kept for values added by hand. */
  private String ipv4() {
    int first = 11 + random.nextInt(115);
    return first
        + "."
        + random.nextInt(256)
        + "."
        + random.nextInt(256)
        + "."
        + random.nextInt(256);
  }

  private String label() {
    int length = 3 + random.nextInt(10);
    StringBuilder label = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      label.append((char) ('a' + random.nextInt(26)));
    }
    return label.toString();
  }

  private String hex(int length) {
    StringBuilder hex = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      hex.append(Character.forDigit(random.nextInt(16), 16));
    }
    return hex.toString();
  }

  private static String upper(String value) {
    return value.toUpperCase(Locale.ROOT);
  }
}

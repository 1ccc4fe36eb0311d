package org.iocsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.iocsync.qradar.QradarClient;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.qradar.ReferenceSetEntry;
import org.iocsync.qradar.ReferenceSets;
import org.iocsync.testkit.FakeQradar;
import org.jspecify.annotations.Nullable;

/**
 * What the QRadar calls of an incremental run cost against a large set: which of some values the
 * set holds, and removing values, on both APIs, each timed and its requests counted, beside what
 * the same work costs done the earlier way (reading the whole set; removing value by value). Runs a
 * fake QRadar in its own JVM, so that it can count the requests, and warms both up on a small set
 * first. Arguments: the set's size and the number of values asked about and removed.
 *
 * <p>Figures, for {@code api} {@code legacy} and {@code collections}: {@code api.present.*} (half
 * of the values asked about are held), {@code api.presentByReading.*}, {@code api.removeAll.*} and
 * {@code api.removeOneByOne.*}, each with {@code requests} and {@code seconds}.
 */
public final class QradarChangesRun {
  private QradarChangesRun() {}

  public static void main(String[] args) {
    int size = Integer.parseInt(args[0]);
    int changes = Integer.parseInt(args[1]);
    try (FakeQradar qradar = FakeQradar.builder().taskPolls(1).requestLogLimit(0).start()) {
      // A first round on a small set warms both sides up, so that the API measured first does
      // not pay for the JIT; only the second round reports.
      int warmUp = Math.min(size, 10 * changes);
      for (boolean measured : new boolean[] {false, true}) {
        for (ReferenceApi api : List.of(ReferenceApi.LEGACY, ReferenceApi.COLLECTIONS)) {
          round(qradar, api, measured ? size : warmUp, changes, measured);
        }
      }
    }
  }

  private static void round(
      FakeQradar qradar, ReferenceApi api, int size, int changes, boolean measured) {
    String set = api.name() + (measured ? "" : " warm-up");
    qradar.createSet(set, "IP");
    for (int i = 0; i < size; i++) {
      qradar.addByHand(set, address(i));
    }
    ReferenceSets sets =
        QradarClient.builder()
            .baseUrl(qradar.url())
            .token(qradar.token())
            .apiVersion("20.0")
            .api(api)
            .taskPollInterval(Duration.ofMillis(20))
            .build()
            .referenceSets();
    sets.find(set);
    String key = measured ? api.name().toLowerCase(Locale.ROOT) : null;

    List<String> asked = range(size - changes / 2, changes);
    Set<String> held = measure(qradar, key, "present", () -> sets.present(set, asked));
    Set<String> read = measure(qradar, key, "presentByReading", () -> byReading(sets, set, asked));
    check(held.size() == changes / 2 && held.equals(read), "both ways of asking agree");

    List<String> removing = range(0, changes);
    List<String> removed = measure(qradar, key, "removeAll", () -> sets.removeAll(set, removing));
    List<String> oneByOne = range(changes, changes);
    int removedOneByOne =
        measure(
            qradar,
            key,
            "removeOneByOne",
            () -> {
              int count = 0;
              for (String value : oneByOne) {
                count += sets.remove(set, value) ? 1 : 0;
              }
              return count;
            });
    check(removed.size() == changes && removedOneByOne == changes, "every value removed");
    check(qradar.set(set).orElseThrow().size() == size - 2 * changes, "the set shrank");
  }

  /** What a caller without a presence question does: read the whole set and keep the matches. */
  private static Set<String> byReading(ReferenceSets sets, String set, List<String> asked) {
    Set<String> wanted = new HashSet<>(asked);
    Set<String> found = new HashSet<>();
    try (Stream<ReferenceSetEntry> entries = sets.entries(set)) {
      Iterator<ReferenceSetEntry> held = entries.iterator();
      while (held.hasNext() && found.size() < wanted.size()) {
        String value = held.next().value();
        if (wanted.contains(value)) {
          found.add(value);
        }
      }
    }
    return found;
  }

  private interface Work<T> {
    T run();
  }

  /** Runs {@code work} and, unless {@code api} is null, reports its time and requests. */
  private static <T> T measure(FakeQradar qradar, @Nullable String api, String what, Work<T> work) {
    int before = qradar.requestCount();
    long start = System.nanoTime();
    T result = work.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (api != null) {
      Figures.report(api + "." + what + ".requests", qradar.requestCount() - before);
      Figures.report(api + "." + what + ".seconds", seconds);
    }
    return result;
  }

  private static void check(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException("Check failed: " + what);
    }
  }

  private static List<String> range(int from, int count) {
    List<String> values = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      values.add(address(i));
    }
    return values;
  }

  /** The {@code i}-th address of 10.0.0.0/8 and beyond, each distinct. */
  private static String address(int i) {
    return (10 + (i >>> 24))
        + "."
        + ((i >>> 16) & 0xff)
        + "."
        + ((i >>> 8) & 0xff)
        + "."
        + (i & 0xff);
  }
}

package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.iocsync.testkit.FakeQradar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Questions about a few values of a large set, and removals in batches, cost requests that grow
 * with the values asked about, not with the set.
 */
class FakeQradarAtScaleTest {
  private static final int SET_SIZE = 100_000;
  private static FakeQradar qradar;

  @BeforeAll
  static void start() {
    qradar = FakeQradar.builder().requestLogLimit(10).start();
    for (String api : List.of("LEGACY", "COLLECTIONS")) {
      qradar.createSet(api, "IP");
      for (String value : addresses(0, SET_SIZE)) {
        qradar.addByHand(api, value);
      }
    }
  }

  @AfterAll
  static void stop() {
    qradar.close();
  }

  private static ReferenceSets sets(ReferenceApi api) {
    return QradarClient.builder()
        .baseUrl(qradar.url())
        .token(qradar.token())
        .apiVersion("20.0")
        .api(api)
        .taskPollInterval(Duration.ofMillis(5))
        .build()
        .referenceSets();
  }

  /** Distinct IPv4 addresses from {@code 10.0.0.0} on, {@code count} of them from {@code from}. */
  private static List<String> addresses(int from, int count) {
    List<String> values = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      values.add("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
    }
    return values;
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void presenceOfTwoThousandValuesTakesAFewRequests(ReferenceApi api) {
    ReferenceSets sets = sets(api);
    List<String> asked = new ArrayList<>(addresses(SET_SIZE - 1_000, 2_000));
    int before = qradar.requestCount();

    Set<String> held = sets.present(api.name(), asked);

    assertThat(held).containsExactlyInAnyOrderElementsOf(addresses(SET_SIZE - 1_000, 1_000));
    int chunks = EntryQueries.chunks(1, asked).size();
    assertThat(chunks).isLessThanOrEqualTo(10);
    assertThat(qradar.requestCount() - before).isEqualTo(1 + chunks);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void removingAThousandValuesTakesOneDeletionEachAndAFewLookups(ReferenceApi api) {
    ReferenceSets sets = sets(api);
    List<String> removing = new ArrayList<>(addresses(2_000, 900));
    removing.addAll(addresses(SET_SIZE + 5_000, 100));
    int before = qradar.requestCount();

    List<String> removed = sets.removeAll(api.name(), removing);

    assertThat(removed).containsExactlyInAnyOrderElementsOf(addresses(2_000, 900));
    int expected =
        api == ReferenceApi.COLLECTIONS ? 1 + EntryQueries.chunks(1, removing).size() + 900 : 1_000;
    assertThat(qradar.requestCount() - before).isEqualTo(expected);
    assertThat(qradar.set(api.name()).orElseThrow().size()).isEqualTo(SET_SIZE - 900);
    assertThat(qradar.contains(api.name(), "10.0.7.207")).isTrue();
    assertThat(qradar.contains(api.name(), "10.0.7.208")).isFalse();
  }
}

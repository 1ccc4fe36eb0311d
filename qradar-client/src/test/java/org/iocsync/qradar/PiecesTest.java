package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PiecesTest {
  @Test
  void pathEncodingEncodesTwiceAndKeepsUnreservedCharacters() {
    assertThat(PathEncoding.twice("a b/c%d+e")).isEqualTo("a%2520b%252Fc%2525d%252Be");
    assertThat(PathEncoding.twice("192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(PathEncoding.twice("x-y_z~")).isEqualTo("x-y_z~");
    assertThat(PathEncoding.twice("é")).isEqualTo("%25C3%25A9");
    assertThat(PathEncoding.twice(".")).isEqualTo("%252E");
  }

  @Test
  void batchesAreCutByCount() {
    List<List<String>> batches = new ArrayList<>();
    new Batches(List.of("a", "b", "c", "d", "e"), 2, 3).forEach(batches::add);

    assertThat(batches).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
  }

  @Test
  void batchesOfLongValuesAreCutBySize() {
    String url = "https://example.org/" + "x".repeat(100_000);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      values.add(url + i);
    }

    List<List<String>> batches = new ArrayList<>();
    new Batches(values, 1_000, 3).forEach(batches::add);

    assertThat(batches).hasSize(3);
    assertThat(batches.get(0)).hasSize(10);
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(25);
  }

  @Test
  void aValueLargerThanABatchTravelsAlone() {
    String huge = "x".repeat((int) Batches.MAX_BATCH_BYTES + 1);

    List<List<String>> batches = new ArrayList<>();
    new Batches(List.of("a", huge, "b"), 1_000, 3).forEach(batches::add);

    assertThat(batches).containsExactly(List.of("a"), List.of(huge), List.of("b"));
  }

  @Test
  void utf8LengthCountsBytes() {
    assertThat(Batches.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
  }

  @Test
  void timeToLiveIsWrittenInItsLargestExactUnit() {
    assertThat(TimeToLive.interval(Duration.ofDays(30))).isEqualTo("30 days");
    assertThat(TimeToLive.interval(Duration.ofHours(36))).isEqualTo("36 hours");
    assertThat(TimeToLive.interval(Duration.ofMinutes(5))).isEqualTo("5 minutes");
    assertThat(TimeToLive.interval(Duration.ofSeconds(61))).isEqualTo("61 seconds");
  }

  @Test
  void newReferenceSetChecksItsFields() {
    assertThatThrownBy(() -> NewReferenceSet.of(" ", QradarElementType.IP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name is blank: a reference set needs a name");
    assertThatThrownBy(() -> NewReferenceSet.of("x".repeat(256), QradarElementType.IP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name has 256 characters; QRadar accepts at most 255");
    assertThatThrownBy(
            () ->
                NewReferenceSet.of("s", QradarElementType.IP)
                    .expiringAfter(Duration.ofMillis(1500), ExpiryBasis.LAST_SEEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeToLive must be a positive number of whole seconds: PT1.5S");
  }

  @Test
  void apiVersionsCompareByNumber() {
    ApiVersion v9 = ApiVersion.parse("9.0").orElseThrow();
    ApiVersion v16 = ApiVersion.parse("16.0").orElseThrow();
    ApiVersion v16dot1 = ApiVersion.parse("16.1").orElseThrow();

    assertThat(v16).isGreaterThan(v9);
    assertThat(v16dot1).isGreaterThan(v16);
    assertThat(ApiVersion.parse("latest")).isEmpty();
    assertThat(v9.known()).isFalse();
    assertThat(v16.known()).isTrue();
  }
}

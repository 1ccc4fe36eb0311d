package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class MappingResultTest {
  @Test
  void carriesAValue() {
    MappingResult result = MappingResult.mapped("198.51.100.7");

    assertThat(result.isSkipped()).isFalse();
    assertThat(result.value()).isEqualTo("198.51.100.7");
    assertThatThrownBy(result::reason)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("yields a value");
  }

  @Test
  void carriesAReasonFromASharedInstance() {
    MappingResult result = MappingResult.skipped(SkipReason.TOO_LONG);

    assertThat(result.isSkipped()).isTrue();
    assertThat(result.reason()).isEqualTo(SkipReason.TOO_LONG);
    assertThat(MappingResult.skipped(SkipReason.TOO_LONG)).isSameAs(result);
    assertThatThrownBy(result::value)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("skipped as too-long");
  }

  @Test
  void refusesAnEmptyValue() {
    assertThatThrownBy(() -> MappingResult.mapped("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void skipReasonsHaveStableCodes() {
    assertThat(Arrays.stream(SkipReason.values()).map(SkipReason::code))
        .containsExactly(
            "deleted",
            "not-ids",
            "unpublished",
            "type-mismatch",
            "invalid-value",
            "too-long",
            "excluded-tag",
            "not-in-filter",
            "warninglist",
            "rejected");
    assertThat(SkipReason.NOT_IDS).hasToString("not-ids");
  }

  @Test
  void findsSkipReasonsByCode() {
    for (SkipReason reason : SkipReason.values()) {
      assertThat(SkipReason.fromCode(reason.code())).hasValue(reason);
    }
    assertThat(SkipReason.fromCode("NOT_IDS")).isEmpty();
    assertThat(SkipReason.fromCode("")).isEmpty();
  }
}

package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidsTest {
  @Test
  void derivesDistinctVersion4UuidsAndReadsTheIdBack() {
    Set<String> seen = new HashSet<>();

    for (long id = 1; id <= 100_000; id++) {
      String uuid = Uuids.attribute(id);

      assertThat(seen.add(uuid)).isTrue();
      assertThat(Uuids.attributeId(uuid)).isEqualTo(id);
    }
    UUID parsed = UUID.fromString(Uuids.attribute(7));
    assertThat(parsed.version()).isEqualTo(4);
    assertThat(parsed.variant()).isEqualTo(2);
  }

  @Test
  void knowsNoIdForUuidsItDidNotMake() {
    assertThat(Uuids.attributeId(UUID.randomUUID().toString())).isEqualTo(-1);
    assertThat(Uuids.attributeId(Uuids.event(3))).isEqualTo(-1);
    assertThat(Uuids.attributeId("not-a-uuid")).isEqualTo(-1);
  }
}

package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueTableTest {
  @Test
  void behavesLikeAnInsertionOrderedMapUnderRandomAddsAndRemovals() {
    ValueTable table = new ValueTable();
    Map<String, Integer> model = new LinkedHashMap<>();
    Random random = new Random(42);
    int nextId = 1;

    for (int step = 0; step < 200_000; step++) {
      String value = "v" + random.nextInt(5_000);
      if (random.nextInt(3) == 0) {
        assertThat(table.remove(value)).isEqualTo(model.remove(value) != null);
      } else {
        boolean fresh = !model.containsKey(value);
        assertThat(table.put(value, step, nextId, (short) 0, null)).isEqualTo(fresh);
        if (fresh) {
          model.put(value, nextId++);
        }
      }
      if (step % 10_000 == 0) {
        assertSameContent(table, model);
      }
    }

    assertSameContent(table, model);
  }

  private static void assertSameContent(ValueTable table, Map<String, Integer> model) {
    table.compact();
    List<String> values = new ArrayList<>();
    for (int position = 0; position < table.live(); position++) {
      values.add(table.value(position));
      assertThat(table.id(position)).isEqualTo(model.get(table.value(position)));
      assertThat(table.positionOfId(table.id(position))).isEqualTo(position);
    }
    assertThat(values).containsExactlyElementsOf(model.keySet());
    for (String value : model.keySet()) {
      assertThat(table.find(value)).isNotNegative();
    }
  }

  @Test
  void keepsFirstSeenAndRefreshesLastSeenSourceAndNotes() {
    ValueTable table = new ValueTable();

    table.put("x", 100, 1, (short) 2, null);
    table.put("x", 200, 2, (short) 3, "seen again");

    assertThat(table.live()).isEqualTo(1);
    assertThat(table.firstSeen(0)).isEqualTo(100);
    assertThat(table.lastSeen(0)).isEqualTo(200);
    assertThat(table.source(0)).isEqualTo((short) 3);
    assertThat(table.note(0)).isEqualTo("seen again");
    assertThat(table.id(0)).isEqualTo(1);
  }

  @Test
  void startsOverWhenCleared() {
    ValueTable table = new ValueTable();
    table.put("x", 1, 1, (short) 0, null);

    table.clear();

    assertThat(table.live()).isZero();
    assertThat(table.find("x")).isEqualTo(-1);
    assertThat(table.put("x", 2, 2, (short) 0, null)).isTrue();
  }
}

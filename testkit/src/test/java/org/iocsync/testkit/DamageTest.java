package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class DamageTest {
  private static final byte[] ANSWER =
      "{\"response\":[{\"id\":\"1\",\"value\":\"198.51.100.7\"}]}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sameSeedGivesSameDamage() {
    byte[] first = Damage.mutate(ANSWER, 42);

    byte[] second = Damage.mutate(ANSWER, 42);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void mutationChangesACopyNotTheAnswer() {
    byte[] original = ANSWER.clone();

    for (long seed = 0; seed < 50; seed++) {
      Damage.mutate(ANSWER, seed);
    }

    assertThat(ANSWER).isEqualTo(original);
  }

  @Test
  void nestsDepthBracketsAfterTheChosenColon() {
    byte[] nested = Damage.nestedAfterColon(ANSWER, 1, '[');

    String text = new String(nested, StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"response\":[{\"id\":[[[");
    assertThat(nested.length).isEqualTo(ANSWER.length + Damage.DEPTH);
  }

  @Test
  void refusesToNestAfterAColonTheAnswerLacks() {
    int colons = Damage.colons(ANSWER);

    assertThat(colons).isEqualTo(3);
    assertThatThrownBy(() -> Damage.nestedAfterColon(ANSWER, colons, '{'))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fewer than 4 colons");
  }

  @Test
  void excerptIsOneShortLine() {
    byte[] body = ("a\nb\u0000c" + "x".repeat(400)).getBytes(StandardCharsets.UTF_8);

    String excerpt = Damage.excerpt(body);

    assertThat(excerpt).startsWith("a?b?c").endsWith("…").hasSize(301);
  }
}

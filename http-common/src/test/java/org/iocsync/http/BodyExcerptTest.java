package org.iocsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BodyExcerptTest {
  @Test
  void putsAnHtmlPageOnOneLine() {
    String page = "<html>\n  <head>\r\n\t<title>Login</title>\n</head>";

    assertThat(BodyExcerpt.of(page)).isEqualTo("<html> <head> <title>Login</title> </head>");
  }

  @Test
  void dropsControlCharacters() {
    assertThat(BodyExcerpt.of("bad\u0000\u001b[31mgateway\u0007")).isEqualTo("bad[31mgateway");
  }

  @Test
  void cutsLongBodiesWithAnEllipsis() {
    String excerpt = BodyExcerpt.of("x".repeat(10_000));

    assertThat(excerpt).hasSize(BodyExcerpt.MAX_LENGTH + 1).endsWith("…");
  }

  @Test
  void keepsShortBodiesWhole() {
    assertThat(BodyExcerpt.of("x".repeat(BodyExcerpt.MAX_LENGTH)))
        .isEqualTo("x".repeat(BodyExcerpt.MAX_LENGTH));
    assertThat(BodyExcerpt.of("   ")).isEmpty();
  }
}

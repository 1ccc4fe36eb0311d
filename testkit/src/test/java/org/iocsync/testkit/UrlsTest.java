package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void decodesPercentEscapesStrictly() {
    assertThat(Urls.decode("a%2Fb+c", false)).isEqualTo("a/b+c");
    assertThat(Urls.decode("a%2Fb+c", true)).isEqualTo("a/b c");
    assertThat(Urls.decode("caf%C3%A9", false)).isEqualTo("café");
    assertThat(Urls.decode("50%", false)).isNull();
    assertThat(Urls.decode("%zz", false)).isNull();
  }
}

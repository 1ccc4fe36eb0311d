package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import okio.Buffer;
import org.junit.jupiter.api.Test;

final class GeneratedBodyTest {
  @Test
  void sendsStartRepeatedPieceAndEnd() throws Exception {
    GeneratedBody body = new GeneratedBody("[", "ab", 5, "]");
    Buffer sink = new Buffer();

    body.writeTo(sink);

    assertThat(sink.readUtf8()).isEqualTo("[ababa]");
    assertThat(body.awaitSent()).isEqualTo(7);
  }

  @Test
  void makesEachPieceFromItsIndex() throws Exception {
    GeneratedBody body = new GeneratedBody("", i -> i + ",", 6, "");
    Buffer sink = new Buffer();

    body.writeTo(sink);

    assertThat(sink.readUtf8()).isEqualTo("0,1,2,");
  }

  @Test
  void beyondStopsAtFourTimesTheClientLimit() throws Exception {
    GeneratedBody body = GeneratedBody.beyond(1000, "{", "x");
    Buffer sink = new Buffer();

    body.writeTo(sink);

    assertThat(body.awaitSent()).isEqualTo(4001);
    assertThat(body.getContentLength()).isEqualTo(-1);
  }

  @Test
  void beyondRefusesALimitOfNothing() {
    assertThatThrownBy(() -> GeneratedBody.beyond(0, "", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientLimit");
  }
}

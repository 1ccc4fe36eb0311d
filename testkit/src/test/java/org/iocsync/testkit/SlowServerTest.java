package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
final class SlowServerTest {
  private static final String REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @Test
  void givesAnswersInOrderAndRepeatsTheLast() throws Exception {
    try (SlowServer server =
        new SlowServer(
            SlowServer.Answer.brokenOffAfter("first"),
            SlowServer.Answer.trickling("se", "cond", Duration.ofMillis(1)))) {

      String first = exchange(server);
      String second = exchange(server);
      String third = exchange(server);

      assertThat(first).isEqualTo("first");
      assertThat(second).isEqualTo("second");
      assertThat(third).isEqualTo("second");
      assertThat(server.sent()).isEqualTo(5 + 6 + 6);
    }
  }

  @Test
  void urlIsOnTheLoopbackAddress() throws Exception {
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(""))) {

      URI url = URI.create(server.url());

      assertThat(url.getHost()).isEqualTo("127.0.0.1");
      assertThat(url.getPort()).isPositive();
    }
  }

  @Test
  void refusesToStartWithoutAnswers() {
    assertThatThrownBy(() -> new SlowServer())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one answer");
  }

  private static String exchange(SlowServer server) throws Exception {
    URI url = URI.create(server.url());
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(REQUEST.getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

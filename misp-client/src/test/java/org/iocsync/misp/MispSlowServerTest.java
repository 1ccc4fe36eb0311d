package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.KEY;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.iocsync.http.HttpSettings;
import org.iocsync.testkit.SlowServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that answer too slowly or not at all: the read time-out catches a silence, the call
 * time-out a trickle (which never lets a read time-out fire), and either is a {@link
 * MispTransportException} naming the server and the call.
 */
@Timeout(20)
class MispSlowServerTest {
  private static final Duration BYTE_PAUSE = Duration.ofMillis(100);

  /** A read time-out that a trickle of a byte every 100 ms never reaches. */
  private static final HttpSettings TRICKLE_PROOF_READS =
      HttpSettings.builder()
          .readTimeout(Duration.ofSeconds(5))
          .callTimeout(Duration.ofMillis(1500))
          .build();

  private static final HttpSettings SHORT_READS =
      HttpSettings.builder().readTimeout(Duration.ofMillis(300)).build();

  private static final String VERSION = "{\"version\":\"2.4.190\"}";

  /** A whole HTTP answer with a JSON body. */
  private static String ok(String json, String... headers) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + json.length()
        + "\r\n"
        + String.join("", headers)
        + "\r\n"
        + json;
  }

  private static MispClient client(SlowServer server, HttpSettings http) {
    return MispClient.builder().baseUrl(server.url()).apiKey(KEY).http(http).build();
  }

  @Test
  void aPageTrickledAByteEvery100msIsCutOffByTheCallTimeOut() throws Exception {
    String page = MispFixtures.pageJson(1, 20);
    String answer = ok(page);
    String head = answer.substring(0, answer.length() - page.length());
    try (SlowServer server = new SlowServer(SlowServer.Answer.trickling(head, page, BYTE_PAUSE))) {
      MispClient client = client(server, TRICKLE_PROOF_READS);

      assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
          .isInstanceOfSatisfying(
              MispTransportException.class,
              e -> {
                assertThat(e.serverUrl()).isEqualTo(server.url());
                assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
                assertThat(e)
                    .hasMessageStartingWith(
                        "MISP at "
                            + server.url()
                            + " did not answer POST /attributes/restSearch in time (")
                    .hasMessageContaining("read and call time-outs")
                    .hasMessageNotContaining(KEY);
              });
      assertThat(server.sent()).isLessThan(answer.length());
    }
  }

  @Test
  void headersTrickledAByteEvery100msAreCutOffByTheCallTimeOut() throws Exception {
    String answer = ok(VERSION);
    try (SlowServer server = new SlowServer(SlowServer.Answer.trickling("", answer, BYTE_PAUSE))) {
      MispClient client = client(server, TRICKLE_PROOF_READS);

      assertThatThrownBy(client::version)
          .isInstanceOfSatisfying(
              MispTransportException.class,
              e -> {
                assertThat(e.serverUrl()).isEqualTo(server.url());
                assertThat(e)
                    .hasMessageStartingWith(
                        "MISP at "
                            + server.url()
                            + " did not answer GET /servers/getVersion in time (");
              });
      assertThat(server.sent()).isPositive().isLessThan(answer.indexOf("\r\n\r\n"));
    }
  }

  @Test
  void aSearchNeverAnsweredIsCutOffByTheReadTimeOut() throws Exception {
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(""))) {
      MispClient client = client(server, SHORT_READS);

      assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
          .isInstanceOfSatisfying(
              MispTransportException.class,
              e -> {
                assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
                assertThat(e)
                    .hasMessageStartingWith(
                        "MISP at "
                            + server.url()
                            + " did not answer POST /attributes/restSearch in time (");
              });
    }
  }

  @Test
  void aPageStalledHalfwayIsCutOffByTheReadTimeOut() throws Exception {
    String answer = ok(MispFixtures.pageJson(1, 50));
    String half = answer.substring(0, answer.length() / 2);
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(half))) {
      MispClient client = client(server, SHORT_READS);

      assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
          .isInstanceOfSatisfying(
              MispTransportException.class,
              e -> {
                assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
                assertThat(e).hasMessageContaining("did not answer POST /attributes/restSearch");
              });
      assertThat(server.sent()).isEqualTo(half.length());
    }
  }

  @Test
  void aSecondPageNeverAnsweredFailsTheStreamAfterTheFirstPagesAttributes() throws Exception {
    String firstPage = ok(MispFixtures.pageJson(1, 2), "Connection: close\r\n");
    try (SlowServer server =
        new SlowServer(
            SlowServer.Answer.trickling(firstPage, "", Duration.ZERO),
            SlowServer.Answer.silentAfter(""))) {
      MispClient client = client(server, SHORT_READS);
      AttributeQuery query = AttributeQuery.builder().pageSize(2).build();

      try (Stream<MispAttribute> attributes = client.searchAttributes(query)) {
        Iterator<MispAttribute> iterator = attributes.iterator();

        assertThat(iterator.next().id()).isEqualTo(1);
        assertThat(iterator.next().id()).isEqualTo(2);
        assertThatThrownBy(iterator::hasNext)
            .isInstanceOf(MispTransportException.class)
            .hasMessageContaining("did not answer POST /attributes/restSearch in time");
      }
    }
  }

  @Test
  void eventSummariesNeverAnsweredAreCutOffByTheReadTimeOut() throws Exception {
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(""))) {
      MispClient client = client(server, SHORT_READS);

      assertThatThrownBy(() -> client.eventSummaries(List.of(1L)))
          .isInstanceOf(MispTransportException.class)
          .hasMessageContaining("did not answer POST /events/restSearch in time");
    }
  }
}

package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.iocsync.http.HttpSettings;
import org.iocsync.testkit.SlowServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that answer too slowly or not at all: the read time-out catches a silence, the call
 * time-out a trickle (which never lets a read time-out fire), and either is a {@link
 * QradarTransportException} that names the server, the operation and the time-outs to check.
 */
@Timeout(20)
class QradarSlowServerTest {
  private static final Duration BYTE_PAUSE = Duration.ofMillis(100);

  /** A read time-out that a trickle of a byte every 100 ms never reaches. */
  private static final HttpSettings TRICKLE_PROOF_READS =
      HttpSettings.builder()
          .readTimeout(Duration.ofSeconds(5))
          .callTimeout(Duration.ofMillis(1500))
          .build();

  private static final HttpSettings SHORT_READS =
      HttpSettings.builder().readTimeout(Duration.ofMillis(300)).build();

  private static final String SETS =
      "[{\"id\":3,\"name\":\"ips\",\"entry_type\":\"IP\",\"namespace\":\"SHARED\"}]";

  /** A whole HTTP answer with a JSON body. */
  private static String answer(int status, String json) {
    return "HTTP/1.1 "
        + status
        + " OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
        + json.length()
        + "\r\n\r\n"
        + json;
  }

  private static ReferenceSets sets(SlowServer server, HttpSettings http) {
    return QradarClient.builder()
        .baseUrl(server.url())
        .token(Mock.TOKEN)
        .apiVersion("20.0")
        .taskPollInterval(Duration.ofMillis(5))
        .http(http)
        .build()
        .referenceSets();
  }

  @Test
  void anAnswerTrickledAByteEvery100msIsCutOffByTheCallTimeOut() throws Exception {
    String whole = answer(200, SETS);
    String head = whole.substring(0, whole.length() - SETS.length());
    try (SlowServer server = new SlowServer(SlowServer.Answer.trickling(head, SETS, BYTE_PAUSE))) {
      ReferenceSets sets = sets(server, TRICKLE_PROOF_READS);

      assertThatThrownBy(() -> sets.find("ips"))
          .isInstanceOfSatisfying(
              QradarTransportException.class,
              e -> {
                assertThat(e.httpStatus()).isZero();
                assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
                assertThat(e)
                    .hasMessageStartingWith(
                        "QRadar at "
                            + server.url()
                            + " did not answer in time while reading reference set 'ips': ")
                    .hasMessageEndingWith(
                        "Check the server's load and the client's read and call time-outs"
                            + " (HttpSettings).")
                    .hasMessageNotContaining(Mock.TOKEN);
              });
      assertThat(server.sent()).isLessThan(whole.length());
    }
  }

  @Test
  void headersTrickledAByteEvery100msAreCutOffByTheCallTimeOut() throws Exception {
    String whole = answer(200, SETS);
    try (SlowServer server = new SlowServer(SlowServer.Answer.trickling("", whole, BYTE_PAUSE))) {
      ReferenceSets sets = sets(server, TRICKLE_PROOF_READS);

      assertThatThrownBy(sets::list)
          .isInstanceOf(QradarTransportException.class)
          .hasMessageStartingWith(
              "QRadar at " + server.url() + " did not answer in time while listing reference sets");
      assertThat(server.sent()).isPositive().isLessThan(whole.indexOf("\r\n\r\n"));
    }
  }

  @Test
  void aServerThatNeverAnswersIsCutOffByTheReadTimeOut() throws Exception {
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(""))) {
      ReferenceSets sets = sets(server, SHORT_READS);

      assertThatThrownBy(() -> sets.find("ips"))
          .isInstanceOfSatisfying(
              QradarTransportException.class,
              e -> {
                assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
                assertThat(e)
                    .hasMessageStartingWith(
                        "QRadar at "
                            + server.url()
                            + " did not answer in time while reading reference set 'ips'");
              });
    }
  }

  @Test
  void anAnswerStalledHalfwayIsCutOffByTheReadTimeOut() throws Exception {
    String whole = answer(200, SETS);
    String half = whole.substring(0, whole.length() - SETS.length() / 2);
    try (SlowServer server = new SlowServer(SlowServer.Answer.silentAfter(half))) {
      ReferenceSets sets = sets(server, SHORT_READS);

      assertThatThrownBy(() -> sets.find("ips"))
          .isInstanceOf(QradarTransportException.class)
          .hasMessageContaining("did not answer in time while reading reference set 'ips'");
      assertThat(server.sent()).isEqualTo(half.length());
    }
  }

  @Test
  void aTaskPollNeverAnsweredFailsTheBatchAsATransportError() throws Exception {
    String task = "{\"id\":7,\"status\":\"QUEUED\"}";
    try (SlowServer server =
        new SlowServer(
            SlowServer.Answer.trickling(answer(200, SETS), "", Duration.ZERO),
            SlowServer.Answer.trickling(answer(202, task), "", Duration.ZERO),
            SlowServer.Answer.silentAfter(""))) {
      ReferenceSets sets = sets(server, SHORT_READS);

      assertThatThrownBy(() -> sets.add("ips", List.of("192.0.2.1")))
          .isInstanceOfSatisfying(
              QradarTransportException.class,
              e -> {
                assertThat(e.completedWrites().accepted()).isEmpty();
                assertThat(e).hasMessageContaining("did not answer in time while adding 1 values");
              });
    }
  }
}

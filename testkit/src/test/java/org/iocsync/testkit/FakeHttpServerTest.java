package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeHttpServerTest {
  private final FakeHttpServer server =
      FakeHttpServer.start(
          InetAddress.getLoopbackAddress(),
          0,
          null,
          100,
          request -> request.rawPath.equals("/stream") ? fiftyThousandValues() : ok(),
          (status, request, message) ->
              Reply.json(
                  status, writer -> writer.beginObject().name("error").value(message).endObject()));

  private static Reply fiftyThousandValues() {
    return Reply.streamedJson(
        200,
        writer -> {
          writer.beginArray();
          for (int i = 0; i < 50_000; i++) {
            writer.value("value-" + i);
          }
          writer.endArray();
        });
  }

  private static Reply ok() {
    return Reply.json(200, writer -> writer.beginObject().name("ok").value(true).endObject());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Http.Answer get(String path) throws IOException {
    return Http.call(Http.request(server.url() + path).build());
  }

  @Test
  void streamsLargeBodiesInChunksAndCountsTheirBytes() throws IOException {
    Http.Answer answer = get("/stream");

    assertThat(answer.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(answer.array()).hasSize(50_000).endsWith("value-49999");
    assertThat(server.bytesServed()).isEqualTo(answer.body().length());
    assertThat(server.requests().get(0).responseBytes()).isEqualTo(answer.body().length());
  }

  @Test
  void answersAHandlerFailureWith500InTheServersDialect() throws IOException {
    try (FakeHttpServer broken =
        FakeHttpServer.start(
            InetAddress.getLoopbackAddress(),
            0,
            null,
            10,
            request -> {
              throw new IllegalStateException("boom");
            },
            (status, request, message) ->
                Reply.json(
                    status,
                    writer -> writer.beginObject().name("error").value(message).endObject()))) {
      Http.Answer answer = Http.call(Http.request(broken.url() + "/").build());

      assertThat(answer.code()).isEqualTo(500);
      assertThat(answer.object())
          .containsEntry("error", "The fake server failed: java.lang.IllegalStateException: boom");
    }
  }

  @Test
  void dropsTheConnectionBeforeTheAnswerThenServesTheNextRequest() throws IOException {
    server.faults().onRequest(1, Fault.dropBeforeAnswer());

    assertThatThrownBy(() -> get("/ok")).isInstanceOf(IOException.class);
    assertThat(get("/ok").body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void cutsAStreamedBody() throws IOException {
    server.faults().onRequest(1, Fault.dropMidBody());

    assertThatThrownBy(() -> get("/stream")).isInstanceOf(IOException.class);
    assertThat(get("/ok").body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void cutsASmallFixedBody() throws IOException {
    server.faults().onRequest(1, Fault.dropMidBody());

    assertThatThrownBy(() -> get("/ok")).isInstanceOf(IOException.class);
    assertThat(get("/ok").body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void stallsPastAClientsReadTimeout() throws IOException {
    server.faults().onRequest(1, Fault.stall(Duration.ofSeconds(30)));
    OkHttpClient impatient = Http.CLIENT.newBuilder().readTimeout(Duration.ofMillis(300)).build();

    assertThatThrownBy(
            () -> impatient.newCall(Http.request(server.url() + "/ok").build()).execute().close())
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(get("/ok").body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void deliversASlowBodyWhole() throws IOException {
    server.faults().onRequest(1, Fault.slowBody(100));

    assertThat(get("/ok").body()).isEqualTo("{\"ok\":true}");
    assertThat(server.requests().get(0).fault()).isEqualTo("slow body, 100 bytes/s");
  }

  @Test
  void refusesAPortInUseWithAClearMessage() {
    assertThatThrownBy(
            () ->
                FakeHttpServer.start(
                    InetAddress.getLoopbackAddress(),
                    server.port(),
                    null,
                    0,
                    request -> ok(),
                    (status, request, message) -> ok()))
        .hasMessageContaining("Could not start a fake server on 127.0.0.1:" + server.port())
        .hasMessageContaining("choose another port or 0");
  }
}

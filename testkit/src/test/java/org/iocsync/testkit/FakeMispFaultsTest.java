package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeMispFaultsTest {
  private final FakeMisp misp = FakeMisp.start();

  @BeforeEach
  void seed() {
    misp.seed(3_000);
  }

  @AfterEach
  void stop() {
    misp.close();
  }

  private Request searchRequest(String body) {
    return Http.request(misp.url() + "/attributes/restSearch")
        .header("Authorization", misp.apiKey())
        .post(Http.json(body))
        .build();
  }

  private Http.Answer search() throws IOException {
    return Http.call(searchRequest("{\"limit\": 1000, \"page\": 1}"));
  }

  private Http.Answer version() throws IOException {
    return Http.call(
        Http.request(misp.url() + "/servers/getVersion")
            .header("Authorization", misp.apiKey())
            .build());
  }

  @Test
  void answersAServerErrorInMispsJson() throws IOException {
    misp.faults().onRequest(1, Fault.serverError());

    Http.Answer answer = search();

    assertThat(answer.code()).isEqualTo(500);
    assertThat(answer.object())
        .isEqualTo(
            Map.of(
                "name", "Internal Server Error",
                "message", "Internal Server Error",
                "url", "/attributes/restSearch"));
    assertThat(search().code()).isEqualTo(200);
  }

  @Test
  void answersAnyErrorStatus() throws IOException {
    misp.faults().onRequest(1, Fault.status(504));

    assertThat(search().code()).isEqualTo(504);
  }

  @Test
  void answersABadGatewayHtmlPage() throws IOException {
    misp.faults().onRequest(1, Fault.badGatewayHtml());

    Http.Answer answer = search();

    assertThat(answer.code()).isEqualTo(502);
    assertThat(answer.header("Content-Type")).startsWith("text/html");
    assertThat(answer.body()).contains("<h1>502 Bad Gateway</h1>");
  }

  @Test
  void answersASignInPageWith200() throws IOException {
    misp.faults().onRequest(1, Fault.htmlPage());

    Http.Answer answer = version();

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("text/html");
    assertThat(answer.body()).startsWith("<!DOCTYPE html>");
  }

  @Test
  void asksToRetryLaterWith429And503() throws IOException {
    misp.faults()
        .onRequest(1, Fault.rateLimited(Duration.ofSeconds(7)))
        .onRequest(2, Fault.unavailable(Duration.ofMinutes(2)));

    Http.Answer limited = version();
    Http.Answer unavailable = version();

    assertThat(limited.code()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("7");
    assertThat(unavailable.code()).isEqualTo(503);
    assertThat(unavailable.header("Retry-After")).isEqualTo("120");
  }

  @Test
  void sendsRetryAfterZeroButNoneWithAPlainStatus() throws IOException {
    misp.faults().onRequest(1, Fault.rateLimited(Duration.ZERO)).onRequest(2, Fault.status(429));

    Http.Answer zero = version();
    Http.Answer plain = version();

    assertThat(zero.header("Retry-After")).isEqualTo("0");
    assertThat(plain.code()).isEqualTo(429);
    assertThat(plain.header("Retry-After")).isNull();
  }

  @Test
  void countsTheNthRequestFromNow() throws IOException {
    version();
    misp.faults().onRequest(2, Fault.serverError());

    assertThat(version().code()).isEqualTo(200);
    assertThat(version().code()).isEqualTo(500);
    assertThat(version().code()).isEqualTo(200);
    assertThat(misp.faults().injectedCount()).isEqualTo(1);
  }

  @Test
  void hitsOnlyMatchingRequestsForTheGivenCount() throws IOException {
    misp.faults().next(2, "POST", "/attributes/", Fault.serverError());

    assertThat(version().code()).isEqualTo(200);
    assertThat(search().code()).isEqualTo(500);
    assertThat(version().code()).isEqualTo(200);
    assertThat(search().code()).isEqualTo(500);
    assertThat(search().code()).isEqualTo(200);
  }

  @Test
  void hitsTheNextRequestsWhateverThePath() throws IOException {
    misp.faults().nextRequests(2, Fault.status(503));

    assertThat(version().code()).isEqualTo(503);
    assertThat(search().code()).isEqualTo(503);
    assertThat(version().code()).isEqualTo(200);
  }

  @Test
  void dropsTheConnectionBeforeTheAnswer() throws IOException {
    misp.faults().onRequest(1, Fault.dropBeforeAnswer());

    assertThatThrownBy(this::search).isInstanceOf(IOException.class);
    assertThat(misp.requests().get(0).status()).isEqualTo(0);
    assertThat(misp.requests().get(0).fault()).isEqualTo("drop before answer");
    assertThat(search().code()).isEqualTo(200);
  }

  @Test
  void dropsTheConnectionInTheMiddleOfAStreamedPage() throws IOException {
    misp.faults().onRequest(1, Fault.dropMidBody());

    assertThatThrownBy(this::search).isInstanceOf(IOException.class);
    assertThat(attributes(search())).hasSize(1000);
  }

  @Test
  void trickleSlowBodiesThatStillArriveWhole() throws IOException {
    misp.faults().onRequest(1, Fault.slowBody(2_000));

    Http.Answer answer = version();

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.object()).containsEntry("version", "2.5.1");
    assertThat(misp.requests().get(0).fault()).isEqualTo("slow body, 2000 bytes/s");
  }

  @Test
  void stallsLongerThanAClientWaits() throws IOException {
    misp.faults().onRequest(1, Fault.stall(Duration.ofSeconds(30)));
    OkHttpClient impatient = Http.CLIENT.newBuilder().readTimeout(Duration.ofMillis(300)).build();

    assertThatThrownBy(() -> impatient.newCall(searchRequest("{}")).execute().close())
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(search().code()).isEqualTo(200);
  }

  @Test
  void repeatsTheSameRandomScheduleForTheSameSeed() throws IOException {
    List<Integer> first = randomRun(1234);
    List<Integer> second = randomRun(1234);

    assertThat(first).isEqualTo(second).contains(200).containsAnyOf(500, 503);
  }

  private List<Integer> randomRun(long seed) throws IOException {
    misp.faults().clear();
    misp.faults().randomly(seed, 0.4, Fault.serverError(), Fault.status(503));
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      codes.add(version().code());
    }
    return codes;
  }

  @Test
  void answersNormallyAfterClear() throws IOException {
    misp.faults().randomly(1, 1.0, Fault.serverError()).nextRequests(5, Fault.status(502));

    misp.faults().clear();

    assertThat(version().code()).isEqualTo(200);
  }

  @Test
  void refusesNonsenseSchedules() {
    assertThatThrownBy(() -> misp.faults().onRequest(0, Fault.serverError()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> misp.faults().next(1, "GET", "servers", Fault.serverError()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pathPrefix must start with '/'");
    assertThatThrownBy(() -> misp.faults().randomly(1, 1.5, Fault.serverError()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.status(302)).isInstanceOf(IllegalArgumentException.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> attributes(Http.Answer answer) {
    return (List<Object>) ((Map<String, Object>) answer.object().get("response")).get("Attribute");
  }
}

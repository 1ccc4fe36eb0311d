package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.KEY;
import static org.iocsync.misp.MispFixtures.json;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispErrorsTest {
  private final MockWebServer server = MispFixtures.startServer();
  private final MispClient client = MispFixtures.client(server);
  private final String serverUrl = MispFixtures.baseUrl(server);

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void aRefusedKeyIsAnAuthenticationErrorWithMispsMessage() {
    server.enqueue(
        json(
            403,
            "{\"name\":\"Authentication failed. Please make sure you pass the API key of an API"
                + " enabled user along in the Authorization header.\",\"message\":\"Authentication"
                + " failed. Please make sure you pass the API key of an API enabled user along in"
                + " the Authorization header.\",\"url\":\"\\/servers\\/getVersion\"}"));

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispAuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e.serverUrl()).isEqualTo(serverUrl);
              assertThat(e.serverMessage())
                  .isEqualTo(
                      "Authentication failed. Please make sure you pass the API key of an API"
                          + " enabled user along in the Authorization header.");
              assertThat(e)
                  .hasMessage(
                      "MISP at "
                          + serverUrl
                          + " refused the API key for GET /servers/getVersion (HTTP 403:"
                          + " Authentication failed. Please make sure you pass the API key of an"
                          + " API enabled user along in the Authorization header.). Check that"
                          + " the key is right, not expired or disabled, allowed from this"
                          + " address, and that its user has API access and may read this data.");
            });
  }

  @Test
  void unauthorizedIsAnAuthenticationErrorToo() {
    server.enqueue(new MockResponse.Builder().code(401).build());

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispAuthenticationException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(401);
              assertThat(e.serverMessage()).isEmpty();
              assertThat(e).hasMessageContaining("(HTTP 401). Check that the key is right");
            });
  }

  @Test
  void aMissingEventIsNotFound() {
    server.enqueue(
        json(404, "{\"name\":\"Invalid event\",\"message\":\"Invalid event\",\"url\":\"/x\"}"));

    assertThatThrownBy(() -> client.event("999"))
        .isInstanceOfSatisfying(
            MispNotFoundException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.serverMessage()).isEqualTo("Invalid event");
              assertThat(e)
                  .hasMessage(
                      "MISP at "
                          + serverUrl
                          + " found nothing at GET /events/view/999 (HTTP 404: Invalid event)."
                          + " Check the id, and that the base URL points at MISP's root.");
            });
  }

  @Test
  void aServerErrorCarriesTheStatusAndMispsMessage() {
    server.enqueue(
        json(500, "{\"name\":\"An Internal Error Has Occurred.\",\"message\":\"\",\"url\":\"/\"}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).findFirst())
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.serverMessage()).isEqualTo("An Internal Error Has Occurred.");
              assertThat(e)
                  .hasMessage(
                      "MISP at "
                          + serverUrl
                          + " answered POST /attributes/restSearch with HTTP 500 (An Internal"
                          + " Error Has Occurred.). Check MISP's and its proxy's logs, or retry"
                          + " later; a smaller page size helps when the server runs out of"
                          + " memory or time.");
            });
  }

  @Test
  void aProxysHtmlErrorPageIsAServerErrorWithTheStartOfThePage() {
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/html")
            .body(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                    + "<center><h1>502 Bad Gateway</h1></center>\r\n"
                    + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                    + "x".repeat(200_000))
            .build());

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(502);
              assertThat(e.serverMessage())
                  .startsWith(
                      "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502"
                          + " Bad Gateway</h1></center>")
                  .endsWith("…")
                  .hasSizeLessThanOrEqualTo(201);
              assertThat(e).hasMessageContaining("answered GET /servers/getVersion with HTTP 502");
            });
  }

  @Test
  void readsOnlyTheStartOfAHugeErrorBody() {
    AtomicLong bytesRead = new AtomicLong();
    EventListener listener =
        new EventListener() {
          @Override
          public void responseBodyEnd(Call call, long byteCount) {
            bytesRead.set(byteCount);
          }
        };
    MispClient client =
        MispFixtures.client(
            server,
            HttpSettings.builder()
                .okHttpClient(new OkHttpClient.Builder().eventListener(listener).build())
                .build());
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .setHeader("Content-Type", "text/html")
            .body("<html>" + "x".repeat(8_000_000))
            .build());

    assertThatThrownBy(client::version).isInstanceOf(MispServerException.class);

    assertThat(bytesRead.get()).isPositive().isLessThan(1_000_000);
  }

  @Test
  void aRedirectIsNotFollowedAndNamesItsTarget() {
    server.enqueue(
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", "https://sso.example.org/login")
            .build());

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(302);
              assertThat(e)
                  .hasMessageContaining("redirects to https://sso.example.org/login")
                  .hasMessageContaining("check the base URL");
            });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aBadRequestIsAServerErrorWithItsStatus() {
    server.enqueue(json(400, "{\"name\":\"Bad request\",\"message\":\"Invalid JSON\"}"));

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.serverMessage()).isEqualTo("Invalid JSON");
              assertThat(e).hasMessageContaining("supported MISP version");
            });
  }

  @Test
  void anHtmlLoginPageWithStatus200IsAMalformedAnswer() {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "text/html; charset=UTF-8")
            .body("<!DOCTYPE html>\n<html><head><title>Users - MISP</title></head></html>")
            .build());

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$");
              assertThat(e)
                  .hasMessage(
                      "MISP at "
                          + serverUrl
                          + " answered GET /servers/getVersion with text/html instead of JSON:"
                          + " \"<!DOCTYPE html> <html><head><title>Users -"
                          + " MISP</title></head></html>\". Check that the base URL points at"
                          + " MISP's API itself, not at a login page or proxy, and that the"
                          + " server runs a supported MISP version.");
            });
  }

  @Test
  void htmlSentAsJsonIsAMalformedAnswerNotAParseCrash() {
    server.enqueue(json("  <html>Please log in</html>"));

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$");
              assertThat(e)
                  .hasMessageContaining(
                      "with text that is not a JSON object: \"<html>Please log in</html>\"");
            });
  }

  @Test
  void anEmptyAnswerIsMalformed() {
    server.enqueue(json(""));

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e).hasMessageContaining("with an empty answer."));
  }

  @Test
  void brokenJsonIsMalformedWithItsPath() {
    server.enqueue(json("{\"response\":{\"Attribute\":[{\"id\": \"1\",, }]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[0].id");
              assertThat(e).hasMessageContaining("at $.response.Attribute[0].id");
            });
  }

  @Test
  void aMissingValueIsMalformedWithTheJsonPath() {
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":["
                + MispFixtures.attributeJson(1)
                + ","
                + MispFixtures.attributeJson(2)
                + ","
                + MispFixtures.attributeJson(3)
                + ",{\"id\":\"4\",\"event_id\":\"7\",\"uuid\":\"u-4\",\"type\":\"url\","
                + "\"timestamp\":\"1\",\"value\":null}]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[3].value");
              assertThat(e)
                  .hasMessageStartingWith(
                      "MISP at "
                          + serverUrl
                          + " answered POST /attributes/restSearch with JSON this client cannot"
                          + " use at $.response.Attribute[3].value: missing. Check");
            });
  }

  @Test
  void aMissingUuidIsMalformedWithTheJsonPath() {
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":[{\"id\":\"4\",\"event_id\":\"7\",\"type\":\"url\","
                + "\"timestamp\":\"1\",\"value\":\"http://x.example/\"}]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[0].uuid"));
  }

  @Test
  void aNonNumericIdIsMalformed() {
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":[{\"id\":\"seven\",\"event_id\":\"7\",\"uuid\":\"u\","
                + "\"type\":\"url\",\"timestamp\":\"1\",\"value\":\"v\"}]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[0].id");
              assertThat(e).hasMessageContaining("\"seven\" where a whole number was expected");
            });
  }

  @Test
  void aSearchAnswerWithoutAttributesIsMalformed() {
    server.enqueue(json("{\"response\":{}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response.Attribute"));
  }

  @Test
  void aValueOverTheLimitIsMalformedNotAnOutOfMemoryError() {
    String huge = "a".repeat((int) MispClient.MAX_VALUE_BYTES + 10_000);
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":[{\"id\":\"4\",\"event_id\":\"7\",\"uuid\":\"u\","
                + "\"type\":\"text\",\"timestamp\":\"1\",\"value\":\""
                + huge
                + "\"}]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> {
              assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[0].value");
              assertThat(e).hasMessageContaining("a value longer than 1048576 bytes");
            });
  }

  @Test
  void anUnknownFieldOverTheLimitIsMalformedToo() {
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":[{\"id\":\"4\",\"comment\":\""
                + "c".repeat((int) MispClient.MAX_VALUE_BYTES + 10_000)
                + "\"}]}}"));

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.jsonPath()).isEqualTo("$.response.Attribute[0].comment"));
  }

  @Test
  void aValueJustUnderTheLimitIsRead() {
    String large = "a".repeat((int) MispClient.MAX_VALUE_BYTES - 2);
    server.enqueue(
        json(
            "{\"response\":{\"Attribute\":[{\"id\":\"4\",\"event_id\":\"7\",\"uuid\":\"u\","
                + "\"type\":\"text\",\"timestamp\":\"1\",\"value\":\""
                + large
                + "\"}]}}"));
    server.enqueue(MispFixtures.page(5, 0));

    try (Stream<MispAttribute> attributes = client.searchAttributes(AttributeQuery.all())) {
      assertThat(attributes.findFirst().orElseThrow().value()).hasSize(large.length());
    }
  }

  @Test
  void aDroppedConnectionIsATransportError() {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body(MispFixtures.pageJson(1, 50))
            .onResponseBody(new SocketEffect.CloseSocket())
            .build());

    assertThatThrownBy(() -> client.searchAttributes(AttributeQuery.all()).count())
        .isInstanceOfSatisfying(
            MispTransportException.class,
            e -> {
              assertThat(e.serverUrl()).isEqualTo(serverUrl);
              assertThat(e.getCause()).isNotNull();
              assertThat(e)
                  .hasMessageStartingWith(
                      "The connection to MISP at "
                          + serverUrl
                          + " failed during POST /attributes/restSearch (")
                  .hasMessageEndingWith(
                      "). Check the network and any proxy; the call is safe to retry.");
            });
  }

  @Test
  void aSlowServerIsATransportErrorNamingTheTimeOut() {
    MispClient impatient =
        MispFixtures.client(
            server, HttpSettings.builder().readTimeout(Duration.ofMillis(200)).build());
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    assertThatThrownBy(impatient::version)
        .isInstanceOfSatisfying(
            MispTransportException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
              assertThat(e)
                  .hasMessageStartingWith(
                      "MISP at " + serverUrl + " did not answer GET /servers/getVersion in time (")
                  .hasMessageContaining("read and call time-outs");
            });
  }

  @Test
  void aRefusedConnectionIsATransportError() {
    String closed = MispFixtures.baseUrl(server);
    server.close();
    MispClient unreachable = MispClient.builder().baseUrl(closed).apiKey(KEY).build();

    assertThatThrownBy(unreachable::version)
        .isInstanceOfSatisfying(
            MispTransportException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(ConnectException.class);
              assertThat(e)
                  .hasMessageStartingWith("Cannot connect to MISP at " + closed + " for GET")
                  .hasMessageEndingWith(
                      "Check the host name and port, the network, and the proxy settings.");
            });
  }

  @Test
  void theKeyNeverAppearsInAMessageEvenWhenTheServerEchoesIt() {
    server.enqueue(json(403, "{\"message\":\"Key " + KEY + " is disabled\"}"));
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Location", "https://x/?k=" + KEY)
            .body("<pre>Authorization: " + KEY + "</pre>")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "text/html")
            .body("<p>" + KEY + "</p>")
            .build());

    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispAuthenticationException.class,
            e -> {
              assertThat(e.serverMessage()).isEqualTo("Key ██ is disabled");
              assertThat(e.getMessage()).doesNotContain(KEY);
            });
    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispServerException.class,
            e -> {
              assertThat(e.serverMessage()).doesNotContain(KEY).contains("██");
              assertThat(e.getMessage()).doesNotContain(KEY);
            });
    assertThatThrownBy(client::version)
        .isInstanceOfSatisfying(
            MispMalformedResponseException.class,
            e -> assertThat(e.getMessage()).doesNotContain(KEY).contains("<p>██</p>"));
  }

  @Test
  void everyFailureIsAMispException() {
    server.enqueue(json(403, "{}"));
    server.enqueue(json(404, "{}"));
    server.enqueue(json(503, "{}"));
    server.enqueue(json("[]"));

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(client::version).isInstanceOf(MispException.class);
    }
  }
}

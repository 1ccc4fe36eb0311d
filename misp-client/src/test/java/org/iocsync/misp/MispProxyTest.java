package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iocsync.misp.MispFixtures.KEY;
import static org.iocsync.misp.MispFixtures.json;
import static org.iocsync.misp.MispFixtures.take;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the client through an HTTP proxy: MockWebServer plays the proxy. */
class MispProxyTest {
  private final MockWebServer proxy = MispFixtures.startServer();

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  @Test
  void sendsCallsThroughTheProxyAndAnswersItsChallenge() {
    proxy.enqueue(
        new MockResponse.Builder()
            .code(407)
            .setHeader("Proxy-Authenticate", "Basic realm=\"corp\"")
            .build());
    proxy.enqueue(json("{\"version\":\"2.5.1\"}"));
    MispClient client =
        MispClient.builder()
            .baseUrl("http://misp.example.org")
            .apiKey(KEY)
            .http(
                HttpSettings.builder()
                    .proxy("127.0.0.1", proxy.getPort())
                    .proxyCredentials("sync", "pr0xy".toCharArray())
                    .build())
            .build();

    MispVersion version = client.version();

    assertThat(version.version()).isEqualTo("2.5.1");
    RecordedRequest challenged = take(proxy);
    assertThat(challenged.getRequestLine())
        .isEqualTo("GET http://misp.example.org/servers/getVersion HTTP/1.1");
    assertThat(challenged.getHeaders().get("Proxy-Authorization")).isNull();
    RecordedRequest authorized = take(proxy);
    assertThat(authorized.getRequestLine())
        .isEqualTo("GET http://misp.example.org/servers/getVersion HTTP/1.1");
    assertThat(authorized.getHeaders().get("Proxy-Authorization"))
        .isEqualTo(Credentials.basic("sync", "pr0xy"));
    assertThat(authorized.getHeaders().get("Authorization")).isEqualTo(KEY);
  }
}

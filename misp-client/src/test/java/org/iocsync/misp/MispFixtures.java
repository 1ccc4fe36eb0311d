package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.iocsync.http.HttpSettings;

/** Answers and helpers shared by the tests that run the client against MockWebServer. */
final class MispFixtures {
  /** A key shaped like MISP's: 40 characters. */
  static final String KEY = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";

  private MispFixtures() {}

  /**
   * Starts a MockWebServer on the loopback address only. A request beyond those enqueued gets an
   * immediate 599 rather than a wait for an answer that never comes.
   */
  static MockWebServer startServer() {
    MockWebServer server = new MockWebServer();
    QueueDispatcher dispatcher = new QueueDispatcher();
    dispatcher.setFailFast(new MockResponse.Builder().code(599).body("nothing enqueued").build());
    server.setDispatcher(dispatcher);
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return server;
  }

  /** The server's root URL, by address: {@code localhost} may also mean an IPv6 address. */
  static String baseUrl(MockWebServer server) {
    return "http://127.0.0.1:" + server.getPort() + "/";
  }

  static MispClient client(MockWebServer server) {
    return client(server, HttpSettings.defaults());
  }

  static MispClient client(MockWebServer server, HttpSettings http) {
    return MispClient.builder().baseUrl(baseUrl(server)).apiKey(KEY).http(http).build();
  }

  static MockResponse json(String body) {
    return json(200, body);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json; charset=UTF-8")
        .body(body)
        .build();
  }

  /** A search answer holding attributes with consecutive ids. */
  static MockResponse page(long firstId, int count) {
    return json(pageJson(firstId, count));
  }

  /** A search answer that says how many attributes the warninglist removed from the page. */
  static MockResponse page(long firstId, int count, int skipped) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader("X-Skipped-Elements-Count", skipped)
        .body(pageJson(firstId, count))
        .build();
  }

  static String pageJson(long firstId, int count) {
    StringJoiner attributes = new StringJoiner(",", "{\"response\":{\"Attribute\":[", "]}}");
    for (long id = firstId; id < firstId + count; id++) {
      attributes.add(attributeJson(id));
    }
    return attributes.toString();
  }

  /** An attribute as MISP sends it: numbers as strings, flags as booleans, an event summary. */
  static String attributeJson(long id) {
    return "{\"id\":\""
        + id
        + "\",\"event_id\":\"7\",\"object_id\":\"0\",\"object_relation\":null,"
        + "\"category\":\"Network activity\",\"type\":\"ip-dst\",\"to_ids\":true,"
        + "\"uuid\":\"5f6c1d2e-0000-4000-8000-"
        + String.format("%012d", id)
        + "\",\"timestamp\":\"1600000000\",\"distribution\":\"5\",\"sharing_group_id\":\"0\","
        + "\"comment\":\"\",\"deleted\":false,\"disable_correlation\":false,"
        + "\"first_seen\":null,\"last_seen\":null,\"value\":\"10.0."
        + (id / 256 % 256)
        + "."
        + (id % 256)
        + "\",\"Event\":{\"org_id\":\"1\",\"distribution\":\"1\",\"id\":\"7\","
        + "\"info\":\"Scanning hosts\",\"orgc_id\":\"1\","
        + "\"uuid\":\"5f6c1d2e-0000-4000-8000-000000000007\"}}";
  }

  /** Takes the next request, failing rather than waiting for ever when none came. */
  static RecordedRequest take(MockWebServer server) {
    try {
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request).as("a request reached the server").isNotNull();
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Asserts the headers every call must carry, and that no others were added. */
  static void assertMispHeaders(RecordedRequest request) {
    Headers headers = request.getHeaders();
    assertThat(headers.get("Authorization")).isEqualTo(KEY);
    assertThat(headers.get("Accept")).isEqualTo("application/json");
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.values("Authorization")).hasSize(1);
    assertThat(headers.names())
        .isSubsetOf(
            "Authorization",
            "Accept",
            "Content-Type",
            "Content-Length",
            "Host",
            "Connection",
            "Accept-Encoding",
            "User-Agent");
  }
}

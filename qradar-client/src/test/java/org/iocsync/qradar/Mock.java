package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Answers and requests as the tests of this package use them. */
final class Mock {
  static final String TOKEN = "7c1f2e3d-aaaa-bbbb-cccc-0123456789ab";

  private Mock() {}

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json;charset=UTF-8")
        .body(body)
        .build();
  }

  static MockResponse json(int code, String body, String contentRange) {
    return json(code, body).newBuilder().setHeader("Content-Range", contentRange).build();
  }

  static MockResponse error(int code, int qradarCode, String message, String description) {
    return json(
        code,
        "{\"http_response\":{\"code\":"
            + code
            + ",\"message\":\"an HTTP message\"},\"code\":"
            + qradarCode
            + ",\"description\":\""
            + description
            + "\",\"details\":{},\"message\":\""
            + message
            + "\"}");
  }

  static MockResponse task(int code, long id, String status) {
    return json(code, "{\"id\":" + id + ",\"status\":\"" + status + "\",\"name\":\"a task\"}");
  }

  static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request within 5 s").isNotNull();
    return request;
  }

  static QradarClient.Builder client(MockWebServer server) {
    return QradarClient.builder()
        .baseUrl(server.url("/").toString())
        .token(TOKEN)
        .taskPollInterval(Duration.ofMillis(5));
  }

  static String body(RecordedRequest request) {
    return request.getBody() == null ? "" : request.getBody().utf8();
  }
}

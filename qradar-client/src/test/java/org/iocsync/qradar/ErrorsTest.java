package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.BufferedSink;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @StartStop private final MockWebServer server = new MockWebServer();

  private ReferenceSets sets() {
    return Mock.client(server).apiVersion("20.0").api(ReferenceApi.LEGACY).build().referenceSets();
  }

  @Test
  void refusedTokenIsAnAuthenticationError() {
    server.enqueue(
        Mock.error(
            401, 0, "Invalid SEC token", "You are unauthorized to access the requested resource."));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarAuthenticationException.class)
        .hasMessage(
            "QRadar refused the credentials (401) while listing reference sets: Invalid SEC token"
                + " (You are unauthorized to access the requested resource.). Check the SEC token"
                + " (or user and password) and that its authorized service has not expired.")
        .satisfies(e -> assertThat(((QradarException) e).httpStatus()).isEqualTo(401));
  }

  @Test
  void missingPermissionIsAnAuthenticationError() {
    server.enqueue(
        Mock.error(
            403,
            0,
            "User has insufficient capabilities to access this endpoint resource",
            "Forbidden"));

    assertThatThrownBy(() -> sets().find("s"))
        .isInstanceOf(QradarAuthenticationException.class)
        .hasMessage(
            "QRadar denied access (403) while reading reference set 's': User has insufficient"
                + " capabilities to access this endpoint resource (Forbidden). Give the token's"
                + " authorized service a user role that may manage reference data.");
  }

  @Test
  void theTokenNeverAppearsEvenWhenTheServerEchoesIt() {
    server.enqueue(
        Mock.error(401, 0, "Token " + Mock.TOKEN + " is not valid", "unauthorized " + Mock.TOKEN));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarAuthenticationException.class)
        .hasMessageNotContaining(Mock.TOKEN)
        .hasMessageContaining("Token ██ is not valid");
  }

  @Test
  void thePasswordNeverAppearsEvenWhenTheServerEchoesIt() {
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .body("<html>bad gateway for admin:s3cret-pw</html>")
            .build());
    ReferenceSets sets =
        QradarClient.builder()
            .baseUrl(server.url("/").toString())
            .basicAuth("admin", "s3cret-pw")
            .apiVersion("20.0")
            .build()
            .referenceSets();

    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarServerException.class)
        .hasMessageNotContaining("s3cret-pw");
  }

  @Test
  void unknownSetIsNotFound() {
    server.enqueue(Mock.error(404, 1002, "s does not exist", "The reference set does not exist."));

    assertThatThrownBy(() -> sets().purge("s"))
        .isInstanceOf(ReferenceSetNotFoundException.class)
        .hasMessage(
            "QRadar has no reference set named 's' (404, code 1002) while purging reference set"
                + " 's': s does not exist (The reference set does not exist.)")
        .satisfies(e -> assertThat(((QradarException) e).qradarCode()).hasValue(1002));
  }

  @Test
  void nameInUseIsExists() {
    server.enqueue(Mock.error(409, 1004, "s exists", "The name provided is already in use."));

    assertThatThrownBy(() -> sets().create(NewReferenceSet.of("s", QradarElementType.IP)))
        .isInstanceOf(ReferenceSetExistsException.class)
        .satisfies(e -> assertThat(((QradarException) e).httpStatus()).isEqualTo(409));
  }

  @Test
  void invalidValueIsRejectedWithQradarsMessageAndTheValue() {
    server.enqueue(
        Mock.error(422, 1005, "not-an-ip is not a valid IP", "A request parameter is not valid"));

    assertThatThrownBy(() -> sets().remove("s", "not-an-ip"))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessage(
            "QRadar refused the value 'not-an-ip' (422, code 1005) while removing a value from"
                + " reference set 's': not-an-ip is not a valid IP (A request parameter is not"
                + " valid)")
        .satisfies(
            e -> assertThat(((ValueRejectedException) e).values()).containsExactly("not-an-ip"));
  }

  @Test
  void aBulkLoadRefusedForAnotherReasonNamesItsValues() {
    server.enqueue(
        Mock.error(422, 1012, "The namespace value of SHARED was expected", "namespace"));

    assertThatThrownBy(() -> sets().add("s", List.of("a", "b", "c", "d")))
        .isInstanceOf(ValueRejectedException.class)
        .hasMessage(
            "QRadar refused 4 values ('a', 'b', 'c' and 1 more) (422, code 1012) while adding 4"
                + " values to reference set 's': The namespace value of SHARED was expected"
                + " (namespace)")
        .satisfies(
            e ->
                assertThat(((ValueRejectedException) e).values())
                    .containsExactly("a", "b", "c", "d"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void removedVersionIsAVersionError() {
    server.enqueue(
        Mock.error(
            422,
            0,
            "Version 20.0 is no longer supported",
            "The requested version is not supported."));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarVersionException.class)
        .hasMessage(
            "QRadar refused API version 20.0 (422) while listing reference sets: Version 20.0 is"
                + " no longer supported (The requested version is not supported.). Pin a version"
                + " the server offers with apiVersion(...), or leave it unset.");
  }

  @Test
  void removedEndpointIsAVersionError() {
    server.enqueue(Mock.error(410, 0, "Gone", "The requested resource is no longer available."));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarVersionException.class)
        .hasMessage(
            "QRadar answered 410 Gone while listing reference sets: Gone (The requested resource"
                + " is no longer available.). The endpoint was removed from API version 20.0: pin"
                + " an older version or use the other reference data API.");
  }

  @Test
  void serverErrorCarriesQradarsMessage() {
    server.enqueue(Mock.error(500, 1020, "An error occurred", "while retrieving the sets"));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarServerException.class)
        .hasMessage(
            "QRadar answered 500 while listing reference sets: An error occurred (while retrieving"
                + " the sets). Try again later.")
        .satisfies(e -> assertThat(((QradarServerException) e).retryAfter()).isEmpty());
  }

  @Test
  void htmlErrorPageCarriesItsFirstBytes() {
    server.enqueue(
        new MockResponse.Builder()
            .code(502)
            .setHeader("Content-Type", "text/html")
            .body("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>")
            .build());

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarServerException.class)
        .hasMessage(
            "QRadar answered 502 while listing reference sets: the answer was not JSON: «<html>"
                + " <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>». Try"
                + " again later.");
  }

  @Test
  void initializationFailureIsAServerError() {
    server.enqueue(
        Mock.error(550, 0, "A failure occurred during initialization of services", "init"));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarServerException.class)
        .satisfies(e -> assertThat(((QradarException) e).httpStatus()).isEqualTo(550));
  }

  @Test
  void slowDownCarriesRetryAfter() {
    server.enqueue(
        new MockResponse.Builder().code(503).setHeader("Retry-After", "30").body("busy").build());

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarServerException.class)
        .satisfies(
            e ->
                assertThat(((QradarServerException) e).retryAfter())
                    .hasValue(Duration.ofSeconds(30)));
  }

  @Test
  void tooManyRequestsIsAServerError() {
    server.enqueue(new MockResponse.Builder().code(429).build());

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarServerException.class)
        .hasMessage(
            "QRadar answered 429 while listing reference sets: the answer had no body. Try again"
                + " later.");
  }

  @Test
  void aRedirectIsNotFollowed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", "https://login.example.org/")
            .build());

    assertThatThrownBy(() -> sets().list())
        .isExactlyInstanceOf(QradarException.class)
        .hasMessage(
            "QRadar answered 302 redirecting to https://login.example.org/ while listing reference"
                + " sets. The client does not follow redirects, which would carry the token"
                + " elsewhere: set the base URL to the console's own https address.");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void anotherRefusalIsAQradarException() {
    server.enqueue(Mock.error(400, 1001, "JSON parse error", "An error occurred parsing the body"));

    assertThatThrownBy(() -> sets().list())
        .isExactlyInstanceOf(QradarException.class)
        .hasMessageStartingWith(
            "QRadar answered 400 while listing reference sets: JSON parse error (An error occurred"
                + " parsing the body). Check the base URL http://");
  }

  @Test
  void htmlInsteadOfJsonIsMalformed() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html; charset=utf-8")
            .body("<!DOCTYPE html><html><body>Please log in</body></html>")
            .build());

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageStartingWith(
            "QRadar's answer while listing reference sets cannot be read: the answer is text/html,"
                + " not JSON: «<!DOCTYPE html><html><body>Please log in</body></html>». Check that"
                + " http://");
  }

  @Test
  void jsonOfAnotherShapeIsMalformedWithItsPath() {
    server.enqueue(Mock.json(200, "{\"name\":\"s\"}"));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining(
            "the answer is not the JSON expected: Expected BEGIN_ARRAY but was BEGIN_OBJECT at path $");
  }

  @Test
  void aSetWithoutNameIsMalformed() {
    server.enqueue(Mock.json(200, "[{\"element_type\":\"IP\"}]"));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage("QRadar's answer lacks 'name' while listing reference sets");
  }

  @Test
  void anUnknownElementTypeIsMalformed() {
    server.enqueue(Mock.json(200, "[{\"name\":\"s\",\"element_type\":\"GEO\"}]"));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage(
            "QRadar named an element type this client does not know, 'GEO', while listing"
                + " reference sets");
  }

  @Test
  void anEmptyAnswerIsMalformed() {
    server.enqueue(Mock.json(200, ""));

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessageContaining("the answer is empty where JSON was expected");
  }

  @Test
  void aHugeAnswerIsCutOffRatherThanExhaustingMemory() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(new EndlessArray())
            .build());

    assertThatThrownBy(() -> sets().list())
        .isInstanceOf(QradarMalformedResponseException.class)
        .hasMessage(
            "QRadar's answer while listing reference sets is larger than "
                + BoundedBodies.MAX_BODY_BYTES
                + " bytes: the client stopped reading it. A proxy or server that ignores the Range"
                + " header can cause this.");
  }

  @Test
  void aRefusedConnectionIsATransportError() throws IOException {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/").toString();
    closed.close();
    ReferenceSets sets =
        QradarClient.builder()
            .baseUrl(url)
            .token(Mock.TOKEN)
            .apiVersion("20.0")
            .build()
            .referenceSets();

    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarTransportException.class)
        .hasMessageStartingWith("Cannot reach QRadar at " + url + " while listing reference sets: ")
        .hasMessageEndingWith(
            ". Check the URL, the network, the proxy and the trusted certificates.")
        .satisfies(e -> assertThat(((QradarException) e).httpStatus()).isZero());
  }

  @Test
  void aDroppedConnectionIsATransportError() {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());

    assertThatThrownBy(() -> sets().list()).isInstanceOf(QradarTransportException.class);
  }

  @Test
  void aSilentServerIsATransportErrorAfterTheReadTimeout() {
    server.enqueue(Mock.json(200, "[]").newBuilder().headersDelay(5, TimeUnit.SECONDS).build());
    ReferenceSets sets =
        Mock.client(server)
            .apiVersion("20.0")
            .http(HttpSettings.builder().readTimeout(Duration.ofMillis(200)).build())
            .build()
            .referenceSets();

    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarTransportException.class)
        .hasMessageContaining("SocketTimeoutException");
  }

  /** A JSON array that goes on far beyond any sane answer. */
  private static final class EndlessArray implements MockResponseBody {
    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.writeUtf8("[");
      String set = "{\"name\":\"" + "x".repeat(1000) + "\",\"element_type\":\"IP\"},";
      long limit = BoundedBodies.MAX_BODY_BYTES * 2;
      for (long written = 0; written < limit; written += set.length()) {
        sink.writeUtf8(set);
      }
      sink.writeUtf8("{\"name\":\"x\",\"element_type\":\"IP\"}]");
    }
  }
}

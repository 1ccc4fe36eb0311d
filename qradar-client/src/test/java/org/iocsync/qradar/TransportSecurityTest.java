package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportSecurityTest {
  private static final HeldCertificate CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
  private static final HeldCertificate SERVER =
      new HeldCertificate.Builder().addSubjectAlternativeName("localhost").signedBy(CA).build();

  @TempDir Path directory;

  private static MockWebServer httpsServer() throws Exception {
    MockWebServer server = new MockWebServer();
    server.useHttps(
        new HandshakeCertificates.Builder()
            .heldCertificate(SERVER, CA.certificate())
            .build()
            .sslSocketFactory());
    server.start();
    return server;
  }

  @Test
  void aBaseUrlWithoutSchemeIsReachedOverHttpsWithTheTrustedCa() throws Exception {
    Path pem = directory.resolve("ca.pem");
    Files.writeString(pem, CA.certificatePem());
    try (MockWebServer server = httpsServer()) {
      server.enqueue(Mock.json(200, "[]"));
      ReferenceSets sets =
          QradarClient.builder()
              .baseUrl("localhost:" + server.getPort())
              .token(Mock.TOKEN)
              .apiVersion("20.0")
              .http(HttpSettings.builder().trustPem(pem).build())
              .build()
              .referenceSets();

      assertThat(sets.list()).isEmpty();

      RecordedRequest request = Mock.take(server);
      assertThat(request.getHandshake()).isNotNull();
      assertThat(request.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
    }
  }

  @Test
  void anUntrustedCertificateIsATransportError() throws Exception {
    try (MockWebServer server = httpsServer()) {
      ReferenceSets sets =
          QradarClient.builder()
              .baseUrl("localhost:" + server.getPort())
              .token(Mock.TOKEN)
              .apiVersion("20.0")
              .build()
              .referenceSets();

      assertThatThrownBy(sets::list)
          .isInstanceOf(QradarTransportException.class)
          .hasMessageContaining("SSLHandshakeException")
          .hasMessageNotContaining(Mock.TOKEN);
    }
  }

  @Test
  void theHttpLoggerShowsTheTokenRedacted() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(Mock.json(200, "[]"));
      QradarClient client =
          Mock.client(server)
              .apiVersion("20.0")
              .http(HttpSettings.builder().httpLogger(lines::add).build())
              .build();

      client.referenceSets().list();
    }

    assertThat(lines).contains("SEC: ██", "Version: 20.0");
    assertThat(lines).noneMatch(line -> line.contains(Mock.TOKEN));
  }

  @Test
  void theHttpLoggerShowsBasicCredentialsRedacted() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(Mock.json(200, "[]"));
      QradarClient client =
          QradarClient.builder()
              .baseUrl(server.url("/").toString())
              .basicAuth("admin", "s3cret-pw")
              .apiVersion("20.0")
              .http(HttpSettings.builder().httpLogger(lines::add).build())
              .build();

      client.referenceSets().list();
    }

    assertThat(lines).contains("Authorization: ██");
    assertThat(lines).noneMatch(line -> line.contains("s3cret") || line.contains("YWRtaW46"));
  }
}

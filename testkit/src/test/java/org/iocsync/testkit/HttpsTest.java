package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

class HttpsTest {
  private final HeldCertificate certificate =
      new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
  private final HandshakeCertificates server =
      new HandshakeCertificates.Builder().heldCertificate(certificate).build();
  private final HandshakeCertificates trusting =
      new HandshakeCertificates.Builder().addTrustedCertificate(certificate.certificate()).build();
  private final OkHttpClient client =
      Http.CLIENT
          .newBuilder()
          .sslSocketFactory(trusting.sslSocketFactory(), trusting.trustManager())
          .build();

  @Test
  void servesMispOverHttpsWithTheGivenCertificate() throws IOException {
    try (FakeMisp misp = FakeMisp.builder().https(server.sslSocketFactory()).start()) {
      misp.seed(10);

      try (okhttp3.Response response =
          client
              .newCall(
                  Http.request(misp.url() + "/attributes/restSearch")
                      .header("Authorization", misp.apiKey())
                      .post(Http.json("{\"limit\": 5}"))
                      .build())
              .execute()) {
        assertThat(misp.url()).startsWith("https://127.0.0.1:");
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body().string()).contains("\"Attribute\":[{");
      }
      assertThatThrownBy(
              () ->
                  Http.CLIENT
                      .newCall(Http.request(misp.url() + "/servers/getVersion").build())
                      .execute())
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void servesQradarOverHttpsWithLocationsOnHttps() throws IOException {
    try (FakeQradar qradar = FakeQradar.builder().https(server.sslSocketFactory()).start()) {
      qradar.createSet("IPs", "IP");

      try (okhttp3.Response response =
          client
              .newCall(
                  Http.request(qradar.url() + "/api/reference_data/sets/IPs?purge_only=true")
                      .header("SEC", qradar.token())
                      .delete()
                      .build())
              .execute()) {
        assertThat(response.code()).isEqualTo(202);
        assertThat(response.header("Location")).startsWith("https://127.0.0.1:");
      }
    }
  }
}

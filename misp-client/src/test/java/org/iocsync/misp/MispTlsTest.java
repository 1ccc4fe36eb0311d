package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.KEY;
import static org.iocsync.misp.MispFixtures.json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.SSLException;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the client against MockWebServer over HTTPS, with certificates made for each run. */
class MispTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private final HeldCertificate serverCa =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Test MISP CA").build();
  private final HeldCertificate serverCertificate =
      new HeldCertificate.Builder()
          .addSubjectAlternativeName("127.0.0.1")
          .commonName("misp")
          .signedBy(serverCa)
          .build();
  private final HeldCertificate clientCa =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Test client CA").build();
  private final HeldCertificate clientCertificate =
      new HeldCertificate.Builder().commonName("ioc-sync").signedBy(clientCa).build();

  private final MockWebServer server = MispFixtures.startServer();
  private String httpsUrl = "";
  private Path caPem = Path.of("");

  @BeforeEach
  void serveHttps(@TempDir Path dir) throws IOException {
    HandshakeCertificates serverSide =
        new HandshakeCertificates.Builder()
            .heldCertificate(serverCertificate, serverCa.certificate())
            .addTrustedCertificate(clientCa.certificate())
            .build();
    server.useHttps(serverSide.sslSocketFactory());
    httpsUrl = "https://127.0.0.1:" + server.getPort() + "/";
    caPem = Files.writeString(dir.resolve("ca.pem"), serverCa.certificatePem());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void trustsAServerCertifiedByTheCaInAPemFile() {
    server.enqueue(json("{\"version\":\"2.5.1\"}"));

    MispVersion version = client(HttpSettings.builder().trustPem(caPem).build()).version();

    assertThat(version.version()).isEqualTo("2.5.1");
    RecordedRequest request = MispFixtures.take(server);
    assertThat(request.getHandshake()).isNotNull();
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(KEY);
  }

  @Test
  void refusesAServerItDoesNotTrust() {
    server.enqueue(json("{\"version\":\"2.5.1\"}"));

    assertThatThrownBy(() -> client(HttpSettings.defaults()).version())
        .isInstanceOfSatisfying(
            MispTransportException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(SSLException.class);
              assertThat(e)
                  .hasMessageStartingWith("The TLS handshake with MISP at " + httpsUrl + " failed")
                  .hasMessageContaining("HttpSettings.trustPem");
            });
  }

  @Test
  void reachesAnUntrustedServerOnlyWithTheExplicitLabOptOut() {
    server.enqueue(json("{\"version\":\"2.5.1\"}"));

    MispVersion version =
        client(HttpSettings.builder().trustAllCertificatesInsecurely().build()).version();

    assertThat(version.version()).isEqualTo("2.5.1");
  }

  @Test
  void presentsAClientCertificateWhenTheServerRequiresOne() throws Exception {
    server.requireClientAuth();
    server.enqueue(json("{\"version\":\"2.5.1\"}"));
    HttpSettings mutual =
        HttpSettings.builder()
            .trustPem(caPem)
            .clientCertificate(clientKeyStore(), PASSWORD)
            .build();

    MispVersion version = client(mutual).version();

    assertThat(version.version()).isEqualTo("2.5.1");
    RecordedRequest request = MispFixtures.take(server);
    assertThat(request.getHandshake()).isNotNull();
    assertThat(request.getHandshake().peerPrincipal()).isNotNull();
    assertThat(request.getHandshake().peerPrincipal().getName()).isEqualTo("CN=ioc-sync");
  }

  @Test
  void failsWithATransportErrorWhenTheServerRequiresACertificateAndNoneIsGiven() {
    server.requireClientAuth();
    server.enqueue(json("{\"version\":\"2.5.1\"}"));

    assertThatThrownBy(() -> client(HttpSettings.builder().trustPem(caPem).build()).version())
        .isInstanceOf(MispTransportException.class)
        .hasMessageContaining(httpsUrl);
  }

  private MispClient client(HttpSettings http) {
    return MispClient.builder().baseUrl(httpsUrl).apiKey(KEY).http(http).build();
  }

  private KeyStore clientKeyStore() throws GeneralSecurityException, IOException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "client",
        clientCertificate.keyPair().getPrivate(),
        PASSWORD,
        new Certificate[] {clientCertificate.certificate(), clientCa.certificate()});
    return keyStore;
  }
}

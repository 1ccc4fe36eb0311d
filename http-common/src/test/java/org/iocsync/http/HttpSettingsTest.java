package org.iocsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSettingsTest {
  private static final HeldCertificate CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Test CA").build();
  private static final HeldCertificate SERVER =
      new HeldCertificate.Builder().signedBy(CA).addSubjectAlternativeName("localhost").build();

  @StartStop private final MockWebServer server = new MockWebServer();
  @TempDir Path tempDir;

  @Test
  void defaultsAreSystemTrustAndModestTimeouts() {
    HttpSettings settings = HttpSettings.defaults();

    assertThat(settings.insecure()).isFalse();
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void trustsTheCaOfAPemFile() throws Exception {
    serveHttps();
    Path pem = tempDir.resolve("ca.pem");
    Files.writeString(pem, CA.certificatePem());
    server.enqueue(new MockResponse.Builder().body("ok").build());

    OkHttpClient client = HttpSettings.builder().trustPem(pem).build().newClient(Set.of());

    assertThat(get(client)).isEqualTo("ok");
  }

  @Test
  void refusesAServerWhoseCaIsNotTrusted() {
    serveHttps();

    OkHttpClient client = HttpSettings.defaults().newClient(Set.of());

    assertThatThrownBy(() -> get(client)).isInstanceOf(SSLException.class);
  }

  @Test
  void refusesAServerSignedByAnotherCaThanThePemOne() throws Exception {
    serveHttps();
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).build();
    Path pem = tempDir.resolve("other.pem");
    Files.writeString(pem, otherCa.certificatePem());

    OkHttpClient client = HttpSettings.builder().trustPem(pem).build().newClient(Set.of());

    assertThatThrownBy(() -> get(client)).isInstanceOf(SSLException.class);
  }

  @Test
  void insecureModeAcceptsAnyCertificate() throws Exception {
    HeldCertificate selfSigned = new HeldCertificate.Builder().commonName("lab").build();
    server.useHttps(
        new HandshakeCertificates.Builder().heldCertificate(selfSigned).build().sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body("lab").build());

    HttpSettings settings = HttpSettings.builder().trustAllCertificatesInsecurely().build();

    assertThat(settings.insecure()).isTrue();
    assertThat(get(settings.newClient(Set.of()))).isEqualTo("lab");
  }

  @Test
  void presentsAClientCertificateWhenTheServerRequiresOne() throws Exception {
    serveHttps();
    server.requireClientAuth();
    HeldCertificate clientCertificate =
        new HeldCertificate.Builder().signedBy(CA).commonName("ioc-sync").build();
    char[] password = "changeit".toCharArray();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "client",
        clientCertificate.keyPair().getPrivate(),
        password,
        new X509Certificate[] {clientCertificate.certificate(), CA.certificate()});
    Path pem = tempDir.resolve("ca.pem");
    Files.writeString(pem, CA.certificatePem());
    server.enqueue(new MockResponse.Builder().body("mutual").build());

    OkHttpClient withCertificate =
        HttpSettings.builder()
            .trustPem(pem)
            .clientCertificate(keyStore, password)
            .build()
            .newClient(Set.of());
    OkHttpClient without = HttpSettings.builder().trustPem(pem).build().newClient(Set.of());

    assertThat(get(withCertificate)).isEqualTo("mutual");
    assertThatThrownBy(() -> get(without)).isInstanceOf(IOException.class);
  }

  @Test
  void answersTheProxyChallengeWithCredentials() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(407)
            .addHeader("Proxy-Authenticate", "Basic realm=\"proxy\"")
            .build());
    server.enqueue(new MockResponse.Builder().body("through the proxy").build());

    OkHttpClient client =
        HttpSettings.builder()
            .proxy(server.getHostName(), server.getPort())
            .proxyCredentials("squid", "s3cret".toCharArray())
            .build()
            .newClient(Set.of());
    String body;
    try (Response response =
        client.newCall(new Request.Builder().url("http://misp.invalid/x").build()).execute()) {
      body = response.body().string();
    }

    assertThat(body).isEqualTo("through the proxy");
    RecordedRequest challenged = server.takeRequest();
    RecordedRequest answered = server.takeRequest();
    assertThat(challenged.getHeaders().get("Proxy-Authorization")).isNull();
    assertThat(answered.getHeaders().get("Proxy-Authorization"))
        .isEqualTo("Basic c3F1aWQ6czNjcmV0");
    assertThat(answered.getTarget()).isEqualTo("http://misp.invalid/x");
  }

  @Test
  void loggerRedactsTheNamedHeadersAndProxyCredentials() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    server.enqueue(new MockResponse.Builder().addHeader("Set-Cookie", "session=abc").build());
    OkHttpClient client =
        HttpSettings.builder().httpLogger(lines::add).build().newClient(Set.of("Authorization"));

    try (Response response =
        client
            .newCall(
                new Request.Builder()
                    .url(server.url("/servers/getVersion"))
                    .header("Authorization", "secret-misp-key")
                    .header("Accept", "application/json")
                    .build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(lines).anyMatch(line -> line.startsWith("--> GET"));
    assertThat(lines).contains("Authorization: ██", "Accept: application/json");
    assertThat(String.join("\n", lines)).doesNotContain("secret-misp-key", "session=abc");
  }

  @Test
  void sharesTheCallersConnectionPool() {
    OkHttpClient shared = new OkHttpClient();

    OkHttpClient client = HttpSettings.builder().okHttpClient(shared).build().newClient(Set.of());

    assertThat(client.connectionPool()).isSameAs(shared.connectionPool());
    assertThat(client.dispatcher()).isSameAs(shared.dispatcher());
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> HttpSettings.builder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> HttpSettings.builder().proxy("proxy", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxy port 0");
    assertThatThrownBy(() -> HttpSettings.builder().trustPem(tempDir.resolve("missing.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem");
  }

  @Test
  void refusesAPemFileWithoutCertificates() throws Exception {
    Path pem = tempDir.resolve("empty.pem");
    Files.writeString(pem, "");

    assertThatThrownBy(() -> HttpSettings.builder().trustPem(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem");
  }

  @Test
  void toStringHidesProxyCredentials() {
    HttpSettings settings =
        HttpSettings.builder()
            .proxy("proxy.example", 3128)
            .proxyCredentials("squid", "s3cret".toCharArray())
            .build();

    assertThat(settings.toString()).contains("proxy.example").doesNotContain("s3cret", "squid");
  }

  private void serveHttps() {
    server.useHttps(
        new HandshakeCertificates.Builder()
            .heldCertificate(SERVER, CA.certificate())
            .addTrustedCertificate(CA.certificate())
            .build()
            .sslSocketFactory());
  }

  private String get(OkHttpClient client) throws IOException {
    try (Response response =
        client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
      return response.body().string();
    }
  }
}

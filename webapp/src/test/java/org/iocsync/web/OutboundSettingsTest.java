package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.testkit.FakeMisp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboundSettingsTest {
  private static final String KEY = "k0k1k2k3k4k5k6k7k8k9k0k1k2k3k4k5k6k7k8k9";

  private final HeldCertificate certificate =
      new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
  private final List<String> proxied = new CopyOnWriteArrayList<>();
  private HttpServer proxy;

  @TempDir Path folder;

  @AfterEach
  void stopProxy() {
    if (proxy != null) {
      proxy.stop(0);
    }
  }

  @Test
  void prefersQradarsOwnVariablesToTheConventionalOnes() {
    OutboundSettings outbound =
        OutboundSettings.fromEnvironment(
            Map.of(
                "QRADAR_HTTPS_PROXY", "http://qradar-proxy:3128",
                "https_proxy", "http://lower:3128",
                "HTTP_PROXY", "http://upper:8080",
                "no_proxy", "console.example.org, .internal.example.org",
                "REQUESTS_CA_BUNDLE", "/etc/pki/tls/certs/ca-bundle.crt"));

    assertThat(outbound.httpsProxy().name()).isEqualTo("QRADAR_HTTPS_PROXY");
    assertThat(outbound.httpProxy().name()).isEqualTo("HTTP_PROXY");
    assertThat(outbound.noProxy()).containsExactly("console.example.org", ".internal.example.org");
    assertThat(outbound.caBundle()).isEqualTo(Path.of("/etc/pki/tls/certs/ca-bundle.crt"));
  }

  @Test
  void readsNoVariableAsNoProxyAndTheJdksTrust() {
    OutboundSettings outbound = OutboundSettings.fromEnvironment(Map.of("PATH", "/usr/bin"));

    assertThat(outbound).isEqualTo(OutboundSettings.NONE);
  }

  @Test
  void bypassesTheProxyForNamesDomainsAddressesRangesAndPorts() {
    OutboundSettings outbound =
        noProxy(
            "console.example.org, .corp.example.org, *.lab.example.org, 10.0.0.0/8,"
                + " 192.0.2.7, misp.example.net:8443, [fd00::1], fd12::/16");

    assertThat(outbound.bypasses("console.example.org", 443)).isTrue();
    assertThat(outbound.bypasses("CONSOLE.example.org.", 443)).isTrue();
    assertThat(outbound.bypasses("misp.corp.example.org", 443)).isTrue();
    assertThat(outbound.bypasses("corp.example.org", 443)).isTrue();
    assertThat(outbound.bypasses("a.lab.example.org", 443)).isTrue();
    assertThat(outbound.bypasses("10.20.30.40", 443)).isTrue();
    assertThat(outbound.bypasses("192.0.2.7", 443)).isTrue();
    assertThat(outbound.bypasses("misp.example.net", 8443)).isTrue();
    assertThat(outbound.bypasses("[fd00::1]", 443)).isTrue();
    assertThat(outbound.bypasses("fd12:3456::9", 443)).isTrue();

    assertThat(outbound.bypasses("evilconsole.example.org", 443)).isFalse();
    assertThat(outbound.bypasses("misp.example.net", 443)).isFalse();
    assertThat(outbound.bypasses("11.0.0.1", 443)).isFalse();
    assertThat(outbound.bypasses("192.0.2.8", 443)).isFalse();
    assertThat(outbound.bypasses("misp.example.com", 443)).isFalse();
    assertThat(noProxy("*").bypasses("anything.example", 80)).isTrue();
  }

  @Test
  void sendsPlainHttpThroughTheProxyWithItsCredentials() throws IOException {
    int port = startProxy();
    ClientConnectors connectors =
        new ClientConnectors(
            OutboundSettings.fromEnvironment(
                Map.of("http_proxy", "http://ioc%2Bsync:s3cr%3At+x@127.0.0.1:" + port)));

    String answer =
        connectors.testMisp(
            new ConnectionSettings("http://misp.example.invalid", null, true, null),
            new Secret(KEY));

    assertThat(answer).isEqualTo("MISP 2.5.1");
    assertThat(proxied)
        .containsExactly(
            "GET http://misp.example.invalid/servers/getVersion without credentials",
            "GET http://misp.example.invalid/servers/getVersion as ioc+sync:s3cr:t+x");
  }

  @Test
  void goesStraightToHostsThatNoProxyNames() throws IOException {
    int port = startProxy();
    try (FakeMisp misp = FakeMisp.start()) {
      ClientConnectors connectors =
          new ClientConnectors(
              OutboundSettings.fromEnvironment(
                  Map.of("HTTP_PROXY", "127.0.0.1:" + port, "NO_PROXY", "localhost,127.0.0.1")));

      String answer =
          connectors.testMisp(
              new ConnectionSettings(misp.url(), null, true, null), new Secret(misp.apiKey()));

      assertThat(answer).startsWith("MISP ");
      assertThat(proxied).isEmpty();
    }
  }

  @Test
  void trustsTheCaBundleForServersWithoutACertificateOfTheirOwn() throws IOException {
    Path bundle = folder.resolve("ca-bundle.crt");
    Files.writeString(bundle, certificate.certificatePem());
    try (FakeMisp misp =
        FakeMisp.builder().https(serverCertificates().sslSocketFactory()).start()) {
      ConnectionSettings settings = new ConnectionSettings(misp.url(), null, true, null);
      Secret key = new Secret(misp.apiKey());

      String trusted =
          new ClientConnectors(
                  OutboundSettings.fromEnvironment(Map.of("REQUESTS_CA_BUNDLE", bundle.toString())))
              .testMisp(settings, key);

      assertThat(trusted).startsWith("MISP ");
      assertThatThrownBy(() -> new ClientConnectors().testMisp(settings, key))
          .hasMessageContaining("certificate");
    }
  }

  @Test
  void keepsAConnectionsOwnCertificateOverTheBundle() throws IOException {
    Path otherBundle = folder.resolve("other.crt");
    Files.writeString(
        otherBundle,
        new HeldCertificate.Builder()
            .addSubjectAlternativeName("127.0.0.1")
            .build()
            .certificatePem());
    try (FakeMisp misp =
        FakeMisp.builder().https(serverCertificates().sslSocketFactory()).start()) {
      ConnectionSettings ownCa =
          new ConnectionSettings(misp.url(), null, true, certificate.certificatePem());

      String answer =
          new ClientConnectors(
                  OutboundSettings.fromEnvironment(
                      Map.of("REQUESTS_CA_BUNDLE", otherBundle.toString())))
              .testMisp(ownCa, new Secret(misp.apiKey()));

      assertThat(answer).startsWith("MISP ");
    }
  }

  @Test
  void namesTheVariableWhenTheCaBundleCannotBeRead() {
    ClientConnectors connectors =
        new ClientConnectors(
            OutboundSettings.fromEnvironment(
                Map.of("REQUESTS_CA_BUNDLE", folder.resolve("missing.crt").toString())));

    assertThatThrownBy(
            () ->
                connectors.testMisp(
                    new ConnectionSettings("https://misp.example.org", null, true, null),
                    new Secret(KEY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("REQUESTS_CA_BUNDLE: Cannot read CA certificates from ")
        .hasMessageEndingWith("point it at a PEM file of certificates");
  }

  @Test
  void refusesUnusableProxyAddressesWithoutRepeatingThem() {
    ConnectionSettings misp = new ConnectionSettings("https://misp.example.org", null, true, null);

    assertThatThrownBy(
            () ->
                new ClientConnectors(
                        OutboundSettings.fromEnvironment(
                            Map.of("HTTPS_PROXY", "https://user:hunter2@proxy.example.org:3128")))
                    .testMisp(misp, new Secret(KEY)))
        .hasMessage(
            "HTTPS_PROXY names a proxy reached by https, which is not supported: give the proxy's"
                + " http:// address: use one such as http://proxy.example.org:3128")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () ->
                new ClientConnectors(
                        OutboundSettings.fromEnvironment(
                            Map.of("https_proxy", "http://us er:hunter2@pro xy")))
                    .testMisp(misp, new Secret(KEY)))
        .hasMessage(
            "https_proxy is not a proxy address: use one such as http://proxy.example.org:3128");
    assertThat(OutboundSettings.fromEnvironment(Map.of("https_proxy", "http://u:hunter2@p:1")))
        .asString()
        .doesNotContain("hunter2");
  }

  private static OutboundSettings noProxy(String entries) {
    return OutboundSettings.fromEnvironment(
        Map.of("HTTPS_PROXY", "http://proxy.example.org:3128", "NO_PROXY", entries));
  }

  private HandshakeCertificates serverCertificates() {
    return new HandshakeCertificates.Builder().heldCertificate(certificate).build();
  }

  /**
   * An HTTP proxy that asks for credentials once, then answers as MISP would, and logs each call.
   */
  private int startProxy() throws IOException {
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          String authorization = exchange.getRequestHeaders().getFirst("Proxy-Authorization");
          String who =
              authorization == null
                  ? "without credentials"
                  : "as "
                      + new String(
                          java.util.Base64.getDecoder()
                              .decode(authorization.substring("Basic ".length())),
                          StandardCharsets.UTF_8);
          proxied.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + who);
          if (authorization == null) {
            exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"proxy\"");
            exchange.sendResponseHeaders(407, -1);
          } else {
            byte[] body = "{\"version\": \"2.5.1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    proxy.start();
    return proxy.getAddress().getPort();
  }
}

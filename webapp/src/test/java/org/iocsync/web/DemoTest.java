package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.iocsync.core.RunKind;
import org.iocsync.core.Server;
import org.iocsync.testkit.FakeMisp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's fakes behind the real web server, reached through the real clients. */
class DemoTest {
  @TempDir Path stateDir;

  private DemoServers servers;
  private WebComponent component;
  private WebServer server;
  private WebClient client;

  @BeforeEach
  void start() {
    servers = DemoServers.start();
    component =
        DaggerWebComponent.builder()
            .settings(WebSettings.fromEnvironment(Map.of(), "127.0.0.1", 0, stateDir))
            .clock(Clock.systemUTC())
            .connectors(new ClientConnectors())
            .demo(Optional.of(servers))
            .build();
    server = component.server();
    servers.configure(component.service());
    server.start();
    component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
    client = new WebClient(server.port());
    String csrf = client.get("/login").csrf();
    client.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));
  }

  @AfterEach
  void stop() {
    server.close();
    servers.close();
  }

  @Test
  void seedsAFewHundredAttributesAndFourJobs() {
    assertThat(servers.misp.attributeCount()).isGreaterThan(DemoServers.SEEDED);
    assertThat(component.service().jobs())
        .extracting(job -> job.name())
        .containsExactlyInAnyOrder("malicious-ips", "bad-domains", "file-hashes", "phishing-urls");
    assertThat(component.service().ready()).isTrue();
  }

  @Test
  void bothConnectionsTestGreenThroughTheRealClients() {
    assertThat(component.service().test(Server.MISP)).isEqualTo("MISP 2.5.1");
    assertThat(component.service().test(Server.QRADAR)).startsWith("QRadar API ");
  }

  @Test
  void offersTheFakeMispsTypesInTheJobForm() {
    String page = client.get("/").body();

    assertThat(page).contains("<option value=\"ip-dst|port\">ip-dst|port</option>");
    assertThat(component.service().mispTypes()).hasSizeGreaterThan(150);
  }

  @Test
  void showsTheFakeServersWithHostileValuesAsText() {
    String page = client.get("/demo").body();

    assertThat(page)
        .contains("id=\"demo-misp\"")
        .contains("203.0.113.77")
        .contains("&lt;script&gt;alert(&#39;demo&#39;)&lt;/script&gt;.example")
        .doesNotContain("<script>alert(")
        .contains("No reference set yet");
  }

  @Test
  void deletesAnAttributeInTheFakeMisp() {
    FakeMisp.Attribute first = servers.misp.attributes(servers.watchedEvent).get(0);
    String csrf = client.get("/demo").csrf();

    WebClient.Answer answer =
        client.postForm("/demo/attributes/" + first.uuid() + "/delete", Map.of("csrf", csrf));
    client.postForm(
        "/demo/attributes/"
            + servers.misp.attributes(servers.watchedEvent).get(1).uuid()
            + "/no-ids",
        Map.of("csrf", csrf));

    assertThat(answer.code()).isEqualTo(303);
    assertThat(servers.misp.attribute(first.uuid()).orElseThrow().deleted()).isTrue();
    assertThat(servers.misp.attributes(servers.watchedEvent).get(1).toIds()).isFalse();
    assertThat(client.postForm("/demo/attributes/nope/delete", Map.of("csrf", csrf)).code())
        .isEqualTo(404);
  }

  @Test
  void iocsFlowIntoTheFakeQradarAndDeletionsFlowOut() {
    FakeMisp.Attribute watched = servers.misp.attributes(servers.watchedEvent).get(0);
    assertThat(watched.value()).isEqualTo("203.0.113.77");

    assertThat(component.service().runSoon("malicious-ips", RunKind.FULL)).isTrue();
    await(
        () ->
            servers.qradar.set("MISP malicious IPs").isPresent()
                && servers.qradar.contains("MISP malicious IPs", "203.0.113.77"));
    await(() -> !component.service().busy("malicious-ips"));
    servers.misp.deleteAttribute(watched.uuid());
    component.service().runSoon("malicious-ips", RunKind.FULL);
    await(() -> !servers.qradar.contains("MISP malicious IPs", "203.0.113.77"));

    assertThat(servers.qradar.values("MISP malicious IPs")).contains("198.51.100.23");
    assertThat(servers.qradar.values("MISP malicious IPs")).doesNotContain("107.183.86");
    assertThat(client.get("/demo").body()).contains("MISP malicious IPs");
  }

  private static void await(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The condition never held");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  @Test
  void theDemoPageExistsOnlyInTheDemo() {
    try (TestServer plain = TestServer.standalone(stateDir.resolve("plain"))) {
      assertThat(plain.loggedIn().get("/demo").code()).isEqualTo(404);
    }
  }
}

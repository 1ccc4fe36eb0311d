package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunRecord;
import org.iocsync.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sync --store-url} and two web servers on one real PostgreSQL database, against the
 * in-memory servers.
 */
@ExtendWith(PostgresCluster.Available.class)
class SharedStoreTest {
  private static final String JOB =
      """
      {"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
       "types": ["ip-src", "ip-dst"]}
      """;

  @TempDir Path folder;

  private final MemoryConnectors connectors = new MemoryConnectors();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<AutoCloseable> running = new ArrayList<>();
  private Map<String, String> env;
  private String url;
  private Path config;

  @BeforeEach
  void setUp(PostgresCluster cluster) throws Exception {
    url = cluster.url(cluster.createDatabase());
    Path password = folder.resolve("db.password");
    Files.writeString(password, PostgresCluster.PASSWORD + "\n");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env = new HashMap<>();
    env.put(StoreSettings.USER_VARIABLE, PostgresCluster.USER);
    env.put(StoreSettings.PASSWORD_FILE_VARIABLE, password.toString());
    env.put(StoreSettings.KEY_VARIABLE, Base64.getEncoder().encodeToString(key));
    Files.writeString(folder.resolve("misp.key"), "k".repeat(40));
    Files.writeString(folder.resolve("qradar.token"), "t".repeat(36));
    config = folder.resolve("ioc-sync.json");
    writeConfig("");
    connectors.misp.add("a1", "ip-src", "203.0.113.7", true);
    connectors.misp.add("a2", "ip-dst", "198.51.100.9", true);
  }

  @AfterEach
  void stop() throws Exception {
    connectors.misp.release();
    for (AutoCloseable closeable : running) {
      closeable.close();
    }
  }

  @Test
  void syncWithStoreUrlKeepsItsStateInPostgres() throws Exception {
    env.put(StoreSettings.INSTANCE_VARIABLE, "cli-a");

    assertThat(sync("--store-url", url)).isEqualTo(Main.OK);
    connectors.misp.delete("a1");
    assertThat(sync("--store-url", url, "--full")).isEqualTo(Main.OK);

    assertThat(connectors.qradar.sorted("MISP IPs")).containsExactly("198.51.100.9");
    assertThat(out()).startsWith("ips: ok").contains("removed 1");
    assertThat(folder.resolve("state")).doesNotExist();
    try (var store = StoreSettings.resolve(null, url, env).orElseThrow().open()) {
      assertThat(store.recentRuns(10))
          .hasSize(2)
          .allSatisfy(run -> assertThat(run.instance()).isEqualTo("cli-a"));
    }
  }

  @Test
  void storeUrlReplacesTheUrlOfTheStoreSection() throws Exception {
    Path key = Files.write(folder.resolve("secret.key"), new byte[32]);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    writeConfig(
        """
        , "store": {"url": "jdbc:postgresql://127.0.0.1:1/nowhere", "user": "%s",
                    "passwordFile": "db.password", "keyFile": "secret.key",
                    "instance": "from-file"}
        """
            .formatted(PostgresCluster.USER));

    assertThat(sync("--store-url", url)).isEqualTo(Main.OK);

    assertThat(connectors.qradar.sorted("MISP IPs")).containsExactly("198.51.100.9", "203.0.113.7");
    assertThat(sync()).isEqualTo(Main.FAILED);
    assertThat(err()).contains("Cannot start the sync").doesNotContain(PostgresCluster.PASSWORD);
  }

  @Test
  void twoServersShareJobsHistoryAndOneRunAtATime() throws Exception {
    WebComponent a = serve("web-a");
    WebComponent b = serve("web-b");
    ConnectionSettings misp = new ConnectionSettings("https://misp.example.org", null, true, null);
    ConnectionSettings qradar =
        new ConnectionSettings("https://qradar.example.org", null, true, null);
    a.service().saveConnection(Server.MISP, misp, new Secret("k".repeat(40)));
    a.service().saveConnection(Server.QRADAR, qradar, new Secret("t".repeat(36)));
    WebClient clientA = loggedIn(a);
    WebClient clientB = loggedIn(b);
    Map<String, String> csrfA = Map.of("X-CSRF-Token", clientA.get("/").csrf());
    Map<String, String> csrfB = Map.of("X-CSRF-Token", clientB.get("/").csrf());
    assertThat(clientA.json("POST", "/api/jobs", JOB, csrfA).code()).isEqualTo(201);

    assertThat(clientB.get("/api/jobs").body()).contains("\"name\":\"ips\"");
    assertThat(b.service().ready()).isTrue();

    connectors.misp.hold();
    assertThat(a.service().runSoon("ips", RunKind.FULL)).isTrue();
    assertThat(connectors.misp.awaitRead()).isTrue();
    WebClient.Answer busy = clientB.json("POST", "/api/jobs/ips/dry-run", "", csrfB);
    assertThat(busy.code()).isEqualTo(409);
    assertThat(busy.body()).contains("is being run by instance 'web-a'");
    WebClient.Answer runNow = clientB.json("POST", "/api/jobs/ips/run", "", csrfB);
    assertThat(runNow.code()).isEqualTo(409);
    assertThat(runNow.body()).contains("is being run by instance 'web-a'");
    env.put(StoreSettings.INSTANCE_VARIABLE, "cli");
    assertThat(sync("--store-url", url)).isEqualTo(Main.FAILED);
    assertThat(out()).startsWith("ips: failed").contains("is being run by instance 'web-a'");
    connectors.misp.release();
    awaitRuns(b, 1);

    assertThat(b.service().runSoon("ips", RunKind.FULL)).isTrue();
    awaitRuns(a, 2);
    String runs = clientA.get("/api/runs").body();
    assertThat(runs).contains("\"instance\":\"web-a\"").contains("\"instance\":\"web-b\"");
    assertThat(clientB.get("/").body())
        .contains("<th>Instance</th>")
        .contains("<td class=\"instance\">web-a</td>")
        .contains("<td class=\"instance\">web-b</td>");
    assertThat(connectors.qradar.sorted("MISP IPs")).containsExactly("198.51.100.9", "203.0.113.7");
  }

  private WebComponent serve(String instance) {
    env.put(StoreSettings.INSTANCE_VARIABLE, instance);
    StoreSettings store = StoreSettings.resolve(null, url, env).orElseThrow();
    WebComponent component =
        DaggerWebComponent.builder()
            .settings(
                WebSettings.fromEnvironment(Map.of(), "127.0.0.1", 0, folder.resolve(instance))
                    .withStore(store))
            .clock(Clock.systemUTC())
            .connectors(connectors)
            .demo(Optional.empty())
            .build();
    WebServer server = component.server().start();
    running.add(server);
    return component;
  }

  private static WebClient loggedIn(WebComponent component) {
    component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
    WebClient client = new WebClient(component.server().port());
    String csrf = client.get("/login").csrf();
    WebClient.Answer answer =
        client.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));
    assertThat(answer.code()).isEqualTo(303);
    return client;
  }

  /** Waits until the shared history holds {@code count} finished runs. */
  private static void awaitRuns(WebComponent component, int count) {
    awaitTrue(
        () -> {
          List<RunRecord> runs = component.service().store().recentRuns(10);
          return runs.size() == count && runs.stream().allMatch(run -> run.endedAt() != null);
        });
  }

  private static void awaitTrue(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not reached within 30 s");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private void writeConfig(String store) throws Exception {
    Files.writeString(
        config,
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [%s]%s}
        """
            .formatted(JOB, store));
  }

  private int sync(String... options) {
    out.reset();
    err.reset();
    List<String> args =
        new ArrayList<>(
            List.of(
                "sync", "--config", config.toString(), "--state-dir=" + folder.resolve("state")));
    args.addAll(List.of(options));
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            new CoreRunners(connectors, Clock.systemUTC()));
    return Main.run(args.toArray(String[]::new), console);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}

package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ioc-sync sync} with the core's real engine and store, on in-memory servers. */
class SyncWithEngineTest {
  @TempDir Path folder;

  private final MemoryConnectors connectors = new MemoryConnectors();
  private final MemoryMisp misp = connectors.misp;
  private final MemoryQradar qradar = connectors.qradar;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path config;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(folder.resolve("misp.key"), "k".repeat(40));
    Files.writeString(folder.resolve("qradar.token"), "t".repeat(36));
    config = folder.resolve("ioc-sync.json");
    Files.writeString(
        config,
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [{"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
                   "types": ["ip-src", "ip-dst"]}]}
        """);
    misp.add("a1", "ip-src", "203.0.113.7", true);
    misp.add("a2", "ip-dst", "198.51.100.9", true);
    misp.add("a3", "ip-dst", "01.2.3.4", true);
    misp.add("a4", "ip-src", "192.0.2.1", false);
  }

  @Test
  void addsTheDesiredValuesAndReportsWhatItSkipped() {
    int code = sync("--json");

    assertThat(code).isEqualTo(0);
    assertThat(qradar.sorted("MISP IPs")).containsExactly("198.51.100.9", "203.0.113.7");
    assertThat(out())
        .startsWith("{\"jobs\":[{\"name\":\"ips\",\"status\":\"ok\",\"fetched\":4,\"desired\":2,")
        .contains("\"added\":2,\"removed\":0,\"skipped\":2")
        .contains("\"not-ids\":1")
        .contains("\"invalid-value\":1")
        .endsWith("\"error\":null}]}\n");
  }

  @Test
  void withdrawsWhatMispDeletedOnTheNextFullRun() {
    sync("--json");
    misp.delete("a1");

    int code = sync("--json", "--full");

    assertThat(code).isEqualTo(0);
    assertThat(qradar.sorted("MISP IPs")).containsExactly("198.51.100.9");
    assertThat(out()).contains("\"removed\":1");
  }

  @Test
  void dryRunWritesNothing() {
    int code = sync("--json", "--dry-run");

    assertThat(code).isEqualTo(0);
    assertThat(out()).contains("\"added\":2");
    assertThat(qradar.sorted("MISP IPs")).isEmpty();
    assertThat(sync("--json")).isEqualTo(0);
    assertThat(out()).contains("\"added\":2");
  }

  @Test
  void exitsWithOneAndSaysWhyWhenQradarRefuses() {
    qradar.refuse(true);

    int code = sync("--json");

    assertThat(code).isEqualTo(1);
    assertThat(out())
        .contains("\"status\":\"failed\"")
        .contains("the token is not valid; renew it");
  }

  @Test
  void keepsItsStateInTheStateDirectory() {
    sync();

    assertThat(folder.resolve("state").resolve("ioc-sync.db")).exists();
    assertThat(out()).startsWith("ips: ok, fetched 4, desired 2, added 2, removed 0, skipped 2");
  }

  private int sync(String... options) {
    out.reset();
    String[] args = new String[options.length + 4];
    args[0] = "sync";
    args[1] = "--config";
    args[2] = config.toString();
    args[3] = "--state-dir=" + folder.resolve("state");
    System.arraycopy(options, 0, args, 4, options.length);
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            new CoreRunners(connectors, Clock.systemUTC()));
    return Main.run(args, console);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }
}

package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunOutcome;
import org.iocsync.core.RunReport;
import org.iocsync.core.SkipReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  private static final String KEY = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
  private static final String TOKEN = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

  @TempDir Path folder;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> ran = new ArrayList<>();
  private final List<String> failing = new ArrayList<>();
  private Path config;

  @BeforeEach
  void writeConfig() throws Exception {
    Files.writeString(folder.resolve("misp.key"), KEY);
    Files.writeString(folder.resolve("qradar.token"), TOKEN);
    config = folder.resolve("ioc-sync.json");
    Files.writeString(
        config,
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [
           {"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
            "types": ["ip-src", "ip-dst"]},
           {"name": "domains", "referenceSet": "MISP domains", "types": ["domain"]}
         ]}
        """);
  }

  @Test
  void printsTheJsonSummaryOnStandardOutput() {
    int code = run("sync", "--config", config.toString(), "--json");

    assertThat(code).isEqualTo(0);
    assertThat(out())
        .isEqualTo(
            "{\"jobs\":["
                + "{\"name\":\"ips\",\"status\":\"ok\",\"fetched\":12,\"desired\":7,\"added\":5,"
                + "\"removed\":1,\"skipped\":5,"
                + "\"skippedByReason\":{\"not-ids\":3,\"invalid-value\":2},\"error\":null},"
                + "{\"name\":\"domains\",\"status\":\"ok\",\"fetched\":12,\"desired\":7,"
                + "\"added\":5,\"removed\":1,\"skipped\":5,"
                + "\"skippedByReason\":{\"not-ids\":3,\"invalid-value\":2},\"error\":null}"
                + "]}\n");
    assertThat(ran).containsExactly("ips incremental write", "domains incremental write");
  }

  @Test
  void runsOneJobInFullAsADryRun() {
    int code =
        run("sync", "--config", config.toString(), "--job", "domains", "--full", "--dry-run");

    assertThat(code).isEqualTo(0);
    assertThat(ran).containsExactly("domains full dry");
    assertThat(out())
        .isEqualTo(
            "domains: ok, fetched 12, desired 7, would add 5, would remove 1, skipped 5"
                + " (not-ids 3, invalid-value 2)\n");
  }

  @Test
  void exitsWithOneWhenAJobFails() {
    failing.add("ips");

    int code = run("sync", "--config", config.toString(), "--json");

    assertThat(code).isEqualTo(1);
    assertThat(out())
        .contains(
            "{\"name\":\"ips\",\"status\":\"failed\",\"fetched\":0,\"desired\":0,\"added\":0,"
                + "\"removed\":0,\"skipped\":0,\"skippedByReason\":{},"
                + "\"error\":\"QRadar refused the token: renew it\"}")
        .contains("{\"name\":\"domains\",\"status\":\"ok\"");
    assertThat(ran).hasSize(2);
  }

  @Test
  void exitsWithOneWhenARunThrows() {
    failing.add("throw");

    int code = run("sync", "--config", config.toString(), "--json", "--job", "ips");

    assertThat(code).isEqualTo(1);
    assertThat(out()).contains("\"status\":\"failed\"").contains("\"error\":\"disk full\"");
  }

  @Test
  void exitsWithTwoForAnUnknownJob() {
    int code = run("sync", "--config", config.toString(), "--job", "hashes");

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("--job: \"hashes\" is not a job of")
        .contains("use one of ips, domains");
    assertThat(out()).isEmpty();
    assertThat(ran).isEmpty();
  }

  @Test
  void exitsWithTwoForABadConfigNamingTheField() throws Exception {
    Files.writeString(
        config,
        Files.readString(config).replace("\"types\": [\"domain\"]", "\"types\": [\"domian\"]"));

    int code = run("sync", "--config", config.toString(), "--json");

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("$.jobs[1].types: unknown MISP type \"domian\": did you mean \"domain\"?");
    assertThat(out()).isEmpty();
    assertThat(ran).isEmpty();
  }

  @Test
  void exitsWithTwoForAMissingConfig() {
    int code = run("sync", "--config", folder.resolve("none.json").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("none.json: $: does not exist");
  }

  @Test
  void exitsWithTwoForUsageErrors() {
    assertThat(run("sync")).isEqualTo(2);
    assertThat(err()).contains("Missing required option: '--config=FILE'");

    assertThat(run("sync", "--config", config.toString(), "--mips-key", KEY)).isEqualTo(2);
    assertThat(err())
        .contains("Unknown option(s): --mips-key; and 1 unexpected argument(s), not shown")
        .doesNotContain(KEY);

    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("Name a command: sync, serve or demo");
    assertThat(out()).isEmpty();
  }

  @Test
  void refusesSecretsOnTheCommandLine() {
    int code = run("sync", "--config", config.toString(), "--misp-key=" + KEY, TOKEN);

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("Secrets are never accepted on the command line");
    assertThat(err()).doesNotContain(KEY).doesNotContain(TOKEN);
    assertThat(ran).isEmpty();
  }

  @Test
  void explainsEachCommandWithHelp() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out()).contains("sync").contains("serve").contains("Exit codes");
    out.reset();

    assertThat(run("sync", "--help")).isEqualTo(0);
    assertThat(out())
        .contains("--config=FILE")
        .contains("--state-dir=DIR")
        .contains("--job=NAME")
        .contains("--dry-run")
        .contains("--full")
        .contains("--json");
    out.reset();

    assertThat(run("serve", "--help")).isEqualTo(0);
    assertThat(out()).contains("--port=N").contains("--bind=ADDR").contains("--config=FILE");
  }

  @Test
  void serveRefusesABadConfigBeforeListening() throws Exception {
    Files.writeString(config, "{\"misp\": {}}");

    int code = run("serve", "--config", config.toString(), "--port", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("$.misp.url: is missing");
  }

  @Test
  void serveRefusesABadPort() {
    assertThat(run("serve", "--port", "70000")).isEqualTo(2);
    assertThat(err()).contains("--port: 70000 is not a port");

    assertThat(run("serve", "--port", "eighty")).isEqualTo(2);
  }

  @Test
  void secretsNeverReachEitherStream() throws Exception {
    failing.add("ips");

    run("sync", "--config", config.toString(), "--json");
    Files.writeString(config, Files.readString(config).replace("\"IP\"", "\"IPV4\""));
    run("sync", "--config", config.toString());

    assertThat(out() + err()).doesNotContain(KEY).doesNotContain(TOKEN);
  }

  private int run(String... args) {
    err.reset();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            this::runner);
    return Main.run(args, console);
  }

  private JobRunner runner(SyncConfig config, Path stateDir) {
    assertThat(config.mispKey().reveal()).isEqualTo(KEY);
    return new JobRunner() {
      @Override
      public RunReport run(JobSpec job, boolean full, boolean dryRun) {
        ran.add(job.name() + (full ? " full" : " incremental") + (dryRun ? " dry" : " write"));
        if (failing.contains("throw")) {
          throw new IllegalStateException("disk full");
        }
        boolean ok = !failing.contains(job.name());
        Instant now = Instant.parse("2026-01-05T10:00:00Z");
        return new RunReport(
            job.name(),
            full ? RunKind.FULL : RunKind.INCREMENTAL,
            dryRun,
            ok ? RunOutcome.OK : RunOutcome.FAILED,
            now,
            now,
            ok ? 12 : 0,
            ok ? 7 : 0,
            ok ? 5 : 0,
            ok ? 1 : 0,
            ok ? 5 : 0,
            ok ? Map.of(SkipReason.INVALID_VALUE, 2L, SkipReason.NOT_IDS, 3L) : Map.of(),
            ok ? null : "QRadar refused the token: renew it",
            List.of(),
            List.of(),
            Map.of());
      }

      @Override
      public void close() {}
    };
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}

package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FakeServersTest {
  @Test
  void startsBothFakesSeededAndDescribesThem() throws IOException {
    try (FakeServers servers =
        FakeServers.start(
            "--attributes", "500", "--misp-key", "k".repeat(40), "--qradar-token", "t0ken")) {
      Map<String, String> summary = parse(servers.summary());

      assertThat(summary)
          .containsEntry("misp.url", servers.misp().url())
          .containsEntry("misp.key", "k".repeat(40))
          .containsEntry("qradar.url", servers.qradar().url())
          .containsEntry("qradar.token", "t0ken");
      assertThat(Integer.parseInt(summary.get("misp.attributes"))).isGreaterThan(500);
      Http.Answer versions =
          Http.call(
              Http.request(servers.qradar().url() + "/api/help/versions")
                  .header("SEC", "t0ken")
                  .build());
      assertThat(versions.code()).isEqualTo(200);
    }
  }

  @Test
  void leavesOutTheSamplesWhenAsked() {
    try (FakeServers servers = FakeServers.start("--attributes", "10", "--no-samples")) {
      assertThat(servers.misp().attributeCount()).isEqualTo(10);
    }
  }

  @Test
  void refusesBadOptionsNamingThem() {
    assertThatThrownBy(() -> FakeServers.start("--attributes", "many"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--attributes must be a whole number from 0 to 50000000, was many.")
        .hasMessageContaining("Usage: FakeServers");
    assertThatThrownBy(() -> FakeServers.start("--colour", "red"))
        .hasMessageStartingWith("Unknown option --colour.");
    assertThatThrownBy(() -> FakeServers.start("--seed"))
        .hasMessageStartingWith("--seed needs a value.");
  }

  @Test
  @Timeout(60)
  void runsAsItsOwnProcessFromMain() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                FakeServers.class.getName(),
                "--attributes",
                "100")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder printed = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("Running")) {
          break;
        }
        printed.append(line).append('\n');
      }
      Map<String, String> summary = parse(printed.toString());

      Http.Answer version =
          Http.call(
              Http.request(summary.get("misp.url") + "/servers/getVersion")
                  .header("Authorization", summary.get("misp.key"))
                  .build());
      assertThat(version.code()).as(printed.toString()).isEqualTo(200);
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @Timeout(60)
  void exitsWith2OnABadOption() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FakeServers.class.getName(),
                "--bogus",
                "1")
            .redirectErrorStream(true)
            .start();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("Unknown option --bogus.");
  }

  private static Map<String, String> parse(String summary) {
    Map<String, String> values = new HashMap<>();
    for (String line : summary.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 1).trim());
      }
    }
    return values;
  }
}

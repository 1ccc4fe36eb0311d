package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code ioc-sync.jar} as a separate process, as an operator would. */
class JarIT {
  private static final Path JAR = Path.of("target", "ioc-sync.jar");

  @TempDir Path folder;

  @Test
  void printsHelpAndExitsWithZero() throws Exception {
    Result result = run("--help");

    assertThat(result.code()).isEqualTo(0);
    assertThat(result.out()).contains("Usage: ioc-sync").contains("sync").contains("serve");
  }

  @Test
  void exitsWithTwoAndNamesTheFieldOfABadConfig() throws Exception {
    Path config = folder.resolve("bad.json");
    Files.writeString(
        config,
        """
        {"misp": {"url": "https://misp.example.org"},
         "qradar": {"url": "https://qradar.example.org"},
         "jobs": [{"name": "a", "referenceSet": "A", "intervalMinutes": "often"}]}
        """);

    Result result = run("sync", "--config", config.toString(), "--json");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .contains("$.jobs[0].intervalMinutes: is a string: a whole number is needed")
        .contains("$.misp.keyFile: names no file and MISP_KEY is not set");
  }

  @Test
  void syncsTheFakeMispIntoTheFakeQradarAndPrintsTheJsonSummary() throws Exception {
    try (FakeMisp misp = FakeMisp.start();
        FakeQradar qradar = FakeQradar.start()) {
      long event = misp.addEvent(FakeMisp.event("Phishing wave"));
      misp.addAttribute(event, "ip-dst", "203.0.113.7");
      misp.addAttribute(event, "ip-src", "198.51.100.9");
      misp.addAttribute(event, "ip-dst", "01.2.3.4");
      Path config = config(misp, qradar, qradar.token());

      Result result = run("sync", "--config", config.toString(), "--state-dir", state(), "--json");

      assertThat(result.code()).as(result.err()).isEqualTo(0);
      assertThat(result.out())
          .isEqualTo(
              "{\"jobs\":[{\"name\":\"ips\",\"status\":\"ok\",\"fetched\":3,\"desired\":2,"
                  + "\"added\":2,\"removed\":0,\"skipped\":1,"
                  + "\"skippedByReason\":{\"invalid-value\":1},\"error\":null}]}\n");
      assertThat(qradar.values("MISP IPs"))
          .containsExactlyInAnyOrder("203.0.113.7", "198.51.100.9");
      assertThat(result.err()).doesNotContain(misp.apiKey()).doesNotContain(qradar.token());
    }
  }

  @Test
  void exitsWithOneWhenQradarRefusesTheToken() throws Exception {
    try (FakeMisp misp = FakeMisp.start();
        FakeQradar qradar = FakeQradar.start()) {
      Path config = config(misp, qradar, "not-the-token");

      Result result = run("sync", "--config", config.toString(), "--state-dir", state(), "--json");

      assertThat(result.code()).isEqualTo(1);
      assertThat(result.out()).contains("\"status\":\"failed\"").contains("\"error\":\"");
      assertThat(result.out() + result.err()).doesNotContain("not-the-token");
    }
  }

  @Test
  void serveAnswersTheHealthCheckAndLogsOnlyToStandardError() throws Exception {
    Path errFile = folder.resolve("serve-err.txt");
    Process process =
        new ProcessBuilder(
                java(),
                "-jar",
                JAR.toString(),
                "serve",
                "--port",
                "0",
                "--state-dir",
                folder.resolve("state").toString())
            .redirectError(errFile.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      String second = out.readLine();
      Matcher address = Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+/)").matcher(first);
      assertThat(address.find()).as(first).isTrue();
      assertThat(second).contains("set one with the setup code");

      HttpResponse<String> pong =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(address.group(1) + "debug"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(pong.statusCode()).isEqualTo(200);
      assertThat(pong.body()).isEqualTo("Pong!");
      assertThat(pong.headers().firstValue("Server")).isEmpty();
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(errFile)).contains("Web UI listening on");
  }

  private record Result(int code, String out, String err) {}

  private Path config(FakeMisp misp, FakeQradar qradar, String token) throws Exception {
    Files.writeString(folder.resolve("misp.key"), misp.apiKey());
    Files.writeString(folder.resolve("qradar.token"), token);
    Path config = folder.resolve("ioc-sync.json");
    Files.writeString(
        config,
        """
        {"misp": {"url": "%s", "keyFile": "misp.key"},
         "qradar": {"url": "%s", "tokenFile": "qradar.token"},
         "jobs": [{"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
                   "types": ["ip-src", "ip-dst"]}]}
        """
            .formatted(misp.url(), qradar.url()));
    return config;
  }

  private String state() {
    return folder.resolve("state").toString();
  }

  private Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = folder.resolve("out.txt");
    Path err = folder.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

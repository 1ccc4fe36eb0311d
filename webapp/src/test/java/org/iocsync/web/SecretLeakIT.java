package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives every command of the packaged jar, as a separate process, and every web flow with known
 * secrets (a MISP key, a QRadar token, the admin password), keeps all that the product emits
 * (standard output and error, every HTTP answer with its headers, the error texts in them) and
 * every file of each state directory, and scans it all for the secrets as they are, URL-encoded, in
 * Base64 (standard and URL-safe, at each alignment) and in hex.
 */
class SecretLeakIT {
  private static final Path JAR = Path.of("target", "ioc-sync.jar");
  private static final String MISP_KEY = "Mk7LeakQ2wE9rT4yU6iO8pA1sD3fG5hJ0kZxCvBn";
  private static final String QRADAR_TOKEN = "5f0c2d7e-leak-4a9b-qr4d-token8e1b6c3a";
  private static final String PASSWORD = "Adm1n-Leak-Probe-Passw0rd!";
  private static final Pattern SETUP_CODE = Pattern.compile("setup code (\\S+)");
  private static final Pattern ADDRESS =
      Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+/)");
  private static final Pattern DEMO_PASSWORD = Pattern.compile("Log in with the password (\\S+)");

  @TempDir Path folder;

  /** Everything the product emitted, by where it came from. */
  private final Map<String, String> emitted = new LinkedHashMap<>();

  @Test
  void noCommandOrWebFlowLeaksAKeyTokenOrPasswordAnywhere() throws Exception {
    try (FakeMisp misp = FakeMisp.builder().apiKey(MISP_KEY).start();
        FakeQradar qradar = FakeQradar.builder().token(QRADAR_TOKEN).start();
        FakeQradar otherQradar = FakeQradar.start()) {
      long event = misp.addEvent(FakeMisp.event("Leak probe"));
      misp.addAttribute(event, "ip-dst", "203.0.113.7");
      misp.addAttribute(event, "ip-src", "198.51.100.9");
      misp.addAttribute(event, "ip-dst", "01.2.3.4");
      Path config = config("ioc-sync.json", misp.url(), qradar.url(), "\"keyFile\": \"misp.key\"");

      syncCommands(config, misp, otherQradar);
      serveAndEveryWebFlow(config, misp, qradar, otherQradar);
      String demoPassword = demo();

      assertThat(qradar.values("MISP IPs")).contains("203.0.113.7", "198.51.100.9");
      assertThat(misp.requests())
          .anyMatch(r -> MISP_KEY.equals(r.header("Authorization").orElse("")));
      assertThat(qradar.requests()).anyMatch(r -> QRADAR_TOKEN.equals(r.header("SEC").orElse("")));
      Map<String, String> secrets =
          Map.of(
              "the MISP key",
              MISP_KEY,
              "the QRadar token",
              QRADAR_TOKEN,
              "the admin password",
              PASSWORD);
      List<String> leaks = new ArrayList<>();
      long bytes = 0;
      int files = 0;
      for (Map.Entry<String, String> text : emitted.entrySet()) {
        bytes += text.getValue().length();
        leaks.addAll(scan(text.getKey(), text.getValue(), secrets));
      }
      for (Path state :
          List.of(
              folder.resolve("state"),
              folder.resolve("sync-state"),
              folder.resolve("demo-state"))) {
        for (Path file : files(state)) {
          String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
          bytes += content.length();
          files++;
          leaks.addAll(scan(file.toString(), content, secrets));
          leaks.addAll(scan(file.toString(), content, Map.of("the demo password", demoPassword)));
        }
      }
      for (Map.Entry<String, String> text : emitted.entrySet()) {
        String where = text.getKey();
        String content = text.getValue();
        if (!where.equals("demo standard output")) {
          leaks.addAll(scan(where, content, Map.of("the demo password", demoPassword)));
        }
      }

      System.out.println(
          "Secrets: "
              + emitted.size()
              + " outputs and answers and "
              + files
              + " state files ("
              + bytes
              + " characters) scanned for 4 secrets, as they are, URL-encoded, in hex and in"
              + " Base64 (standard and URL-safe, at each alignment): "
              + leaks.size()
              + " found");
      assertThat(leaks).isEmpty();
      assertThat(emitted.size()).isGreaterThan(40);
      assertThat(files).isGreaterThanOrEqualTo(6);
    }
  }

  @Test
  void theScanFindsASecretInEveryEncodingItLooksFor() {
    Map<String, String> secret = Map.of("the key", MISP_KEY);

    for (String encoded : encodings(MISP_KEY)) {
      assertThat(scan("sample", "before " + encoded + " after", secret)).hasSize(1);
    }
    for (String before : List.of("", "a", "ab")) {
      byte[] json = (before + "{\"k\":\"" + MISP_KEY + "\"}").getBytes(StandardCharsets.UTF_8);
      assertThat(scan("sample", Base64.getEncoder().encodeToString(json), secret)).isNotEmpty();
      assertThat(scan("sample", Base64.getUrlEncoder().encodeToString(json), secret)).isNotEmpty();
      assertThat(scan("sample", HexFormat.of().withUpperCase().formatHex(json), secret))
          .isNotEmpty();
    }
    assertThat(scan("sample", "nothing here", secret)).isEmpty();
  }

  /** {@code ioc-sync sync} in each way it is used and misused. */
  private void syncCommands(Path config, FakeMisp misp, FakeQradar otherQradar) throws Exception {
    String state = folder.resolve("sync-state").toString();
    record(
        "sync",
        run(Map.of(), "sync", "--config", config.toString(), "--state-dir", state, "--json"));
    record(
        "sync dry run",
        run(
            Map.of(),
            "sync",
            "--config",
            config.toString(),
            "--state-dir",
            state,
            "--dry-run",
            "--full"));
    Path fromEnvironment = config("env.json", misp.url(), otherQradar.url(), "\"verifyTls\": true");
    record(
        "sync refused by QRadar, key from the environment",
        run(
            Map.of("MISP_KEY", MISP_KEY),
            "sync",
            "--config",
            fromEnvironment.toString(),
            "--state-dir",
            folder.resolve("other-state").toString(),
            "--json"));
    misp.faults().nextRequests(50, Fault.htmlPage());
    record(
        "sync with MISP answering HTML",
        run(Map.of(), "sync", "--config", config.toString(), "--state-dir", state, "--full"));
    misp.faults().clear();
    Path inline =
        config("inline.json", misp.url(), otherQradar.url(), "\"key\": \"" + MISP_KEY + "\"");
    record(
        "sync with the key written into the file",
        run(Map.of(), "sync", "--config", inline.toString()));
    record(
        "sync with the key as an option",
        run(
            Map.of(),
            "sync",
            "--config",
            config.toString(),
            "--key",
            MISP_KEY,
            "--token=" + QRADAR_TOKEN));
    record(
        "sync with the key as an argument",
        run(Map.of(), "sync", "--config", config.toString(), MISP_KEY));
    record("serve with the password as an option", run(Map.of(), "serve", "--password", PASSWORD));
  }

  /** {@code ioc-sync serve}, then every flow of the page and the API. */
  private void serveAndEveryWebFlow(
      Path config, FakeMisp misp, FakeQradar qradar, FakeQradar otherQradar) throws Exception {
    Path err = folder.resolve("serve-err.txt");
    Process process =
        command(
                Map.of(),
                "serve",
                "--config",
                config.toString(),
                "--port",
                "0",
                "--state-dir",
                folder.resolve("state").toString())
            .redirectError(err.toFile())
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    StringBuilder out = new StringBuilder();
    Thread reader = readLines(process, lines, out);
    try {
      String first = lines.poll(60, TimeUnit.SECONDS);
      String second = lines.poll(10, TimeUnit.SECONDS);
      Matcher address = ADDRESS.matcher(String.valueOf(first));
      Matcher code = SETUP_CODE.matcher(String.valueOf(second));
      assertThat(address.find()).as(first).isTrue();
      assertThat(code.find()).as(second).isTrue();
      WebClient web =
          new WebClient(Integer.parseInt(address.group(1).replaceAll(".*:(\\d+)/", "$1")));

      String csrf = answer("setup page", web.get("/setup")).csrf();
      answer(
          "setup with a short password",
          web.postForm(
              "/setup",
              Map.of(
                  "csrf", csrf, "code", code.group(1), "password", "short", "confirm", "short")));
      answer(
          "setup",
          web.postForm(
              "/setup",
              Map.of(
                  "csrf", csrf, "code", code.group(1), "password", PASSWORD, "confirm", PASSWORD)));
      csrf = answer("page", web.get("/")).csrf();
      answer("logout", web.postForm("/logout", Map.of("csrf", csrf)));
      csrf = answer("login page", web.get("/login")).csrf();
      answer(
          "wrong password",
          web.postForm("/login", Map.of("csrf", csrf, "password", PASSWORD + "-wrong")));
      answer("login", web.postForm("/login", Map.of("csrf", csrf, "password", PASSWORD)));
      csrf = answer("page after login", web.get("/")).csrf();
      Map<String, String> token = Map.of(SecurityFilter.CSRF_HEADER, csrf);

      answer(
          "misp connection by API",
          web.json(
              "PUT",
              "/api/connections/misp",
              "{\"url\": \"" + misp.url() + "\", \"key\": \"" + MISP_KEY + "\"}",
              token));
      answer(
          "qradar connection by form",
          web.postForm(
              "/connections/qradar",
              Map.of("csrf", csrf, "url", qradar.url(), "token", QRADAR_TOKEN, "verifyTls", "on")));
      answer(
          "misp connection refused",
          web.json(
              "PUT",
              "/api/connections/misp",
              "{\"url\": \"ftp://nowhere\", \"key\": \"" + MISP_KEY + "\"}",
              token));
      answer("misp test by API", web.json("POST", "/api/connections/misp/test", "", token));
      answer("qradar test by form", web.postForm("/connections/qradar/test", Map.of("csrf", csrf)));
      answer("page after tests", web.get("/"));
      answer(
          "qradar pointed at a server refusing the token",
          web.json(
              "PUT",
              "/api/connections/qradar",
              "{\"url\": \"" + otherQradar.url() + "\", \"token\": \"" + QRADAR_TOKEN + "\"}",
              token));
      answer("qradar test refused", web.json("POST", "/api/connections/qradar/test", "", token));
      runAndAwait(web, token, "ips", "run refused by QRadar");
      answer(
          "qradar back",
          web.json("PUT", "/api/connections/qradar", "{\"url\": \"" + qradar.url() + "\"}", token));
      answer("status with connections", web.get("/api/status"));

      answer(
          "new job",
          web.json(
              "POST",
              "/api/jobs",
              "{\"name\": \"domains\", \"referenceSet\": \"MISP domains\", \"types\": [\"domain\"]}",
              token));
      answer(
          "job form",
          web.postForm(
              "/jobs",
              Map.of(
                  "csrf",
                  csrf,
                  "name",
                  "urls",
                  "referenceSet",
                  "MISP URLs",
                  "elementType",
                  "ALN",
                  "typesText",
                  "url",
                  "mode",
                  "mirror",
                  "intervalMinutes",
                  "30",
                  "toIdsOnly",
                  "on",
                  "createSetIfMissing",
                  "on")));
      answer("job edit", web.get("/?edit=urls"));
      answer("job by API", web.get("/api/jobs/domains"));
      answer("jobs", web.get("/api/jobs"));
      runAndAwait(web, token, "ips", "run");
      answer("run by form", web.postForm("/jobs/domains/run", Map.of("csrf", csrf)));
      answer("dry run by API", web.json("POST", "/api/jobs/ips/dry-run", "", token));
      answer("dry run page", web.postForm("/jobs/urls/dry-run", Map.of("csrf", csrf)));
      // A refused key fails at once; pages of HTML would be retried longer than a request waits.
      misp.faults().nextRequests(30, Fault.status(403));
      answer("dry run failing", web.json("POST", "/api/jobs/ips/dry-run", "", token));
      runAndAwait(web, token, "ips", "run failing");
      misp.faults().clear();
      answer("pause", web.json("POST", "/api/jobs/ips/pause", "", token));
      answer("resume by form", web.postForm("/jobs/ips/resume", Map.of("csrf", csrf)));
      answer("delete", web.json("DELETE", "/api/jobs/domains", "", token));
      answer("runs", web.get("/api/runs"));
      answer("runs of one job", web.get("/api/runs?job=ips"));
      answer("logs", web.get("/api/logs"));
      answer("status", web.get("/api/status"));
      answer("page at the end", web.get("/"));
      answer("health check", web.get("/debug"));
      answer("missing page", web.get("/nothing-here"));
      answer("without the token", web.json("POST", "/api/jobs/ips/run", "", Map.of()));
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
    emitted.put("serve standard output", out.toString());
    emitted.put("serve standard error", Files.readString(err));
  }

  /** {@code ioc-sync demo}: its printed password may appear on its standard output only. */
  private String demo() throws Exception {
    Path err = folder.resolve("demo-err.txt");
    Process process =
        command(
                Map.of(),
                "demo",
                "--port",
                "0",
                "--state-dir",
                folder.resolve("demo-state").toString())
            .redirectError(err.toFile())
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    StringBuilder out = new StringBuilder();
    Thread reader = readLines(process, lines, out);
    String password;
    try {
      Matcher address = ADDRESS.matcher(String.valueOf(lines.poll(60, TimeUnit.SECONDS)));
      Matcher login = DEMO_PASSWORD.matcher(String.valueOf(lines.poll(10, TimeUnit.SECONDS)));
      assertThat(address.find()).isTrue();
      assertThat(login.find()).isTrue();
      password = login.group(1);
      WebClient web =
          new WebClient(Integer.parseInt(address.group(1).replaceAll(".*:(\\d+)/", "$1")));
      String csrf = answer("demo login page", web.get("/login")).csrf();
      answer("demo login", web.postForm("/login", Map.of("csrf", csrf, "password", password)));
      answer("demo page", web.get("/"));
      answer("demo servers", web.get("/demo"));
      answer("demo status", web.get("/api/status"));
      answer("demo logs", web.get("/api/logs"));
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
    emitted.put("demo standard output", out.toString());
    emitted.put("demo standard error", Files.readString(err));
    assertThat(out.toString().split(Pattern.quote(password), -1)).hasSize(2);
    return password;
  }

  private WebClient.Answer answer(String what, WebClient.Answer answer) {
    emitted.put(
        "answer to " + what, answer.code() + "\n" + answer.headers() + "\n" + answer.body());
    return answer;
  }

  /** Starts a run of {@code job} once no run of it is going, and waits until it has ended. */
  private void runAndAwait(WebClient web, Map<String, String> token, String job, String what) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    long before = endedRuns(web, job);
    WebClient.Answer started = web.json("POST", "/api/jobs/" + job + "/run", "", token);
    while (started.code() == 409 && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      before = endedRuns(web, job);
      started = web.json("POST", "/api/jobs/" + job + "/run", "", token);
    }
    answer(what, started);
    assertThat(started.code()).as(what).isEqualTo(202);
    while (endedRuns(web, job) <= before) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The " + what + " of " + job + " never ended");
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static long endedRuns(WebClient web, String job) {
    return Pattern.compile("\"endedAt\":\"")
        .matcher(web.get("/api/runs?job=" + job).body())
        .results()
        .count();
  }

  private void record(String what, Result result) {
    emitted.put(what + " standard output", result.out());
    emitted.put(what + " standard error", result.err());
  }

  /** Where each secret shows in {@code text}, in any of the encodings looked for. */
  static List<String> scan(String where, String text, Map<String, String> secrets) {
    List<String> found = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    secrets.forEach(
        (name, secret) -> {
          for (String encoded : encodings(secret)) {
            if (text.contains(encoded)
                || (isHex(encoded) && lower.contains(encoded.toLowerCase(Locale.ROOT)))) {
              found.add(name + " in " + where + " as " + encoded);
              break;
            }
          }
        });
    return found;
  }

  /**
   * The secret as it is, URL-encoded, in hex, and in Base64 at each of the three alignments it can
   * have inside a longer encoded text (the part that is the same whatever comes before and after).
   */
  static List<String> encodings(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    List<String> encodings = new ArrayList<>();
    encodings.add(secret);
    encodings.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    encodings.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
    encodings.add(HexFormat.of().formatHex(bytes));
    for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      for (int offset = 0; offset < 3; offset++) {
        byte[] shifted = new byte[offset + bytes.length];
        System.arraycopy(bytes, 0, shifted, offset, bytes.length);
        String encoded = encoder.withoutPadding().encodeToString(shifted);
        // Base64 writes each three bytes as four characters of their own: the groups holding
        // only the secret's bytes read the same wherever the secret sits.
        int skip = offset == 0 ? 0 : 4;
        int keep = (offset + bytes.length) / 3 * 4;
        encodings.add(encoded.substring(skip, keep));
      }
    }
    return encodings.stream().distinct().toList();
  }

  private static boolean isHex(String text) {
    return text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  private static List<Path> files(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private Path config(String name, String mispUrl, String qradarUrl, String mispSecret)
      throws IOException {
    Files.writeString(folder.resolve("misp.key"), MISP_KEY);
    Files.writeString(folder.resolve("qradar.token"), QRADAR_TOKEN);
    Path config = folder.resolve(name);
    Files.writeString(
        config,
        """
        {"misp": {"url": "%s", %s},
         "qradar": {"url": "%s", "tokenFile": "qradar.token"},
         "jobs": [{"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
                   "types": ["ip-src", "ip-dst"]}]}
        """
            .formatted(mispUrl, mispSecret, qradarUrl));
    return config;
  }

  private record Result(int code, String out, String err) {}

  private Result run(Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(folder, "out", ".txt");
    Path err = Files.createTempFile(folder, "err", ".txt");
    Process process =
        command(env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
    Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  private static ProcessBuilder command(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("MISP_KEY");
    builder.environment().remove("QRADAR_TOKEN");
    // Debug logging too must keep every secret out.
    builder.environment().put("IOC_SYNC_LOG_LEVEL", "DEBUG");
    builder.environment().putAll(env);
    return builder;
  }

  private static Thread readLines(Process process, BlockingQueue<String> lines, StringBuilder all) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (all) {
                    all.append(line).append('\n');
                  }
                  lines.add(line);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "jar-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

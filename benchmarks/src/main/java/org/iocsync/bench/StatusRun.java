package org.iocsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iocsync.web.Main;

/**
 * Measures the JSON API's status call while a full sync runs: starts {@code ioc-sync serve} in a
 * JVM of its own (-Xmx256m, SQLite in a state directory) against the given MISP and QRadar, sets
 * its admin password with the setup code it prints, adds a job through the API and starts its full
 * run, and while the run goes drives {@value #CLIENTS} clients, each looping on {@code GET
 * api/status} with the session cookie, recording every call's latency.
 *
 * <p>Figures: {@code status.p50Ms}, {@code status.p99Ms}, {@code status.maxMs}, {@code
 * status.count}, {@code status.clients}, {@code status.errors} and {@code sync.seconds}.
 *
 * <p>Arguments: MISP's URL and key, QRadar's URL and token, and a directory for the server's
 * configuration, secrets, log and state directory ({@code state}). {@code java -jar benchmarks.jar
 * --only status} serves the fakes and runs this against them.
 */
public final class StatusRun {
  static final int CLIENTS = 50;
  static final String JOB = "all-indicators";

  private static final String PASSWORD = "status-benchmark-password";
  private static final Pattern ADDRESS = Pattern.compile("running at (http://\\S+/)");
  private static final Pattern SETUP_CODE = Pattern.compile("setup code (\\S+)");
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern CSRF_META =
      Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final long RUN_MINUTES = 30;

  private StatusRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: StatusRun MISP_URL MISP_KEY QRADAR_URL QRADAR_TOKEN DIR");
      System.exit(2);
    }
    measure(args[0], args[1], args[2], args[3], Path.of(args[4]));
  }

  private static void measure(
      String mispUrl, String mispKey, String qradarUrl, String qradarToken, Path config)
      throws Exception {
    Path state = config.resolve("state");
    Files.writeString(config.resolve("misp.key"), mispKey);
    Files.writeString(config.resolve("qradar.token"), qradarToken);
    Path configFile = config.resolve("config.json");
    Files.writeString(
        configFile,
        """
        {"misp": {"url": "%s", "keyFile": "misp.key"},
         "qradar": {"url": "%s", "tokenFile": "qradar.token"},
         "jobs": []}
        """
            .formatted(mispUrl, qradarUrl));
    Path serverLog = config.resolve("server.log");

    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--config",
                configFile.toString(),
                "--state-dir",
                state.toString(),
                "--port",
                "0")
            .redirectError(serverLog.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String base = null;
      String code = null;
      while (base == null || code == null) {
        String line = out.readLine();
        if (line == null) {
          throw new IllegalStateException(
              "ioc-sync serve ended before it was ready:\n" + Files.readString(serverLog));
        }
        Matcher address = ADDRESS.matcher(line);
        if (address.find()) {
          base = address.group(1);
        }
        Matcher setup = SETUP_CODE.matcher(line);
        if (setup.find()) {
          code = setup.group(1);
        }
      }
      drain(out);
      run(base, code);
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static void drain(BufferedReader out) {
    Thread drainer =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // The server's later output is of no use here.
                }
              } catch (IOException e) {
                // The server went away.
              }
            },
            "server-output");
    drainer.setDaemon(true);
    drainer.start();
  }

  private static void run(String base, String code) throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String setupPage = send(browser, get(base + "setup")).body();
    HttpResponse<String> setup =
        send(
            browser,
            form(
                base + "setup",
                Map.of(
                    "csrf",
                    find(CSRF_FIELD, setupPage),
                    "code",
                    code,
                    "password",
                    PASSWORD,
                    "confirm",
                    PASSWORD)));
    if (setup.statusCode() != 303) {
      throw new IllegalStateException("setting the admin password answered " + setup.statusCode());
    }
    String csrf = find(CSRF_META, send(browser, get(base)).body());
    String session =
        cookies.getCookieStore().getCookies().stream()
            .filter(cookie -> cookie.getName().startsWith("ioc_sync_session"))
            .map(HttpCookie::toString)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no session cookie after the setup"));

    AtomicBoolean done = new AtomicBoolean();
    AtomicLong errors = new AtomicLong();
    List<Client> clients = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
      Client client =
          new Client(i, URI.create(base + "api/status"), session, done, errors, started);
      clients.add(client);
      client.start();
    }
    started.await();

    long start = System.nanoTime();
    HttpResponse<String> created =
        send(
            browser,
            HttpRequest.newBuilder(URI.create(base + "api/jobs"))
                .header("X-CSRF-Token", csrf)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
                        {"name": "%s", "referenceSet": "MISP indicators", "elementType": "ALNIC",
                         "intervalMinutes": 10080}
                        """
                            .formatted(JOB)))
                .build());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("adding the job answered " + created.body());
    }

    HttpResponse<String> run =
        send(
            browser,
            HttpRequest.newBuilder(URI.create(base + "api/jobs/" + JOB + "/run"))
                .header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    // The scheduler may have started the job's first run, a full one, as soon as it was added.
    if (run.statusCode() != 202 && !run.body().contains("is running already")) {
      throw new IllegalStateException("starting the run answered " + run.body());
    }
    long deadline = start + TimeUnit.MINUTES.toNanos(RUN_MINUTES);
    String status = "";
    while (!status.contains("\"running\":false")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the run did not end within " + RUN_MINUTES + " minutes");
      }
      Thread.sleep(200);
      status = send(browser, get(base + "api/status")).body();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    done.set(true);
    for (Client client : clients) {
      client.join();
    }
    if (!status.contains("\"outcome\":\"ok\"")) {
      throw new IllegalStateException("the run did not succeed: " + status);
    }

    List<long[]> latencies = new ArrayList<>();
    for (Client client : clients) {
      latencies.add(client.latencies());
    }
    long[] all = merge(latencies);
    Arrays.sort(all);
    Figures.report("status.clients", CLIENTS);
    Figures.report("status.count", all.length);
    Figures.report("status.errors", errors.get());
    Figures.report("status.p50Ms", percentile(all, 0.50) / 1e6);
    Figures.report("status.p99Ms", percentile(all, 0.99) / 1e6);
    Figures.report("status.maxMs", all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    Figures.report("sync.seconds", seconds);
  }

  private static long percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long[] merge(List<long[]> parts) {
    int total = 0;
    for (long[] part : parts) {
      total += part.length;
    }
    long[] all = new long[total];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static String find(Pattern pattern, String page) {
    Matcher matcher = pattern.matcher(page);
    if (!matcher.find()) {
      throw new IllegalStateException("the page lacks " + pattern.pattern());
    }
    return matcher.group(1);
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(CALL_TIMEOUT).GET().build();
  }

  private static HttpRequest form(String url, Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (name, value) ->
            body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request)
      throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** One client, on a connection of its own, asking for the status again as soon as answered. */
  private static final class Client extends Thread {
    private final URI status;
    private final String cookie;
    private final AtomicBoolean done;
    private final AtomicLong errors;
    private final CountDownLatch started;
    private long[] latencies = new long[1024];
    private int count;

    Client(
        int number,
        URI status,
        String cookie,
        AtomicBoolean done,
        AtomicLong errors,
        CountDownLatch started) {
      super("status-client-" + number);
      this.status = status;
      this.cookie = cookie;
      this.done = done;
      this.errors = errors;
      this.started = started;
    }

    @Override
    public void run() {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request =
          HttpRequest.newBuilder(status).timeout(CALL_TIMEOUT).header("Cookie", cookie).build();
      started.countDown();
      while (!done.get()) {
        long start = System.nanoTime();
        try {
          HttpResponse<String> answer = send(client, request);
          long elapsed = System.nanoTime() - start;
          if (answer.statusCode() == 200) {
            record(elapsed);
          } else {
            errors.incrementAndGet();
          }
        } catch (IOException e) {
          errors.incrementAndGet();
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void record(long nanos) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = nanos;
    }

    long[] latencies() {
      return Arrays.copyOf(latencies, count);
    }
  }
}

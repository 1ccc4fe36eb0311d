package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Runs the packaged jar as a QRadar app (the framework's variables set, a temporary folder as
 * {@code APP_ROOT}) behind a reverse proxy that mounts it at {@code
 * /console/plugins/1234/app_proxy/} as the console does, and drives the page through the proxy in
 * headless Chromium. The app reaches a fake QRadar as its console, with the token QRadar would give
 * it and the CA bundle of the framework, and a fake MISP the user connects through the page.
 * Skipped where Chromium and its driver are not installed.
 */
class QradarAppBrowserIT {
  private static final Path JAR = Path.of("target", "ioc-sync.jar");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String APP_ID = "1234";
  private static final String MOUNT = "/console/plugins/" + APP_ID + "/app_proxy";
  private static final String APP_UUID = "20326029-aee0-460f-833f-49744eb403ce";

  /** What QRadar's proxy answers for and strips: hop-by-hop headers and the ones it sets itself. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private final HeldCertificate certificate =
      new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
  private final HandshakeCertificates serverCertificates =
      new HandshakeCertificates.Builder().heldCertificate(certificate).build();
  private final List<String> proxied = new CopyOnWriteArrayList<>();
  private final HttpClient forwarder =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir Path appRoot;
  @TempDir Path profile;

  private FakeMisp misp;
  private FakeQradar qradar;
  private Process app;
  private HttpServer console;
  private WebDriver browser;
  private String appBase;
  private String base;

  @BeforeAll
  static void needsChromium() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Skipping the browser tests: /usr/bin/chromium or /usr/bin/chromedriver is missing"
            + " (apt-get install chromium chromium-driver)");
  }

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(SCREENSHOTS);
    misp = FakeMisp.builder().https(serverCertificates.sslSocketFactory()).start();
    long event = misp.addEvent(FakeMisp.event("Phishing wave"));
    misp.addAttribute(event, "ip-dst", "203.0.113.7");
    misp.addAttribute(event, "ip-src", "198.51.100.9");
    misp.addAttribute(event, "ip-dst", "<script>alert('x')</script>");
    qradar = FakeQradar.builder().https(serverCertificates.sslSocketFactory()).start();

    appBase = startApp();
    console = startConsoleProxy();
    base = "http://127.0.0.1:" + console.getAddress().getPort() + MOUNT + "/";
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.stop(0);
    }
    if (app != null) {
      app.destroy();
      assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    if (qradar != null) {
      qradar.close();
    }
    if (misp != null) {
      misp.close();
    }
  }

  @Test
  void worksThroughTheConsolesAppProxyWithoutASecondLogin() throws Exception {
    browser = startBrowser();

    browser.get(base + "index");
    await(b -> b.findElement(By.id("misp-connection")).isDisplayed());
    assertThat(browser.getCurrentUrl()).isEqualTo(base);
    assertThat(browser.findElements(By.id("password"))).isEmpty();
    assertThat(field("qradar-url")).isEqualTo(qradar.url());
    assertThat(browser.findElement(By.id("qradar-secret-state")).getText()).isEqualTo("(set)");
    screenshot("qradar-1-opened-from-the-tab");

    browser.findElement(By.id("qradar-test")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("QRadar answers: QRadar API"));
    fill("misp-url", misp.url());
    fill("misp-key", misp.apiKey());
    browser.findElement(By.id("misp-save")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("MISP connection saved"));
    browser.findElement(By.id("misp-test")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("MISP answers: MISP"));
    assertThat(browser.getPageSource())
        .doesNotContain(misp.apiKey())
        .doesNotContain(qradar.token());

    fill("job-name", "ips");
    fill("job-referenceSet", "MISP IPs");
    new Select(browser.findElement(By.id("job-elementType"))).selectByValue("IP");
    Select types = new Select(browser.findElement(By.id("job-types")));
    types.selectByValue("ip-src");
    types.selectByValue("ip-dst");
    browser.findElement(By.id("job-save")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("Job ips saved"));
    assertEveryLinkFormAndScriptStaysUnderTheMount();

    row().findElement(By.cssSelector("button.run")).click();
    await(b -> row().findElement(By.className("added")).getText().equals("2"));
    await(b -> row().findElement(By.className("status")).getText().equals("ok"));
    await(b -> b.findElement(By.id("logs")).getText().contains("Job ips saved"));
    assertThat(qradar.values("MISP IPs")).containsExactlyInAnyOrder("203.0.113.7", "198.51.100.9");
    screenshot("qradar-2-job-ran");

    row().findElement(By.cssSelector("button.dry-run")).click();
    await(b -> b.findElement(By.id("dry-run")).isDisplayed());
    assertThat(browser.findElement(By.id("skipped")).getText())
        .contains("<script>alert('x')</script>");
    assertThat(browser.getCurrentUrl()).startsWith(base);
    assertEveryLinkFormAndScriptStaysUnderTheMount();
    screenshot("qradar-3-dry-run");

    for (String href : hrefs()) {
      browser.get(href);
      await(b -> b.findElement(By.tagName("main")).isDisplayed());
      assertThat(browser.getCurrentUrl()).startsWith(base);
      assertThat(browser.getTitle()).doesNotStartWith("Error");
    }

    assertThat(proxied).allSatisfy(line -> assertThat(line).contains(" " + MOUNT + "/"));
    assertThat(proxied)
        .anySatisfy(line -> assertThat(line).contains(MOUNT + "/static/app.js"))
        .anySatisfy(line -> assertThat(line).contains(MOUNT + "/static/app.css"))
        .anySatisfy(line -> assertThat(line).contains("GET " + MOUNT + "/api/status -> 200"))
        .anySatisfy(line -> assertThat(line).contains("GET " + MOUNT + "/api/logs -> 200"))
        .anySatisfy(line -> assertThat(line).contains("POST " + MOUNT + "/connections/misp"))
        .anySatisfy(line -> assertThat(line).contains("POST " + MOUNT + "/jobs/ips/run -> 303"))
        .noneSatisfy(line -> assertThat(line).containsPattern("-> (403|404|5\\d\\d)"));
    assertThat(Files.list(appRoot.resolve("store").resolve("ioc-sync-data")).map(Path::getFileName))
        .map(Path::toString)
        .contains("ioc-sync.db", AppIdentityKey.SALT_FILE)
        .doesNotContain("secret.key", "admin-password");
  }

  @Test
  void answersTheHealthCheckAndSendsItsCookieOnlyToItsOwnPath() throws Exception {
    HttpResponse<String> pong = get(URI.create(base + "debug"));
    HttpResponse<String> page = get(URI.create(base));

    assertThat(pong.statusCode()).isEqualTo(200);
    assertThat(pong.body()).isEqualTo("Pong!");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().allValues("Set-Cookie"))
        .singleElement()
        .asString()
        .startsWith("ioc_sync_session_" + APP_ID + "=")
        .contains("; Path=" + MOUNT + ";")
        .contains("; HttpOnly")
        .contains("; Secure");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .get()
        .asString()
        .contains("frame-ancestors 'self' https://127.0.0.1:" + qradar.port());
  }

  /** Every address the page names resolves under the app's proxy path. */
  private void assertEveryLinkFormAndScriptStaysUnderTheMount() {
    @SuppressWarnings("unchecked")
    List<String> addresses =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return Array.from(document.querySelectorAll("
                        + "'a[href], link[href], script[src], form[action], button[formaction]'))"
                        + ".map(e => e.href || e.src || e.action"
                        + " || new URL(e.getAttribute('formaction'), document.baseURI).href)"
                        + ".filter(u => !u.startsWith('data:'));");
    assertThat(addresses).isNotEmpty().allSatisfy(address -> assertThat(address).startsWith(base));
  }

  private List<String> hrefs() {
    @SuppressWarnings("unchecked")
    List<String> hrefs =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);");
    return hrefs.stream().map(href -> href.replaceAll("#.*", "")).distinct().toList();
  }

  /** Starts the jar as the app's start script would, inside what QRadar's container provides. */
  private String startApp() throws IOException {
    Path bundle = appRoot.resolve("ca-bundle.crt");
    Files.writeString(bundle, certificate.certificatePem());
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                JAR.toString(),
                "serve",
                "--bind",
                "127.0.0.1",
                "--port",
                "0")
            .redirectError(appRoot.resolve("app.log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).contains("proxy"));
    env.put("QRADAR_APP_ID", APP_ID);
    env.put("QRADAR_APP_UUID", APP_UUID);
    env.put("QRADAR_CONSOLE_FQDN", "127.0.0.1:" + qradar.port());
    env.put("QRADAR_CONSOLE_IP", "127.0.0.1");
    env.put("APP_ROOT", appRoot.toString());
    env.put("SEC_ADMIN_TOKEN", qradar.token());
    env.put("REQUESTS_CA_BUNDLE", bundle.toString());
    // A proxy that nothing listens on: reaching either fake proves NO_PROXY is honoured.
    env.put("QRADAR_HTTPS_PROXY", "http://127.0.0.1:9");
    env.put("QRADAR_NO_PROXY", "localhost,127.0.0.1");
    app = builder.start();

    BufferedReader out =
        new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    Matcher address =
        Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+)/").matcher(String.valueOf(first));
    assertThat(address.find()).as("%s\n%s", first, log()).isTrue();
    assertThat(out.readLine()).contains("QRadar logs users in");
    return address.group(1);
  }

  /**
   * The console's reverse proxy: forwards {@code /console/plugins/1234/app_proxy/...} to the app
   * with the console's own session cookie and host header, answers 404 elsewhere, and logs every
   * request it gets with the status it answered.
   */
  private HttpServer startConsoleProxy() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try {
            int status = forward(exchange);
            proxied.add(
                exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI().getRawPath()
                    + " -> "
                    + status);
          } catch (IOException | RuntimeException e) {
            proxied.add(exchange.getRequestURI() + " failed: " + e);
            exchange.sendResponseHeaders(502, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
    return server;
  }

  private int forward(HttpExchange exchange) throws IOException, InterruptedException {
    URI requested = exchange.getRequestURI();
    String path = requested.getRawPath();
    if (!path.startsWith(MOUNT + "/")) {
      exchange.sendResponseHeaders(404, -1);
      return 404;
    }

    String query = requested.getRawQuery();
    URI target =
        URI.create(appBase + path.substring(MOUNT.length()) + (query == null ? "" : "?" + query));
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    String cookies = "SEC=console-session-of-admin; QRadarCSRF=console-csrf";
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("cookie")) {
        cookies = String.join("; ", header.getValue()) + "; " + cookies;
      } else if (!NOT_FORWARDED.contains(name)) {
        header.getValue().forEach(value -> request.header(header.getKey(), value));
      }
    }
    request.header("Cookie", cookies);
    request.header("X-Console-Host", exchange.getRequestHeaders().getFirst("Host"));
    request.header("X-Forwarded-Proto", "https");

    HttpResponse<byte[]> response =
        forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] answer = response.body();
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      exchange.getResponseBody().write(answer);
    }
    return response.statusCode();
  }

  private WebDriver startBrowser() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return forwarder.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private WebElement row() {
    return browser.findElement(By.cssSelector("tr.job[data-job=ips]"));
  }

  private String field(String id) {
    return browser.findElement(By.id(id)).getAttribute("value");
  }

  private void fill(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private void await(Function<WebDriver, Boolean> condition) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .ignoring(NoSuchElementException.class)
        .ignoring(StaleElementReferenceException.class)
        .withMessage(() -> "through the proxy: " + proxied + "\n" + log())
        .until(condition);
  }

  private String log() {
    try {
      return Files.readString(appRoot.resolve("app.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void screenshot(String name) throws IOException {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}

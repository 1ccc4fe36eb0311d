package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives Debian's headless Chromium through the whole page: login, both connections, a job, a run,
 * the live countdown, counts and logs, and a dry run. Screenshots go to {@code
 * target/screenshots/}. Skipped where Chromium and its driver are not installed.
 */
class BrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String KEY = "k0k1k2k3k4k5k6k7k8k9k0k1k2k3k4k5k6k7k8k9";
  private static final String TOKEN = "t0t1t2t3-t4t5-t6t7-t8t9-t0t1t2t3t4t5";

  @TempDir Path stateDir;
  @TempDir Path profile;

  private TestServer server;
  private WebDriver browser;
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
    server = TestServer.onSystemClock(stateDir);
    server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
    server.connectors.misp.add("u2", "ip-dst", "198.51.100.9", true);
    server.connectors.misp.add("u3", "ip-dst", "<script>alert('x')</script>", true);
    base = "http://127.0.0.1:" + server.server.port() + "/";

    // Selenium must never look for a driver online: name Debian's.
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
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void logsInConnectsAddsAJobRunsItAndShowsADryRun() throws Exception {
    browser.get(base);
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    browser.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    await(b -> b.findElement(By.id("misp-connection")).isDisplayed());
    screenshot("1-logged-in");

    fill("misp-url", "https://misp.example.org");
    fill("misp-key", KEY);
    browser.findElement(By.id("misp-save")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("MISP connection saved"));
    browser.findElement(By.id("misp-test")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("MISP answers: MISP 2.5.1"));

    fill("qradar-url", "https://qradar.example.org");
    fill("qradar-token", TOKEN);
    browser.findElement(By.id("qradar-save")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("QRadar connection saved"));
    browser.findElement(By.id("qradar-test")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("QRadar answers: QRadar API"));
    assertThat(browser.findElement(By.id("misp-secret-state")).getText()).isEqualTo("(set)");
    assertThat(browser.getPageSource()).doesNotContain(KEY).doesNotContain(TOKEN);
    screenshot("2-connections-tested");

    fill("job-name", "bad name");
    fill("job-referenceSet", "MISP IPs");
    browser.findElement(By.id("job-save")).click();
    await(b -> b.findElement(By.id("job-name-error")).getText().contains("not a valid job name"));

    fill("job-name", "ips");
    new Select(browser.findElement(By.id("job-elementType"))).selectByValue("IP");
    Select types = new Select(browser.findElement(By.id("job-types")));
    types.selectByValue("ip-src");
    types.selectByValue("ip-dst");
    fill("job-intervalMinutes", "1");
    browser.findElement(By.id("job-save")).click();
    await(b -> b.findElement(By.id("notice")).getText().contains("Job ips saved"));
    screenshot("3-job-added");

    server.component.service().startScheduling();
    WebElement row = browser.findElement(By.cssSelector("tr.job[data-job=ips]"));
    await(b -> row(b).findElement(By.className("added")).getText().equals("2"));
    await(b -> row(b).findElement(By.className("status")).getText().equals("ok"));
    assertThat(row(browser).findElement(By.className("skipped")).getText())
        .contains("invalid-value 1");
    await(b -> b.findElement(By.id("logs")).getText().contains("Job ips saved"));

    String first = awaitCountdown();
    await(b -> !countdown(b).equals(first) && countdown(b).startsWith("in 0:"));
    screenshot("4-run-and-countdown");
    assertThat(browser.findElements(By.xpath("//script[not(@src)]"))).isEmpty();
    assertThat(row).isNotNull();

    row(browser).findElement(By.cssSelector("button.dry-run")).click();
    await(b -> b.findElement(By.id("dry-run")).isDisplayed());
    assertThat(browser.findElement(By.id("would-add")).getText()).isEqualTo("0");
    assertThat(browser.findElement(By.id("skipped")).getText())
        .contains("<script>alert('x')</script>");
    screenshot("5-dry-run");
  }

  private static WebElement row(WebDriver browser) {
    return browser.findElement(By.cssSelector("tr.job[data-job=ips]"));
  }

  private static String countdown(WebDriver browser) {
    return row(browser).findElement(By.className("countdown")).getText();
  }

  private String awaitCountdown() {
    await(b -> countdown(b).startsWith("in 0:"));
    return countdown(browser);
  }

  private void fill(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private void await(Function<WebDriver, Boolean> condition) {
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  private void screenshot(String name) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}

package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main page and its plain forms, used without script. */
class PageTest {
  private static final String KEY = "k0k1k2k3k4k5k6k7k8k9k0k1k2k3k4k5k6k7k8k9";
  private static final String TOKEN = "t0t1t2t3-t4t5-t6t7-t8t9-t0t1t2t3t4t5";
  private static final String HOSTILE = "<script>alert('x')</script>";

  @TempDir Path stateDir;

  private TestServer server;
  private WebClient client;
  private String csrf;

  @BeforeEach
  void start() {
    server = TestServer.standalone(stateDir);
    client = server.loggedIn();
    csrf = client.get("/").csrf();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void showsBothConnectionsAsNotSetAtFirst() {
    String page = client.get("/").body();

    assertThat(page)
        .contains("id=\"misp-connection\"")
        .contains("id=\"qradar-connection\"")
        .contains("id=\"misp-secret-state\">(not set)")
        .contains("id=\"qradar-secret-state\">(not set)")
        .contains("No job yet");
  }

  @Test
  void savesAConnectionAndShowsItsSecretOnlyAsSet() {
    WebClient.Answer answer = saveMisp("https://misp.example.org", KEY);

    assertThat(answer.code()).isEqualTo(303);
    assertThat(answer.header("Location")).isEqualTo("../");
    String page = client.get("/").body();
    assertThat(page)
        .contains("MISP connection saved.")
        .contains("value=\"https://misp.example.org\"")
        .contains("id=\"misp-secret-state\">(set)")
        .doesNotContain(KEY);
    assertThat(client.get("/").body()).doesNotContain("MISP connection saved.");
  }

  @Test
  void showsConnectionErrorsBesideTheirFieldsAndSavesNothing() {
    WebClient.Answer answer = saveMisp("ftp://misp.example.org", "");

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body())
        .contains(
            "id=\"misp-url-error\">&quot;ftp://misp.example.org&quot; is not an http or https URL")
        .contains("id=\"misp-key-error\">is missing: the MISP API key is needed once")
        .contains("value=\"ftp://misp.example.org\"");
    assertThat(client.get("/").body()).contains("id=\"misp-secret-state\">(not set)");
  }

  @Test
  void testsAConnectionShowingTheVersionOrTheExactError() {
    saveMisp("https://misp.example.org", KEY);
    saveQradar("bad-token");

    client.postForm("/connections/misp/test", Map.of("csrf", csrf));
    String afterMisp = client.get("/").body();
    client.postForm("/connections/qradar/test", Map.of("csrf", csrf));
    String afterQradar = client.get("/").body();

    assertThat(afterMisp).contains("MISP answers: MISP 2.5.1");
    assertThat(afterQradar)
        .contains("QRadar test failed: QRadar answered 401: the token is not valid; renew it");
  }

  @Test
  void addsAJobFromTheForm() {
    WebClient.Answer answer = client.postForm("/jobs", job("ips", "15"));

    assertThat(answer.code()).isEqualTo(303);
    String page = client.get("/").body();
    assertThat(page)
        .contains("Job ips saved.")
        .contains("<tr class=\"job\" data-job=\"ips\">")
        .contains("MISP IPs <span class=\"muted\">IP</span>");
    assertThat(server.component.service().job("ips").orElseThrow().spec().intervalMinutes())
        .isEqualTo(15);
  }

  @Test
  void showsJobErrorsBesideTheirFieldsKeepingWhatWasTyped() {
    Map<String, String> fields = job("bad name", "often");
    fields.put("tags", "!tlp:red");

    WebClient.Answer answer = client.postForm("/jobs", fields);

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body())
        .contains("id=\"job-name-error\">&quot;bad name&quot; is not a valid job name")
        .contains("id=\"job-intervalMinutes-error\">is a string: a whole number is needed")
        .contains("id=\"job-tags-error\">&quot;!tlp:red&quot; starts with")
        .contains("value=\"bad name\"")
        .contains("value=\"often\"");
    assertThat(server.component.service().jobs()).isEmpty();
  }

  @Test
  void picksIocTypesFromTheServersDescribeTypes() {
    saveMisp("https://misp.example.org", KEY);

    String page = client.get("/").body();

    assertThat(page)
        .contains("<select id=\"job-types\" name=\"types\" multiple")
        .contains("<option value=\"ip-src\">ip-src</option>")
        .contains("<option value=\"md5\">md5</option>");
  }

  @Test
  void editsAJobButKeepsItsName() {
    client.postForm("/jobs", job("ips", "15"));

    String form = client.get("/?edit=ips").body();
    Map<String, String> renamed = job("other", "30");
    renamed.put("original", "ips");
    WebClient.Answer refused = client.postForm("/jobs", renamed);
    Map<String, String> changed = job("ips", "30");
    changed.put("original", "ips");
    WebClient.Answer saved = client.postForm("/jobs", changed);

    assertThat(form).contains("Edit job ips").contains("name=\"original\" value=\"ips\"");
    assertThat(refused.code()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"job-name-error\">cannot be changed");
    assertThat(saved.code()).isEqualTo(303);
    assertThat(server.component.service().job("ips").orElseThrow().spec().intervalMinutes())
        .isEqualTo(30);
  }

  @Test
  void refusesASecondJobOfTheSameName() {
    client.postForm("/jobs", job("ips", "15"));

    WebClient.Answer answer = client.postForm("/jobs", job("ips", "20"));

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body()).contains("a job of this name exists");
  }

  @Test
  void runsAJobAndShowsItsCountsValuesAndHistory() {
    prepareJob();

    client.postForm("/jobs/ips/run", Map.of("csrf", csrf));
    assertThat(client.get("/").body()).contains("Run of ips started.");
    String page = awaitPage("<td class=\"added\">1</td>");

    assertThat(page)
        .contains("<td class=\"fetched\">2</td>")
        .contains("<td class=\"status\">ok</td>")
        .contains("<td class=\"ok\">added</td><td class=\"value\">203.0.113.7</td>")
        .contains("id=\"history\"");
  }

  @Test
  void dryRunShowsWhatWouldChangeAndEscapesHostileValues() {
    prepareJob();

    WebClient.Answer answer = client.postForm("/jobs/ips/dry-run", Map.of("csrf", csrf));

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.body())
        .contains("Dry run of ips")
        .contains("would add <span id=\"would-add\">1</span>")
        .contains("<li class=\"value\">203.0.113.7</li>")
        .contains(
            "<td>invalid-value</td><td>ip-dst</td><td class=\"value\">"
                + "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>")
        .doesNotContain(HOSTILE)
        .contains("href=\"../../#jobs\"")
        .contains("href=\"../../static/app.css\"");
    assertThat(server.connectors.qradar.sorted("MISP IPs")).isEmpty();
  }

  @Test
  void hostileValuesShowAsTextInTheLogAndTheJobList() {
    prepareJob();
    Map<String, String> hostile = job("x" + "-1", "15");
    hostile.put("referenceSet", HOSTILE);
    client.postForm("/jobs", hostile);

    client.postForm("/jobs/ips/run", Map.of("csrf", csrf));
    String page = awaitPage("<td class=\"status\">ok</td>");

    assertThat(page).doesNotContain(HOSTILE).contains("&lt;script&gt;alert(&#39;x&#39;)");
  }

  @Test
  void hostileServerAnswersShowAsTextInTheNoticeAndTheLog() {
    saveMisp("https://hostile.example.org", KEY);

    client.postForm("/connections/misp/test", Map.of("csrf", csrf));
    String page = client.get("/").body();

    assertThat(page)
        .doesNotContain("<script>alert('log')</script>")
        .contains("id=\"notice\">MISP test failed: MISP answered 500: &lt;script&gt;")
        .containsPattern(
            "<pre id=\"logs\">[^<]*MISP connection test failed: MISP answered 500:"
                + " &lt;script&gt;alert\\(&#39;log&#39;\\)&lt;/script&gt;");
  }

  @Test
  void pausesResumesAndDeletesFromTheForms() {
    client.postForm("/jobs", job("ips", "15"));

    client.postForm("/jobs/ips/pause", Map.of("csrf", csrf));
    assertThat(client.get("/").body()).contains("Job ips paused.").contains(">Resume</button>");
    client.postForm("/jobs/ips/resume", Map.of("csrf", csrf));
    assertThat(client.get("/").body()).contains("Job ips resumed.").contains(">Pause</button>");
    client.postForm("/jobs/ips/delete", Map.of("csrf", csrf));

    assertThat(client.get("/").body()).contains("Job ips deleted").contains("No job yet");
  }

  @Test
  void everyFormNeedsTheCsrfToken() {
    client.postForm("/jobs", job("ips", "15"));

    for (String path :
        new String[] {
          "/jobs",
          "/jobs/ips/run",
          "/jobs/ips/dry-run",
          "/jobs/ips/pause",
          "/jobs/ips/resume",
          "/jobs/ips/delete",
          "/connections/misp",
          "/connections/qradar/test"
        }) {
      assertThat(client.postForm(path, Map.of("csrf", "forged")).code()).as(path).isEqualTo(403);
      assertThat(client.postForm(path, Map.of()).code()).as(path).isEqualTo(403);
    }
    assertThat(server.component.service().job("ips")).isPresent();
  }

  @Test
  void actionsOnAMissingJobAnswer404() {
    WebClient.Answer answer = client.postForm("/jobs/none/run", Map.of("csrf", csrf));

    assertThat(answer.code()).isEqualTo(404);
    assertThat(answer.body()).contains("No job named &quot;none&quot;");
  }

  @Test
  void showsTheCountdownToTheNextPollOnceScheduled() {
    prepareJob();
    assertThat(client.get("/").body()).contains(">not scheduled</span>");

    server.component.service().startScheduling();

    awaitPage("class=\"countdown\" data-next=\"2026-01-05T10:15:00Z\"");
  }

  private void prepareJob() {
    saveMisp("https://misp.example.org", KEY);
    saveQradar(TOKEN);
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
    server.connectors.misp.add("u2", "ip-dst", HOSTILE, true);
    assertThat(client.postForm("/jobs", job("ips", "15")).code()).isEqualTo(303);
  }

  private WebClient.Answer saveMisp(String url, String key) {
    return client.postForm(
        "/connections/misp", Map.of("csrf", csrf, "url", url, "key", key, "verifyTls", "on"));
  }

  private void saveQradar(String token) {
    client.postForm(
        "/connections/qradar",
        Map.of(
            "csrf", csrf, "url", "https://qradar.example.org", "token", token, "verifyTls", "on"));
  }

  private Map<String, String> job(String name, String interval) {
    Map<String, String> fields = new HashMap<>();
    fields.put("csrf", csrf);
    fields.put("name", name);
    fields.put("referenceSet", "MISP IPs");
    fields.put("elementType", "IP");
    fields.put("typesText", "ip-src\nip-dst");
    fields.put("mode", "mirror");
    fields.put("intervalMinutes", interval);
    fields.put("toIdsOnly", "on");
    fields.put("publishedOnly", "on");
    fields.put("createSetIfMissing", "on");
    return fields;
  }

  private String awaitPage(String expected) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String page = "";
    while (Instant.now().isBefore(deadline)) {
      page = client.get("/").body();
      if (page.contains(expected) && !page.contains("<td class=\"status\">running</td>")) {
        return page;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError("The page never showed " + expected + ": " + page);
  }
}

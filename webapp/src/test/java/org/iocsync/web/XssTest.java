package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import okio.Buffer;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.RunKind;
import org.iocsync.core.SyncMode;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends {@link XssPayloads every hostile payload} through every field of every form and of the API,
 * and through every text from MISP that the UI shows, and checks each answer: the pages hold only
 * the app's own markup (no payload as markup, no event handler, no script URL, no inline script),
 * JSON is served as JSON, and every answer carries the Content-Security-Policy.
 */
class XssTest {
  private static final String POLICY_START = "default-src 'none'; script-src 'self';";
  private static final List<String> JOB_FIELDS =
      List.of(
          "name",
          "referenceSet",
          "elementType",
          "typesText",
          "eventIds",
          "tags",
          "excludeTags",
          "mode",
          "intervalMinutes",
          "timeToLive",
          "original");
  private static final List<String> API_JOB_FIELDS =
      List.of(
          "name",
          "referenceSet",
          "elementType",
          "types",
          "eventIds",
          "tags",
          "excludeTags",
          "mode",
          "intervalMinutes",
          "timeToLive");

  /** Payloads sent, times the places each was sent to, over the whole class. */
  private static final AtomicLong INJECTIONS = new AtomicLong();

  private static final AtomicLong ANSWERS = new AtomicLong();

  @TempDir Path stateDir;

  private TestServer server;
  private WebClient client;
  private String csrf;
  private int jobs;

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

  @AfterAll
  static void printCounts() {
    System.out.println(
        "XSS: "
            + XssPayloads.ALL.size()
            + " payloads sent "
            + INJECTIONS.get()
            + " times through forms, the API and MISP; "
            + ANSWERS.get()
            + " answers checked, all inert");
  }

  @Test
  void everyFieldOfTheJobFormComesBackInert() {
    for (String payload : XssPayloads.ALL) {
      for (String field : JOB_FIELDS) {
        Map<String, String> form = jobForm("form-" + jobs++);
        form.put(field, payload);

        WebClient.Answer answer = inert(client.postForm("/jobs", form), field + "=" + payload);

        if (answer.code() == 303) {
          String name = form.get("name");
          inert(client.get("/"), "the page with job " + name);
          inert(client.get("/?edit=" + UrlPaths.query(name)), "editing " + name);
          client.postForm("/jobs/" + UrlPaths.segment(name) + "/delete", Map.of("csrf", csrf));
        }
        INJECTIONS.incrementAndGet();
      }
    }
  }

  @Test
  void everyFieldOfBothConnectionFormsComesBackInert() {
    for (String payload : XssPayloads.ALL) {
      for (String field : List.of("url", "key", "caCertificatePem", "verifyTls")) {
        Map<String, String> form =
            connectionForm("https://misp.example.org", "key", "k".repeat(40));
        form.put(field, payload);
        inert(client.postForm("/connections/misp", form), "misp " + field + "=" + payload);
        INJECTIONS.incrementAndGet();
      }
      for (String field : List.of("url", "token", "apiVersion", "caCertificatePem")) {
        Map<String, String> form =
            connectionForm("https://qradar.example.org", "token", "t".repeat(36));
        form.put(field, payload);
        inert(client.postForm("/connections/qradar", form), "qradar " + field + "=" + payload);
        INJECTIONS.incrementAndGet();
      }
      inert(client.postForm("/connections/misp/test", Map.of("csrf", csrf)), "misp test");
      inert(client.postForm("/connections/qradar/test", Map.of("csrf", csrf)), "qradar test");
      inert(client.get("/"), "the page after " + payload);
    }
    inert(client.get("/"), "the page after every connection");
  }

  @Test
  void theLoginAndSetupFormsAndEveryPathComeBackInert() {
    WebClient visitor = server.client();
    try (TestServer fresh = TestServer.standalone(stateDir.resolve("fresh"))) {
      WebClient newcomer = fresh.client();
      String setupToken = newcomer.get("/setup").csrf();
      for (String payload : XssPayloads.ALL) {
        String loginToken = visitor.get("/login").csrf();
        inert(
            visitor.postForm("/login", Map.of("csrf", loginToken, "password", payload)),
            "login password=" + payload);
        for (String field : List.of("code", "password", "confirm")) {
          Map<String, String> form = new HashMap<>();
          form.put("csrf", setupToken);
          form.put("code", "wrong");
          form.put("password", "long enough password");
          form.put("confirm", "long enough password");
          form.put(field, payload);
          inert(newcomer.postForm("/setup", form), "setup " + field + "=" + payload);
          INJECTIONS.incrementAndGet();
        }
        String segment = UrlPaths.segment(payload);
        inert(client.get("/?edit=" + UrlPaths.query(payload)), "edit=" + payload);
        inert(client.get("/" + segment), "path " + payload);
        inert(client.get("/api/jobs/" + segment), "api path " + payload);
        for (String action : List.of("run", "dry-run", "pause", "resume", "delete")) {
          inert(
              client.postForm("/jobs/" + segment + "/" + action, Map.of("csrf", csrf)),
              action + " of " + payload);
          INJECTIONS.incrementAndGet();
        }
        inert(
            client.postForm("/connections/" + segment, Map.of("csrf", csrf)), "server " + payload);
        inert(
            client.postForm("/demo/attributes/" + segment + "/delete", Map.of("csrf", csrf)),
            "demo attribute " + payload);
        INJECTIONS.addAndGet(6);
      }
    }
  }

  @Test
  void everyFieldOfTheApiAnswersAsJsonAndComesBackInertOnThePage() {
    Map<String, String> token = Map.of(SecurityFilter.CSRF_HEADER, csrf);
    for (String payload : XssPayloads.ALL) {
      for (String field : API_JOB_FIELDS) {
        String name = "api-" + jobs++;

        WebClient.Answer created =
            inert(client.json("POST", "/api/jobs", apiJob(name, field, payload), token), field);
        WebClient.Answer replaced =
            inert(
                client.json("PUT", "/api/jobs/" + name, apiJob(name, field, payload), token),
                field);

        if (created.code() == 201) {
          inert(client.get("/"), "the page with job " + name);
          inert(client.get("/api/jobs/" + name), "api job " + name);
          inert(client.json("DELETE", "/api/jobs/" + name, "", token), "delete");
        }
        assertThat(replaced.code()).isIn(200, 400, 404);
        INJECTIONS.addAndGet(2);
      }
      for (String field : List.of("url", "key", "caCertificatePem")) {
        inert(
            client.json("PUT", "/api/connections/misp", connection("misp", field, payload), token),
            "api misp " + field);
        INJECTIONS.incrementAndGet();
      }
      for (String field : List.of("url", "token", "apiVersion", "caCertificatePem")) {
        inert(
            client.json(
                "PUT", "/api/connections/qradar", connection("qradar", field, payload), token),
            "api qradar " + field);
        INJECTIONS.incrementAndGet();
      }
      inert(client.json("POST", "/api/connections/misp/test", "", token), "api misp test");
      inert(client.get("/api/status"), "status");
    }
    inert(client.get("/"), "the page after every API call");
    inert(client.get("/api/logs"), "logs");
  }

  @Test
  void everyTextFromMispComesBackInertOnEveryPage() {
    try (DemoServers servers = DemoServers.start()) {
      WebComponent component =
          DaggerWebComponent.builder()
              .settings(
                  WebSettings.fromEnvironment(Map.of(), "127.0.0.1", 0, stateDir.resolve("demo")))
              .clock(Clock.systemUTC())
              .connectors(new ClientConnectors())
              .demo(Optional.of(servers))
              .build();
      WebServer demoServer = component.server();
      servers.configure(component.service());
      demoServer.start();
      try {
        component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
        WebClient demoClient = new WebClient(demoServer.port());
        String login = demoClient.get("/login").csrf();
        demoClient.postForm("/login", Map.of("csrf", login, "password", TestServer.PASSWORD));
        syncHostileMisp(servers, component.service(), demoClient, demoClient.get("/").csrf());
      } finally {
        demoServer.close();
      }
    }
  }

  private void syncHostileMisp(
      DemoServers servers, SyncService service, WebClient client, String csrf) {
    List<String> hostileSets = new ArrayList<>();
    for (String payload : XssPayloads.ALL) {
      long event = servers.misp.addEvent(FakeMisp.event(payload).tags(payload, "tlp:green"));
      servers.misp.addAttribute(
          event, FakeMisp.attribute("url", payload).tags(payload).comment(payload));
      servers.misp.addAttribute(event, FakeMisp.attribute("domain", payload).tags(payload));
      servers.misp.addAttribute(event, FakeMisp.attribute("ip-dst", payload));
      servers.misp.addAttribute(servers.watchedEvent, "url", payload);
      INJECTIONS.addAndGet(9);
    }
    service.saveJob(job("hostile-urls", "Hostile URLs", ElementType.ALN, "url"));
    service.saveJob(job("hostile-ips", "Hostile IPs", ElementType.IP, "ip-dst"));
    service.saveJob(job("hostile-domains", "Hostile domains", ElementType.ALNIC, "domain"));
    for (int i = 0; i < 3; i++) {
      String name = "hostile-set-" + i;
      hostileSets.add(name);
      service.saveJob(job(name, XssPayloads.ALL.get(i), ElementType.ALN, "url"));
    }

    String dryRun =
        inert(client.postForm("/jobs/hostile-urls/dry-run", Map.of("csrf", csrf)), "dry run")
            .body();
    for (String payload : XssPayloads.ALL) {
      if (payload.chars().noneMatch(Character::isISOControl)) {
        assertThat(dryRun).contains(Html.escape(payload.trim()));
      }
    }
    inert(client.postForm("/jobs/hostile-ips/dry-run", Map.of("csrf", csrf)), "dry run of ips");
    inert(
        client.json(
            "POST",
            "/api/jobs/hostile-domains/dry-run",
            "",
            Map.of(SecurityFilter.CSRF_HEADER, csrf)),
        "api dry run");
    List<String> names = new ArrayList<>(List.of("hostile-urls", "hostile-ips", "hostile-domains"));
    names.addAll(hostileSets);
    for (String name : names) {
      service.runSoon(name, RunKind.FULL);
    }
    await(() -> names.stream().allMatch(name -> ended(service, name) == 1));
    servers.misp.faults().nextRequests(20, Fault.htmlPage());
    service.runSoon("hostile-ips", RunKind.FULL);
    await(() -> ended(service, "hostile-ips") == 2);

    String page = inert(client.get("/"), "the main page").body();
    String demo = inert(client.get("/demo"), "the demo page").body();
    inert(client.get("/api/status"), "status");
    inert(client.get("/api/runs"), "runs");
    inert(client.get("/api/logs"), "logs");
    inert(client.get("/api/jobs"), "jobs");
    for (String name : names) {
      inert(client.get("/?edit=" + name), "editing " + name);
    }

    assertThat(page).contains(Html.escape(XssPayloads.ALL.get(0))).contains("id=\"logs\"");
    assertThat(service.store().runs("hostile-ips", 1).get(0).error()).isNotNull();
    for (String payload : XssPayloads.ALL) {
      assertThat(demo).contains(Html.escape(payload));
    }
  }

  /** Checks one answer and counts it; returns it for more checks. */
  private WebClient.Answer inert(WebClient.Answer answer, String what) {
    String description = what + " answered " + answer.code();
    assertThat(answer.header("Content-Security-Policy")).as(description).startsWith(POLICY_START);
    assertThat(answer.header("Content-Security-Policy")).as(description).doesNotContain("unsafe");
    assertThat(answer.header("X-Content-Type-Options")).as(description).isEqualTo("nosniff");
    String type = String.valueOf(answer.header("Content-Type"));
    if (type.startsWith("text/html")) {
      assertThat(HtmlAudit.problems(answer.body())).as(description).isEmpty();
      for (String payload : XssPayloads.ALL) {
        if (XssPayloads.markup(payload)) {
          assertThat(answer.body()).as(description).doesNotContain(payload);
        }
      }
      for (String evaluated : XssPayloads.EVALUATED) {
        assertThat(answer.body()).as(description).doesNotContain(evaluated);
      }
    } else if (answer.code() / 100 == 3) {
      assertThat(answer.header("Location")).as(description).doesNotContain(":").doesNotContain("<");
      for (String payload : XssPayloads.ALL) {
        assertThat(answer.body()).as(description).doesNotContain(payload);
      }
    } else if (!answer.body().isEmpty()) {
      assertThat(type).as(description).startsWith("application/json");
    }
    ANSWERS.incrementAndGet();
    return answer;
  }

  private Map<String, String> jobForm(String name) {
    Map<String, String> form = new HashMap<>();
    form.put("csrf", csrf);
    form.put("name", name);
    form.put("referenceSet", "Set " + name);
    form.put("elementType", "ALN");
    form.put("typesText", "url");
    form.put("mode", "mirror");
    form.put("intervalMinutes", "60");
    form.put("toIdsOnly", "on");
    form.put("createSetIfMissing", "on");
    return form;
  }

  private Map<String, String> connectionForm(String url, String secretField, String secret) {
    Map<String, String> form = new HashMap<>();
    form.put("csrf", csrf);
    form.put("url", url);
    form.put(secretField, secret);
    form.put("verifyTls", "on");
    return form;
  }

  private static String apiJob(String name, String field, String payload) {
    return json(
        writer -> {
          writer.name("name").value(field.equals("name") ? payload : name);
          writer.name("referenceSet").value(field.equals("referenceSet") ? payload : "Set " + name);
          for (String list : List.of("types", "eventIds", "tags", "excludeTags")) {
            if (field.equals(list)) {
              writer.name(list).beginArray().value(payload).endArray();
            }
          }
          for (String text : List.of("elementType", "mode", "intervalMinutes", "timeToLive")) {
            if (field.equals(text)) {
              writer.name(text).value(payload);
            }
          }
        });
  }

  private static String connection(String server, String field, String payload) {
    return json(
        writer -> {
          writer
              .name("url")
              .value(field.equals("url") ? payload : "https://" + server + ".example.org");
          for (String other : List.of("key", "token", "apiVersion", "caCertificatePem")) {
            if (field.equals(other)) {
              writer.name(other).value(payload);
            }
          }
        });
  }

  private interface Fields {
    void write(JsonWriter writer) throws IOException;
  }

  private static String json(Fields fields) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.beginObject();
      fields.write(writer);
      writer.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8();
  }

  private static JobSpec job(String name, String set, ElementType type, String mispType) {
    return new JobSpec(
        name,
        set,
        type,
        List.of(mispType),
        List.of(),
        List.of(),
        List.of(),
        true,
        true,
        false,
        SyncMode.MIRROR,
        60,
        true,
        null);
  }

  private static long ended(SyncService service, String job) {
    return service.store().runs(job, 10).stream().filter(run -> run.endedAt() != null).count();
  }

  private static void await(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("The condition never held");
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
